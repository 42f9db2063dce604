package wirelens.base;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Files written whole or not at all: the content goes to a temporary file beside the target, which then
 * replaces the target in one move. A crash, a full disk or a failed write leaves the old file (or none),
 * never half of a new one, and the temporary file is removed.
 */
public final class AtomicFiles {

    /** Writes the content of a file to a stream; may throw. */
    @FunctionalInterface
    public interface Content<T> {
        T writeTo(OutputStream out) throws IOException;
    }

    /** Fills the temporary file at the path it is given (for writers that need a channel, not a stream). */
    @FunctionalInterface
    public interface PartWriter<T> {
        T fill(Path partial) throws IOException;
    }

    private AtomicFiles() {}

    /** Replaces {@code target} with what {@code content} writes, and returns what it returned. */
    public static <T> T write(Path target, Content<T> content) throws IOException {
        return replace(target, partial -> {
            try (OutputStream out = Files.newOutputStream(partial)) {
                return content.writeTo(out);
            }
        });
    }

    /** Replaces {@code target} with the file {@code writer} fills, and returns what it returned. */
    public static <T> T replace(Path target, PartWriter<T> writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path partial = Files.createTempFile(dir, target.getFileName() + ".", ".part");
        try {
            T result = writer.fill(partial);
            try {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return result;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> {
            out.write(bytes);
            return null;
        });
    }
}
