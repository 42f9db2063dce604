package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HexTest {

    @Test
    void parsesWithAnyWhitespaceAndEitherCase() {
        assertArrayEquals(new byte[] {0x0d, 0x0a, (byte) 0xff}, Hex.parse(" 0d0A\n\tFf "));
        assertArrayEquals(new byte[0], Hex.parse("  "));
    }

    @Test
    void formatsAndParsesBack() {
        Random random = new Random(3);
        for (int round = 0; round < 500; round++) {
            byte[] b = new byte[random.nextInt(100)];
            random.nextBytes(b);
            assertArrayEquals(b, Hex.parse(Hex.format(b)));
            assertArrayEquals(b, Hex.parse(Hex.formatLines(b, 16)));
            assertArrayEquals(b, Hex.parse(Hex.compact(b)));
        }
        assertEquals("0d 0a ff", Hex.format(new byte[] {0x0d, 0x0a, (byte) 0xff}));
        assertEquals("00 01\n02", Hex.formatLines(new byte[] {0, 1, 2}, 2));
    }

    @Test
    void rejectsNonHexAndOddDigitsWithTheColumn() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Hex.parse("0d 0x")).getMessage()
                .contains("column 5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Hex.parse("0d 0")).getMessage()
                .contains("odd number"));
        assertThrows(IllegalArgumentException.class, () -> Hex.parse("０１")); // fullwidth digits
    }
}
