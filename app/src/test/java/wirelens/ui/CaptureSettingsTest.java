package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.CaptureRing;

/** capture.properties sizes the window's temporary ring; without it, 4 GiB; a bad one is told, not fatal. */
class CaptureSettingsTest {
    @TempDir
    Path dir;

    @Test
    void withoutTheFileTheRingIsSixteenFilesOf256MiB() {
        CaptureSettings s = CaptureSettings.load(dir.resolve("capture.properties"));
        assertEquals(new CaptureRing(256L << 20, 16), s.ring());
        assertEquals(4L << 30, s.ring().maxTotalBytes());
        assertNull(s.problem());
    }

    @Test
    void theFileSizesTheRing() throws Exception {
        Path file = Files.writeString(dir.resolve("capture.properties"), "ring.fileSize = 1G\nring.files = 8\n");
        assertEquals(new CaptureRing(1L << 30, 8), CaptureSettings.load(file).ring());
    }

    @Test
    void aBadFileGivesTheDefaultAndSaysWhy() throws Exception {
        Path file = Files.writeString(dir.resolve("capture.properties"), "ring.fileSize=huge\n");
        CaptureSettings s = CaptureSettings.load(file);
        assertEquals(CaptureRing.WINDOW_DEFAULT, s.ring());
        assertTrue(s.problem().contains("'huge' is not a size"), s.problem());
        assertTrue(s.problem().contains("16 files of 256.0 MiB (4096.0 MiB in all)"), s.problem());
    }
}
