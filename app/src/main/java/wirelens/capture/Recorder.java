package wirelens.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import wirelens.base.AtomicFiles;
import wirelens.engine.EngineEvent;
import wirelens.engine.EpochClock;
import wirelens.engine.EventQueue;

/**
 * The one consumer of the engine's {@link EventQueue}. A writer thread drains events in batches,
 * appends them to the capture file (if there is one), keeps the {@link CaptureIndex}, writes each batch
 * out before telling subscribers (so at most one batch — never more than ~100 ms or ~1 MiB — is lost
 * to a {@code kill -9}), then hands the batch's {@link CaptureUpdate}s to every subscriber.
 *
 * <p>A write error (disk full) is loud: subscribers get {@link CaptureUpdate.WriteFailed}, the
 * {@code onWriteFailure} callback runs, and {@link #writeFailure()} says why. Recording to the file
 * stops there (the file stays readable up to the last complete batch), while the queue keeps being
 * drained so that traffic keeps flowing and the index keeps growing.
 */
public final class Recorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Recorder.class);

    /** Most events taken from the queue at once. */
    private static final int BATCH_EVENTS = 512;
    /** Write out whenever this much is buffered, even within a batch. */
    static final int FLUSH_BYTES = 1 << 20;
    /** The longest the writer waits for events, so buffered bytes never sit longer than this. */
    private static final long POLL_MILLIS = 50;
    private static final long CLOSE_WAIT_MILLIS = 30_000;
    /** Budget released to the engine after this much of a batch is encoded. */
    private static final long RELEASE_BYTES = 1 << 20;

    private final EventQueue events;
    private final Path path;
    private final boolean temporary;
    private final CaptureIndex index = new CaptureIndex();
    private final List<Consumer<List<CaptureUpdate>>> subscribers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final PcapngEncoder encoder;
    private final CaptureFile liveFile;
    private FileChannel out;
    private final Sink sink;
    private volatile Consumer<String> onWriteFailure = message -> {};
    private volatile String writeFailure;
    private volatile long flushedBytes;
    private volatile boolean stopping;
    /** A connection leaves the index when it ends: always without a file, on request with one. */
    private volatile boolean forgetEnded;

    private Recorder(EventQueue events, Path path, boolean temporary, UnaryOperator<Sink> wrapSink)
            throws IOException {
        this.events = Objects.requireNonNull(events, "events");
        this.path = path;
        this.temporary = temporary;
        if (path != null) {
            this.out = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            FileChannel channel = this.out;
            this.sink = wrapSink == null ? channel::write : wrapSink.apply(channel::write);
            this.encoder = new PcapngEncoder(this::writeToFile);
            try {
                encoder.fileHeader(EpochClock.nowNanos());
                encoder.flush();
                if (writeFailure != null) {
                    throw new IOException(writeFailure);
                }
                this.liveFile = CaptureFile.live(path, index);
            } catch (IOException e) {
                out.close();
                throw e;
            }
        } else {
            this.sink = null;
            this.encoder = null;
            this.liveFile = null;
            this.forgetEnded = true;
        }
        this.thread = new Thread(this::run, "wirelens-capture-writer");
        this.thread.setDaemon(true);
    }

    /**
     * Records to {@code file} (created or truncated now, so a bad path fails here with a clear
     * {@link IOException}). Call {@link #start()} after subscribing.
     */
    public static Recorder toFile(EventQueue events, Path file) throws IOException {
        return new Recorder(events, file, false, null);
    }

    /** Records to a new temporary file, deleted by {@link #close()} (save it first with {@link #saveCopy}). */
    public static Recorder toTemporaryFile(EventQueue events) throws IOException {
        Path file = Files.createTempFile("wirelens-", ".pcapng");
        return new Recorder(events, file, true, null);
    }

    /** Keeps only the in-memory index and tells subscribers; nothing is written and no bytes can be read back. */
    public static Recorder withoutFile(EventQueue events) {
        try {
            return new Recorder(events, null, false, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen without a file
        }
    }

    /** For tests: records to {@code file} through a wrapper of the file's sink (e.g. one that fails). */
    static Recorder withSink(EventQueue events, Path file, UnaryOperator<Sink> wrapSink) throws IOException {
        return new Recorder(events, file, false, wrapSink);
    }

    /**
     * Adds a subscriber, called on the writer thread with each batch of updates, after the batch is in
     * the file and in the index. A subscriber that throws is reported on stderr and kept.
     */
    public void subscribe(Consumer<List<CaptureUpdate>> subscriber) {
        subscribers.add(Objects.requireNonNull(subscriber));
    }

    /** Called once, on the writer thread, with a message for the user when writing fails. */
    public void onWriteFailure(Consumer<String> callback) {
        this.onWriteFailure = Objects.requireNonNull(callback);
    }

    /**
     * From now on a connection leaves the index as soon as it has ended (its records stay in the file),
     * so the heap holds open connections only: for runs that never look back at finished connections,
     * as the headless runner, however long they run. Without a file this is always so.
     */
    public void forgetEndedConnections() {
        this.forgetEnded = true;
    }

    /** Starts the writer thread. */
    public void start() {
        thread.start();
    }

    public CaptureIndex index() {
        return index;
    }

    /** The file being written, for reading chunk bytes back; empty without a file. */
    public Optional<CaptureFile> file() {
        return Optional.ofNullable(liveFile);
    }

    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** Bytes of the file known to be complete on disk (whole blocks only). */
    /** True when the file is a temporary one, deleted on close unless saved first. */
    public boolean isTemporary() {
        return temporary;
    }

    public long flushedBytes() {
        return flushedBytes;
    }

    /** Why writing the file failed, or empty while all is well. */
    public Optional<String> writeFailure() {
        return Optional.ofNullable(writeFailure);
    }

    /**
     * Copies what is on disk so far (every complete batch — a valid capture) to {@code target}, e.g.
     * for "Save capture as". Recording goes on into the original file.
     */
    public void saveCopy(Path target) throws IOException {
        if (path == null) {
            throw new IOException("nothing to save: this session is not recorded to a file");
        }
        if (Files.exists(target) && Files.isSameFile(path, target)) {
            return; // it is already there, and stays up to date
        }
        long length = flushedBytes;
        AtomicFiles.replace(target, partial -> {
            try (FileChannel src = FileChannel.open(path, StandardOpenOption.READ);
                    FileChannel dst = FileChannel.open(partial, StandardOpenOption.WRITE,
                            StandardOpenOption.TRUNCATE_EXISTING)) {
                long done = 0;
                while (done < length) {
                    long n = src.transferTo(done, length - done, dst);
                    if (n <= 0) {
                        throw new IOException("could not copy " + path + " (stopped at byte " + done + ")");
                    }
                    done += n;
                }
            }
            return null;
        });
    }

    /**
     * Stops after the queue is drained (close the engine first so that no more events come), writes
     * what is left, closes the file and deletes it if temporary. Waits at most 30 s for the writer.
     */
    @Override
    public void close() throws IOException {
        stopping = true;
        if (thread.isAlive()) {
            try {
                thread.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (thread.getState() == Thread.State.NEW) {
            while (drainOnce(0) > 0) {
                // never started: still record what is queued
            }
            finishFile();
        }
        if (out != null) {
            out.close();
        }
        if (liveFile != null) {
            liveFile.close();
        }
        if (temporary && path != null) {
            Files.deleteIfExists(path);
        }
    }

    // ---- writer thread ----

    private void run() {
        while (true) {
            boolean stop = stopping;
            int n = drainOnce(POLL_MILLIS);
            if (stop && n == 0 && events.isEmpty()) {
                finishFile();
                return;
            }
        }
    }

    private final List<EngineEvent> batch = new ArrayList<>(BATCH_EVENTS);
    private final IndexUpdater updater = new IndexUpdater(index);

    /** Drains one batch, records it, tells subscribers; returns the number of events handled. */
    private int drainOnce(long waitMillis) {
        batch.clear();
        try {
            events.drainTo(batch, BATCH_EVENTS, waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            stopping = true;
            Thread.currentThread().interrupt();
            return 0;
        }
        if (batch.isEmpty()) {
            return 0;
        }
        List<CaptureUpdate> updates = new ArrayList<>(batch.size());
        // the engine's budget is released as events are encoded, not after the whole batch, so that it
        // reads on while this thread writes (the batch itself stays referenced until subscribers ran)
        int released = 0;
        long encodedWeight = 0;
        long[] offsets = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            EngineEvent event = batch.get(i);
            offsets[i] = encode(event);
            encodedWeight += event.weight();
            if (encodedWeight >= RELEASE_BYTES) {
                events.consumed(batch.subList(released, i + 1));
                released = i + 1;
                encodedWeight = 0;
            }
        }
        if (encoder != null && writeFailure == null) {
            encoder.flush();
        }
        // the index learns of a chunk only once its bytes are in the file: a view that polls the index
        // (rather than subscribing) must never read back bytes still in the encoder's buffer
        for (int i = 0; i < batch.size(); i++) {
            index(batch.get(i), offsets[i], updates);
        }
        if (writeFailure != null && !failureReported) {
            failureReported = true;
            updates.add(new CaptureUpdate.WriteFailed(writeFailure));
        }
        int n = batch.size();
        try {
            for (Consumer<List<CaptureUpdate>> s : subscribers) {
                try {
                    s.accept(updates);
                } catch (RuntimeException e) {
                    log.error("a capture subscriber failed", e);
                }
            }
        } finally {
            // lent engine buffers go back only now: the file has them, and subscribers have had them
            for (int i = 0; i < batch.size(); i++) {
                done(batch.get(i));
            }
            events.consumed(batch.subList(released, batch.size()));
            batch.clear();
        }
        return n;
    }

    // Each event's work is a method of its own, called once per event: it is then compiled by how
    // often it is called (thousands of times during the start-up warm-up), whereas the loops of
    // drainOnce, which runs a few times a second, would be compiled one at a time, after start-up,
    // each with the whole loop body (measured: four compilations of drainOnce, 210 ms of C2 time, in
    // the first two seconds of traffic).

    /** Writes an event to the file; its offset there, or -1 if it has no bytes there or writing failed. */
    private long encode(EngineEvent event) {
        if (encoder == null || writeFailure != null) {
            return -1;
        }
        long offset = encoder.event(event);
        return writeFailure != null ? -1 : offset;
    }

    private void index(EngineEvent event, long offset, List<CaptureUpdate> updates) {
        updater.apply(event, writeFailure != null && offset >= flushedBytes ? -1 : offset, updates);
    }

    /**
     * Gives a chunk's lent buffer back; an ended connection also leaves the index when nothing will look
     * back at it (no file to read it from, or {@link #forgetEndedConnections}): a long run stays small.
     */
    private void done(EngineEvent event) {
        if (event instanceof EngineEvent.Chunk c) {
            c.release();
        } else if (forgetEnded && event instanceof EngineEvent.Closed c) {
            index.forget(c.connectionId());
        } else if (forgetEnded && event instanceof EngineEvent.Failed f) {
            index.forget(f.connectionId());
        }
    }

    private boolean failureReported;

    /** Writes connections that were opened but never got further, then the last bytes. */
    private void finishFile() {
        if (encoder != null && writeFailure == null) {
            encoder.finish();
            encoder.flush();
        }
    }

    /** Appends whole blocks to the file; on failure cuts the file back to the last complete write. */
    private void writeToFile(ByteBuffer[] pieces) {
        if (writeFailure != null) {
            return;
        }
        long before = flushedBytes;
        long total = 0;
        for (ByteBuffer p : pieces) {
            total += p.remaining();
        }
        try {
            int first = 0;
            int idle = 0;
            while (first < pieces.length) {
                if (sink.write(pieces, first, pieces.length - first) == 0 && ++idle > 1000) {
                    throw new IOException("the file takes no more bytes");
                }
                while (first < pieces.length && !pieces[first].hasRemaining()) {
                    first++;
                }
            }
            flushedBytes = before + total;
        } catch (IOException e) {
            String message = "capture file " + path + ": write failed (" + e.getMessage()
                    + "); recording stopped, traffic goes on; the file holds everything up to that point";
            writeFailure = message;
            try {
                out.truncate(before);
                out.position(before);
            } catch (IOException ignored) {
                // the truncate is best effort: a reader skips a cut-off last block anyway
            }
            try {
                onWriteFailure.accept(message);
            } catch (RuntimeException r) {
                log.error(message);
            }
        }
    }

    /** Where encoded bytes go: the file channel's gathering write, or in tests a wrapper around it. */
    @FunctionalInterface
    interface Sink {
        long write(ByteBuffer[] pieces, int offset, int length) throws IOException;
    }
}
