package wirelens.capture;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Wirelens capture opened for reading: its index plus random access to each chunk's bytes. Either
 * opened from disk with {@link #open} or {@link #openSet} (reads block headers only, never the payloads),
 * or handed out by a running {@link Recorder} for the files it is writing. A capture may span several
 * files (a ring); each chunk's position says which (see {@link FileOffsets}). Thread-safe: reads are
 * positional.
 */
public final class CaptureFile implements Closeable {
    private final Path path;
    private final Map<Integer, Part> parts = new ConcurrentHashMap<>();
    private final CaptureIndex index;
    private final List<String> skipped;

    /** One file of the capture; its channel opens on first read and closes when the ring deletes the file. */
    private static final class Part {
        final Path path;
        /** Where the file's restated connections end (0 when it restates none). */
        final long bodyStart;
        FileChannel channel;
        boolean gone;

        Part(Path path, FileChannel channel, long bodyStart) {
            this.path = path;
            this.channel = channel;
            this.bodyStart = bodyStart;
        }

        synchronized FileChannel channel() throws IOException {
            if (gone) {
                throw new ChunkGoneException("no longer in the capture ring (its file " + path.getFileName()
                        + " was deleted to keep the ring within its number of files)");
            }
            if (channel == null) {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            }
            return channel;
        }

        synchronized void close(boolean deleted) throws IOException {
            gone |= deleted;
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }
    }

    private CaptureFile(Path path, CaptureIndex index, List<String> skipped) {
        this.path = path;
        this.index = index;
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Opens a capture and builds its index. A damaged tail (truncation, e.g. after {@code kill -9}) or a
     * damaged block is skipped and named in {@link #skipped()}; a file that is not a Wirelens pcapng at
     * all throws. When {@code path} does not exist but names a ring ({@code cap.pcapng} for
     * {@code cap_00001.pcapng}, ...), the files the ring still holds open as one capture.
     *
     * @throws CaptureFormatException the file is not pcapng, not a Wirelens capture, or unreadable from the start
     * @throws IOException            the file cannot be opened or read (missing, no permission)
     */
    public static CaptureFile open(Path path) throws IOException {
        if (Files.notExists(path)) {
            List<Path> ring = CaptureRing.parts(path);
            if (!ring.isEmpty()) {
                return openSet(path, ring);
            }
        }
        return openSet(path, List.of(path));
    }

    /**
     * As {@link #open}, but a file named as one of a ring's ({@code cap_00003.pcapng}) opens with the other
     * files of its ring that remain, as one capture: what the window's Open does.
     */
    public static CaptureFile openWithRing(Path path) throws IOException {
        if (CaptureRing.number(path) > 0) {
            Path name = CaptureRing.name(path);
            List<Path> ring = Files.notExists(name) ? CaptureRing.parts(name) : List.of();
            if (ring.size() > 1 && ring.contains(path)) {
                return openSet(name, ring);
            }
        }
        return open(path);
    }

    /**
     * Writes the capture as one file to {@code target} (e.g. for "Save capture as"); a set of files becomes
     * one stream, without the connections each later file restates.
     */
    public void saveCopy(Path target) throws IOException {
        List<Integer> numbers = parts.keySet().stream().sorted().toList();
        List<FileChannel> channels = new ArrayList<>();
        List<long[]> ranges = new ArrayList<>();
        for (int n : numbers) {
            Part p = parts.get(n);
            FileChannel c = p.channel();
            channels.add(c);
            ranges.add(new long[] {channels.size() == 1 ? 0 : p.bodyStart, c.size()});
        }
        CaptureRing.copy(channels, ranges, target);
    }

    /** Whether {@link #open} finds something at {@code path}: a file, or the files of a ring of that name. */
    public static boolean exists(Path path) {
        try {
            return Files.isRegularFile(path) || (Files.notExists(path) && !CaptureRing.parts(path).isEmpty());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Opens several files as one capture, in the order given (a ring's files oldest first): a connection
     * that goes on from one file into the next is one connection, read whole. {@code name} is what the
     * capture is called (e.g. the ring's name, or the first file).
     */
    public static CaptureFile openSet(Path name, List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IOException(name + ": no files to open");
        }
        List<FileChannel> channels = new ArrayList<>();
        try {
            for (Path f : files) {
                channels.add(FileChannel.open(f, StandardOpenOption.READ));
            }
            PcapngScanner.Result result = PcapngScanner.scan(files, channels);
            CaptureFile file = new CaptureFile(name, result.index(), result.skipped());
            for (int i = 0; i < files.size(); i++) {
                file.parts.put(i, new Part(files.get(i), channels.get(i), result.bodyStarts()[i]));
            }
            return file;
        } catch (IOException | RuntimeException e) {
            for (FileChannel c : channels) {
                c.close();
            }
            throw e;
        }
    }

    /** A reader over the file a recorder is writing (file number {@code number}); the recorder fills {@code index}. */
    static CaptureFile live(Path path, int number, CaptureIndex index) throws IOException {
        CaptureFile file = new CaptureFile(path, index, List.of());
        file.addPart(number, path);
        return file;
    }

    /** The recorder started file {@code number} of its ring. */
    void addPart(int number, Path file) {
        parts.put(number, new Part(file, null, 0));
    }

    /** The ring is about to delete file {@code number}: its chunks read as gone from now on. */
    void dropPart(int number) throws IOException {
        Part p = parts.remove(number);
        if (p != null) {
            p.close(true);
        }
    }

    /** The file the capture was opened as: the file itself, a ring's name, or the first of a set. */
    public Path path() {
        return path;
    }

    /** The files it is read from, in order. */
    public List<Path> files() {
        List<Path> out = new ArrayList<>();
        parts.keySet().stream().sorted().forEach(n -> {
            Part p = parts.get(n);
            if (p != null) {
                out.add(p.path);
            }
        });
        return out;
    }

    public CaptureIndex index() {
        return index;
    }

    /** What opening had to skip, one sentence each (e.g. "the last 1234 bytes are a cut-off block"). */
    public List<String> skipped() {
        return skipped;
    }

    /** False when the chunk's file was deleted by the ring (its bytes cannot be read any more). */
    public boolean holds(ChunkInfo chunk) {
        return chunk.inFile() && parts.containsKey(FileOffsets.file(chunk.fileOffset()));
    }

    /** The bytes sent on for this chunk (empty when dropped). */
    public byte[] forwarded(ChunkInfo chunk) throws IOException {
        if (chunk.dropped() || chunk.forwardedLength() == 0) {
            return new byte[0];
        }
        return forwarded(chunk, new byte[chunk.forwardedLength()]);
    }

    /**
     * The bytes sent on for this chunk, read into {@code reuse} when it is long enough (else into a new
     * array): only the first {@code forwardedLength} bytes of the result are the chunk's.
     */
    public byte[] forwarded(ChunkInfo chunk, byte[] reuse) throws IOException {
        if (chunk.dropped() || chunk.forwardedLength() == 0) {
            return reuse;
        }
        byte[] out = reuse.length >= chunk.forwardedLength() ? reuse : new byte[chunk.forwardedLength()];
        Part p = part(chunk);
        try {
            return ChunkRecords.readForwarded(p.channel(), p.path, chunk, out);
        } catch (ClosedChannelException e) {
            throw gone(p, e);
        }
    }

    /** The bytes as read from the sender (same as {@link #forwarded} unless edited or dropped). */
    public byte[] original(ChunkInfo chunk) throws IOException {
        if (!chunk.edited() && !chunk.dropped()) {
            return forwarded(chunk);
        }
        if (chunk.originalLength() == 0) {
            return new byte[0];
        }
        Part p = part(chunk);
        try {
            return ChunkRecords.readOriginal(p.channel(), p.path, chunk);
        } catch (ClosedChannelException e) {
            throw gone(p, e);
        }
    }

    private Part part(ChunkInfo chunk) throws IOException {
        if (!chunk.inFile()) {
            ChunkRecords.checkInFile(chunk);
        }
        Part p = parts.get(FileOffsets.file(chunk.fileOffset()));
        if (p == null) {
            throw new ChunkGoneException("no longer in the capture ring (its file was deleted to keep the ring"
                    + " within its number of files)");
        }
        return p;
    }

    /** A read that raced with the ring deleting the file. */
    private static IOException gone(Part p, ClosedChannelException e) {
        if (p.gone) {
            ChunkGoneException g = new ChunkGoneException("no longer in the capture ring (its file "
                    + p.path.getFileName() + " was deleted to keep the ring within its number of files)");
            g.initCause(e);
            return g;
        }
        return e;
    }

    @Override
    public void close() throws IOException {
        for (Part p : parts.values()) {
            p.close(false);
        }
    }
}
