package wirelens.capture;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import wirelens.base.AtomicFiles;

/**
 * A capture that rotates into numbered files, as dumpcap's ring buffer does: a file is closed once it
 * holds {@code maxFileBytes} and the next one opens; beyond {@code maxFiles} files the oldest is deleted
 * (0: none is). The files of a ring named {@code cap.pcapng} are {@code cap_00001.pcapng},
 * {@code cap_00002.pcapng}, ...; the name itself is never written, and opening it opens the files the
 * ring still holds as one capture.
 *
 * @param maxFileBytes a file is closed once it holds this much (it may pass it by one batch of the writer)
 * @param maxFiles     most files kept at once, 0 for all
 */
public record CaptureRing(long maxFileBytes, int maxFiles) {
    /** The smallest file size: a file must hold more than its header and the connections it restates. */
    public static final long MIN_FILE_BYTES = 16 * 1024;
    /** The window's temporary capture: 4 GiB in all. */
    public static final CaptureRing WINDOW_DEFAULT = new CaptureRing(256L << 20, 16);

    private static final Pattern PART = Pattern.compile("(.*)_(\\d{5,7})(\\.[^.]*)?");

    public CaptureRing {
        if (maxFileBytes < MIN_FILE_BYTES || maxFileBytes > FileOffsets.MAX_OFFSET) {
            throw new IllegalArgumentException("a capture file size must be between 16 KiB and 1 TiB");
        }
        if (maxFiles < 0 || maxFiles == 1) {
            throw new IllegalArgumentException("a ring keeps at least 2 files (or 0 for all)");
        }
    }

    /** All the files together may hold this much (0 when there is no limit). */
    public long maxTotalBytes() {
        return maxFiles == 0 ? 0 : maxFileBytes * maxFiles;
    }

    /** File {@code number} (from 1) of the ring named {@code base}. */
    public static Path part(Path base, int number) {
        String name = base.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".pcapng";
        return base.resolveSibling(String.format(java.util.Locale.ROOT, "%s_%05d%s", stem, number, ext));
    }

    /** The ring's name for one of its files: {@code cap.pcapng} for {@code cap_00012.pcapng} (itself if none). */
    public static Path name(Path file) {
        Matcher m = PART.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return file;
        }
        return file.resolveSibling(m.group(1) + (m.group(3) == null ? "" : m.group(3)));
    }

    /**
     * Writes {@code files} as one capture to {@code target}: the first whole, each later one from where its
     * restated connections end ({@code ranges[i]} = from, to), so the copy is one section whose streams run
     * on without a second handshake.
     */
    static void copy(List<FileChannel> files, List<long[]> ranges, Path target) throws IOException {
        AtomicFiles.replace(target, partial -> {
            try (FileChannel dst = FileChannel.open(partial, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (int i = 0; i < files.size(); i++) {
                    long done = ranges.get(i)[0];
                    long to = ranges.get(i)[1];
                    while (done < to) {
                        long n = files.get(i).transferTo(done, to - done, dst);
                        if (n <= 0) {
                            throw new IOException("could not copy the capture (stopped at byte " + done + " of a file)");
                        }
                        done += n;
                    }
                }
            }
            return null;
        });
    }

    /** The ring number in a file's name ({@code cap_00012.pcapng}: 12), or -1 when it has none. */
    public static int number(Path file) {
        Matcher m = PART.matcher(file.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(2)) : -1;
    }

    /** The files of the ring named {@code base} that exist, oldest first (empty when there are none). */
    public static List<Path> parts(Path base) throws IOException {
        Path dir = base.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                int n = number(f);
                if (n > 0 && f.getFileName().equals(part(base, n).getFileName()) && Files.isRegularFile(f)) {
                    out.add(f);
                }
            }
        }
        out.sort(Comparator.comparingInt(CaptureRing::number));
        return out;
    }
}
