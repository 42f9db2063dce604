package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EscapesTest {

    @Test
    void crlfAndControlBytesAreVisible() {
        byte[] b = "EHLO x\r\n\t\\\u0000".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("EHLO x\\r\\n\\t\\\\\\x00", Escapes.escape(b));
        assertArrayEquals(b, Escapes.unescape("EHLO x\\r\\n\\t\\\\\\x00"));
    }

    @Test
    void printableUtf8IsShownAsCharactersAndBrokenUtf8AsBytes() {
        assertEquals("Grüße ✓", Escapes.escape("Grüße ✓".getBytes(StandardCharsets.UTF_8)));
        assertEquals("\\xc3(", Escapes.escape(new byte[] {(byte) 0xc3, '('}));
        assertEquals("\\xc0\\x80", Escapes.escape(new byte[] {(byte) 0xc0, (byte) 0x80}), "overlong NUL");
        assertEquals("\\xed\\xa0\\x80", Escapes.escape(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}), "surrogate");
        assertEquals("\\xc2\\xa0", Escapes.escape(new byte[] {(byte) 0xc2, (byte) 0xa0}), "no-break space stays visible");
    }

    @Test
    void editingFormBreaksLinesAfterLfAndTheBreaksAreIgnoredWhenRead() {
        byte[] b = "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n".getBytes(StandardCharsets.ISO_8859_1);
        String shown = Escapes.escapeForEditing(b);
        assertEquals("MAIL FROM:<a@b>\\r\\n\nRCPT TO:<c@d>\\r\\n\n", shown);
        assertArrayEquals(b, Escapes.unescapeEdited(shown));
        assertArrayEquals(b, Escapes.unescapeEdited(shown.replace("\n", "\r\n")), "a CRLF editor too");
    }

    @Test
    void everyByteSequenceRoundTrips() {
        Random random = new Random(7);
        for (int round = 0; round < 5000; round++) {
            byte[] b = new byte[random.nextInt(64)];
            random.nextBytes(b);
            if (round % 3 == 0) { // bias towards text-like and UTF-8-like bytes
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) (random.nextBoolean() ? 0x20 + random.nextInt(0x60) : 0x80 + random.nextInt(0x75));
                }
            }
            assertArrayEquals(b, Escapes.unescape(Escapes.escape(b)), () -> Escapes.escape(b));
            assertArrayEquals(b, Escapes.unescapeEdited(Escapes.escapeForEditing(b)), () -> Escapes.escape(b));
        }
        for (int cp = 0; cp < 0x110000; cp += 7) { // every region of the code space, encoded as UTF-8
            if (cp >= 0xd800 && cp <= 0xdfff) {
                continue;
            }
            byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(b, Escapes.unescape(Escapes.escape(b)), "U+" + Integer.toHexString(cp));
        }
    }

    @Test
    void badEscapesAreReportedWithTheirColumn() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Escapes.unescape("ab\\q")).getMessage()
                .contains("column 3"));
        assertThrows(IllegalArgumentException.class, () -> Escapes.unescape("ab\\"));
        assertThrows(IllegalArgumentException.class, () -> Escapes.unescape("\\x4"));
        assertThrows(IllegalArgumentException.class, () -> Escapes.unescape("\\xg0"));
        assertThrows(IllegalArgumentException.class, () -> Escapes.unescape("a\ud800b"));
    }
}
