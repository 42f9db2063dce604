package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FileOffsetsTest {
    @Test
    void aPositionSaysWhichFileAndWhereInIt() {
        long p = FileOffsets.of(12, 123_456_789_012L);
        assertEquals(12, FileOffsets.file(p));
        assertEquals(123_456_789_012L, FileOffsets.offset(p));
        assertEquals(4096, FileOffsets.of(0, 4096), "one file's positions are its offsets");
        assertTrue(FileOffsets.of(2, 0) > FileOffsets.of(1, FileOffsets.MAX_OFFSET), "later files sort later");
    }

    @Test
    void whatAPositionCannotSayIsNotInAFile() {
        assertEquals(-1, FileOffsets.of(3, -1));
        assertEquals(-1, FileOffsets.of(0, FileOffsets.MAX_OFFSET + 1));
        assertEquals(-1, FileOffsets.of(FileOffsets.MAX_FILE + 1, 0));
    }
}
