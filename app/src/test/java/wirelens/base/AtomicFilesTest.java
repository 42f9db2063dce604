package wirelens.base;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void replacesTheFileWholeAndLeavesNothingBeside(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sub/listeners.json");
        AtomicFiles.write(f, "one".getBytes(StandardCharsets.UTF_8));
        long n = AtomicFiles.write(f, out -> {
            out.write("two, longer".getBytes(StandardCharsets.UTF_8));
            return 11L;
        });
        assertEquals(11L, n);
        assertArrayEquals("two, longer".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(f));
        try (Stream<Path> files = Files.list(f.getParent())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aWriteThatFailsHalfwayKeepsTheOldFileAndRemovesThePart(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("rules.json");
        AtomicFiles.write(f, "old".getBytes(StandardCharsets.UTF_8));
        IOException x = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half of the new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", x.getMessage());
        assertArrayEquals("old".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(f));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
