package wirelens.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnitsSizeTest {
    @Test
    void sizesReadAsOptionsWriteThem() {
        assertEquals(65536, Units.parseSize("64K"));
        assertEquals(65536, Units.parseSize("64KiB"));
        assertEquals(256L << 20, Units.parseSize("256m"));
        assertEquals(3L << 29, Units.parseSize("1.5G"));
        assertEquals(4096, Units.parseSize("4096"));
        assertEquals(1L << 40, Units.parseSize("1 TB"));
    }

    @Test
    void anythingElseSaysWhatASizeIs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parseSize("64 bytes"));
        assertTrue(e.getMessage().contains("'64 bytes' is not a size"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Units.parseSize("-1K"));
        assertThrows(IllegalArgumentException.class, () -> Units.parseSize("99999999999T"));
    }
}
