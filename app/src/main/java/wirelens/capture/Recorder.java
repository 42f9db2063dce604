package wirelens.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
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
import wirelens.base.Units;
import wirelens.capture.CaptureUpdate.DiskSpaceState;
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
 *
 * <p>A ring ({@link #toRing}) starts its next file between two events once the current one holds its
 * size, and deletes the oldest beyond its count. Free disk space is asked at most once a second; low
 * space is told as {@link CaptureUpdate.DiskSpace}, and below the pause limit nothing is written (the
 * index learns of chunks without a file position) until space comes back.
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
    /** The name given: the file itself, or a ring's name (its files are numbered after it). */
    private final Path base;
    private final CaptureRing ring;
    /** A temporary ring lives in a directory of its own, deleted with it. */
    private final Path temporaryDirectory;
    private final boolean temporary;
    private final CaptureIndex index = new CaptureIndex();
    private final List<Consumer<List<CaptureUpdate>>> subscribers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final PcapngEncoder encoder;
    private final CaptureFile liveFile;
    /** The files the capture holds, oldest first; rotation and deletion change it under its lock. */
    private final ArrayDeque<Part> parts = new ArrayDeque<>();
    private volatile FileChannel out;
    private volatile Path path;
    private volatile int part;
    private final Sink sink;
    private DiskWatch diskWatch;
    private volatile boolean paused;
    private volatile Consumer<String> onWriteFailure = message -> {};
    private volatile String writeFailure;
    private volatile long flushedBytes;
    private volatile boolean stopping;
    /** A connection leaves the index when it ends: always without a file, on request with one. */
    private volatile boolean forgetEnded;

    /**
     * One file of the capture; a ring's file restates the open connections before {@code bodyStart}.
     * {@code length}: its size once complete, -1 while it is being written.
     */
    private record Part(int number, Path path, long bodyStart, long length) {}

    private Recorder(EventQueue events, Path base, boolean temporary, Path temporaryDirectory, CaptureRing ring,
            UnaryOperator<Sink> wrapSink) throws IOException {
        this.events = Objects.requireNonNull(events, "events");
        this.base = base;
        this.ring = ring;
        this.temporary = temporary;
        this.temporaryDirectory = temporaryDirectory;
        if (base != null) {
            this.part = ring == null ? 0 : 1;
            this.path = ring == null ? base : CaptureRing.part(base, 1);
            this.out = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            Sink file = (pieces, offset, length) -> out.write(pieces, offset, length);
            this.sink = wrapSink == null ? file : wrapSink.apply(file);
            this.encoder = new PcapngEncoder(this::writeToFile);
            try {
                encoder.fileHeader(EpochClock.nowNanos(), part);
                encoder.flush();
                if (writeFailure != null) {
                    throw new IOException(writeFailure);
                }
                this.liveFile = CaptureFile.live(path, part, index);
                parts.add(new Part(part, path, 0, -1));
            } catch (IOException e) {
                out.close();
                throw e;
            }
            this.diskWatch = new DiskWatch(DiskWatch.FreeSpace.of(path), DiskWatch.Limits.DEFAULT,
                    TimeUnit.SECONDS.toNanos(1));
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
        return new Recorder(events, file, false, null, null, null);
    }

    /**
     * Records into the numbered files of a ring named {@code base} ({@link CaptureRing#part}); the first
     * is created now, so a bad path fails here.
     */
    public static Recorder toRing(EventQueue events, Path base, CaptureRing ring) throws IOException {
        return new Recorder(events, base, false, null, Objects.requireNonNull(ring, "ring"), null);
    }

    /** Records to a new temporary file, deleted by {@link #close()} (save it first with {@link #saveCopy}). */
    public static Recorder toTemporaryFile(EventQueue events) throws IOException {
        Path file = Files.createTempFile("wirelens-", ".pcapng");
        return new Recorder(events, file, true, null, null, null);
    }

    /** Records to a ring in a new temporary directory, deleted with its files by {@link #close()}. */
    public static Recorder toTemporaryRing(EventQueue events, CaptureRing ring) throws IOException {
        Path dir = Files.createTempDirectory("wirelens-");
        try {
            return new Recorder(events, dir.resolve("capture.pcapng"), true, dir, Objects.requireNonNull(ring), null);
        } catch (IOException e) {
            Files.deleteIfExists(dir);
            throw e;
        }
    }

    /** Keeps only the in-memory index and tells subscribers; nothing is written and no bytes can be read back. */
    public static Recorder withoutFile(EventQueue events) {
        try {
            return new Recorder(events, null, false, null, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen without a file
        }
    }

    /** For tests: records to {@code file} through a wrapper of the file's sink (e.g. one that fails). */
    static Recorder withSink(EventQueue events, Path file, UnaryOperator<Sink> wrapSink) throws IOException {
        return new Recorder(events, file, false, null, null, wrapSink);
    }

    /**
     * Watches free space with {@code source} instead of the file store, every {@code intervalNanos} (tests
     * use a fake source and 0). Call before {@link #start()}.
     */
    void watchDisk(DiskWatch.FreeSpace source, DiskWatch.Limits limits, long intervalNanos) {
        if (encoder != null) {
            diskWatch = new DiskWatch(source, limits, intervalNanos);
        }
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

    /** The file being written now (a ring's newest file); empty without a file. */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** The name given: the file itself, or the ring's name; empty without a file. */
    public Optional<Path> name() {
        return Optional.ofNullable(base);
    }

    public Optional<CaptureRing> ring() {
        return Optional.ofNullable(ring);
    }

    /** The files the capture holds now, oldest first (one unless it is a ring). */
    public List<Path> files() {
        synchronized (parts) {
            return parts.stream().map(Part::path).toList();
        }
    }

    /** True when the capture is a temporary one, deleted on close unless saved first. */
    public boolean isTemporary() {
        return temporary;
    }

    /** Bytes of the file being written known to be complete on disk (whole blocks only). */
    public long flushedBytes() {
        return flushedBytes;
    }

    /** Bytes in all the files the capture holds now. */
    public long totalBytes() {
        long total = 0;
        synchronized (parts) {
            for (Part p : parts) {
                total += p.length < 0 ? flushedBytes : p.length;
            }
        }
        return total;
    }

    /** True while capture is paused for lack of disk space (traffic flows on, unrecorded). */
    public boolean paused() {
        return paused;
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
        if (ring == null && Files.exists(target) && Files.isSameFile(path, target)) {
            return; // it is already there, and stays up to date
        }
        // the files are opened under the lock the ring deletes under, so none vanishes before it is copied
        List<FileChannel> sources = new ArrayList<>();
        List<long[]> ranges = new ArrayList<>();
        try {
            synchronized (parts) {
                boolean first = true;
                for (Part p : parts) {
                    FileChannel src = FileChannel.open(p.path, StandardOpenOption.READ);
                    sources.add(src);
                    long end = p.length < 0 ? flushedBytes : p.length;
                    // a later file's own header and restated connections are left out: the copy is one stream
                    ranges.add(new long[] {first ? 0 : p.bodyStart, end});
                    first = false;
                }
            }
            CaptureRing.copy(sources, ranges, target);
        } finally {
            for (FileChannel c : sources) {
                c.close();
            }
        }
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
            for (Path p : files()) {
                Files.deleteIfExists(p);
            }
            if (temporaryDirectory != null) {
                try {
                    Files.deleteIfExists(temporaryDirectory);
                } catch (IOException e) {
                    log.warn("could not delete the temporary capture directory {}: {}", temporaryDirectory,
                            e.getMessage());
                }
            }
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
        checkDisk(updates);
        // the engine's budget is released as events are encoded, not after the whole batch, so that it
        // reads on while this thread writes (the batch itself stays referenced until subscribers ran)
        int released = 0;
        long encodedWeight = 0;
        long[] offsets = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            EngineEvent event = batch.get(i);
            offsets[i] = encode(event);
            if (ring != null && rotationDue() && writeFailure == null && !paused) {
                rotate();
            }
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
        return writeFailure != null ? -1 : FileOffsets.of(part, offset);
    }

    private void index(EngineEvent event, long position, List<CaptureUpdate> updates) {
        boolean lost = writeFailure != null && FileOffsets.file(position) == part
                && FileOffsets.offset(position) >= flushedBytes;
        updater.apply(event, lost ? -1 : position, updates);
    }

    // ---- the ring and the disk ----

    /** Where the current file's own events begin, after the connections it restates. */
    private long bodyStart;

    /**
     * The file is full, and at least half of it is its own events: with many connections open and small
     * files, restating them alone could otherwise fill each new file and rotate on every event.
     */
    private boolean rotationDue() {
        long at = encoder.position();
        return at >= ring.maxFileBytes() && at - bodyStart >= ring.maxFileBytes() / 2;
    }

    /**
     * Closes the file being written and starts the ring's next one: its header, then the connections
     * still open restated, so that it reads on its own; deletes the oldest files beyond the ring's count.
     */
    private void rotate() {
        encoder.flush();
        if (writeFailure != null) {
            return;
        }
        int next = part + 1;
        Path nextPath = CaptureRing.part(base, next);
        FileChannel nextOut;
        try {
            nextOut = FileChannel.open(nextPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            fail("cannot start the next capture file " + nextPath + " (" + e.getMessage() + "); recording"
                    + " stopped, traffic goes on; the files written so far hold everything up to that point");
            return;
        }
        FileChannel old = out;
        synchronized (parts) {
            Part done = parts.removeLast();
            parts.add(new Part(done.number, done.path, done.bodyStart, flushedBytes));
            out = nextOut;
            path = nextPath;
            part = next;
            flushedBytes = 0;
        }
        try {
            old.close();
        } catch (IOException e) {
            log.warn("closing capture file failed: {}", e.getMessage());
        }
        liveFile.addPart(next, nextPath);
        long now = EpochClock.nowNanos();
        encoder.newFile();
        encoder.fileHeader(now, next);
        encoder.restateOpen(now, next);
        encoder.flush();
        bodyStart = flushedBytes;
        synchronized (parts) {
            parts.add(new Part(next, nextPath, flushedBytes, -1));
            while (ring.maxFiles() > 0 && parts.size() > ring.maxFiles()) {
                Part oldest = parts.removeFirst();
                try {
                    liveFile.dropPart(oldest.number);
                    Files.deleteIfExists(oldest.path);
                } catch (IOException e) {
                    log.warn("could not delete the oldest capture file {}: {}", oldest.path, e.getMessage());
                }
            }
        }
    }

    /** Warns, pauses or resumes the capture as free space goes (at most once a second). */
    private void checkDisk(List<CaptureUpdate> updates) {
        if (diskWatch == null || writeFailure != null) {
            return;
        }
        DiskWatch.Change change = diskWatch.check(System.nanoTime());
        long free = diskWatch.lastFree();
        String where = path.toAbsolutePath().getParent().toString();
        switch (change) {
            case LOW -> updates.add(new CaptureUpdate.DiskSpace(DiskSpaceState.LOW, "little disk space left for"
                    + " the capture in " + where + ": " + Units.bytes(free) + " free; capture pauses below "
                    + Units.bytes(diskWatch.limits().pauseBelow())));
            case PAUSE -> {
                encoder.pause(EpochClock.nowNanos());
                paused = true;
                updates.add(new CaptureUpdate.DiskSpace(DiskSpaceState.PAUSED, "CAPTURE PAUSED: only "
                        + Units.bytes(free) + " free in " + where + "; traffic flows on unrecorded until more than "
                        + Units.bytes(diskWatch.limits().resumeAbove()) + " is free"));
            }
            case RESUME -> {
                long missed = encoder.resume(EpochClock.nowNanos());
                encoder.flush();
                paused = false;
                updates.add(new CaptureUpdate.DiskSpace(DiskSpaceState.RESUMED, "capture resumed: "
                        + Units.bytes(free) + " free in " + where + "; " + missed + " bytes were not recorded"));
            }
            case NONE -> { }
        }
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
            try {
                out.truncate(before);
                out.position(before);
            } catch (IOException ignored) {
                // the truncate is best effort: a reader skips a cut-off last block anyway
            }
            fail("capture file " + path + ": write failed (" + e.getMessage()
                    + "); recording stopped, traffic goes on; the file holds everything up to that point");
        }
    }

    /** Recording stops for good: said once, to the callback and then to subscribers with the next batch. */
    private void fail(String message) {
        writeFailure = message;
        try {
            onWriteFailure.accept(message);
        } catch (RuntimeException r) {
            log.error(message);
        }
    }

    /** Where encoded bytes go: the file channel's gathering write, or in tests a wrapper around it. */
    @FunctionalInterface
    interface Sink {
        long write(ByteBuffer[] pieces, int offset, int length) throws IOException;
    }
}
