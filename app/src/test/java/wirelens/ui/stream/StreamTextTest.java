package wirelens.ui.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import wirelens.engine.Direction;
import wirelens.testkit.Latin1;

class StreamTextTest {

    private static String shown(List<StreamText.Segment> segments) {
        StringBuilder s = new StringBuilder();
        for (StreamText.Segment g : segments) {
            s.append(g.escape() ? "[" + g.text() + "]" : g.text());
        }
        return s.toString();
    }

    @Test
    void linesEndAfterEachNewlineAndWrapLongRuns() {
        assertArrayEquals(new int[0], StreamText.lineStarts(new byte[0]));
        assertArrayEquals(new int[] {0, 5, 6}, StreamText.lineStarts(Latin1.bytes("abcd\n\nxy")));
        assertArrayEquals(new int[] {0}, StreamText.lineStarts(Latin1.bytes("no newline")));
        byte[] longRun = new byte[StreamText.WRAP_BYTES * 2 + 10];
        java.util.Arrays.fill(longRun, (byte) 'a');
        assertArrayEquals(new int[] {0, StreamText.WRAP_BYTES, 2 * StreamText.WRAP_BYTES}, StreamText.lineStarts(longRun));
    }

    @Test
    void wrappingNeverCutsAUtf8Character() {
        // 'é' is two bytes: put one across the wrap point
        byte[] b = new byte[StreamText.WRAP_BYTES + 5];
        java.util.Arrays.fill(b, (byte) 'a');
        b[StreamText.WRAP_BYTES - 1] = (byte) 0xC3;
        b[StreamText.WRAP_BYTES] = (byte) 0xA9;
        int[] starts = StreamText.lineStarts(b);
        assertEquals(2, starts.length);
        assertEquals(StreamText.WRAP_BYTES - 1, starts[1]);
        assertEquals("\u00e9aaaa", shown(StreamText.decode(b, starts[1], b.length, StreamText.Charset.UTF_8)));
    }

    @Test
    void lineStartsCoverEveryByteOnceForRandomInput() {
        Random random = new Random(4);
        for (int round = 0; round < 200; round++) {
            byte[] b = new byte[random.nextInt(2000)];
            random.nextBytes(b);
            int[] starts = StreamText.lineStarts(b);
            assertEquals(starts.length, StreamText.lineCount(b), "the layout's count agrees with the drawn lines");
            if (b.length > 0) {
                assertEquals(0, starts[0]);
            }
            for (int i = 1; i < starts.length; i++) {
                int length = starts[i] - starts[i - 1];
                assertEquals(true, length > 0 && length <= StreamText.WRAP_BYTES, "line " + i + " has " + length + " bytes");
            }
        }
    }

    @Test
    void lineCountAgreesWithLineStartsOnTextWithLongRunsAndUtf8() {
        Random random = new Random(7);
        byte[] alphabet = "ab \n\u00e9\u20ac".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 300; round++) {
            byte[] b = new byte[random.nextInt(3000)];
            boolean longLines = random.nextBoolean();
            for (int i = 0; i < b.length; i++) {
                byte v = alphabet[random.nextInt(alphabet.length)];
                b[i] = longLines && v == '\n' ? (byte) 'x' : v;
            }
            assertEquals(StreamText.lineStarts(b).length, StreamText.lineCount(b));
        }
    }

    @Test
    void controlsAndBadBytesAreVisibleEscapesPerCharset() {
        byte[] b = {'a', '\r', '\n', '\t', 0, 0x7F, (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, (byte) 0x85};
        assertEquals("a[\\r\\n\\t\\x00\\x7f]\u00e9[\\xff\\x85]", shown(StreamText.decode(b, 0, b.length, StreamText.Charset.UTF_8)));
        assertEquals("a[\\r\\n\\t\\x00\\x7f]\u00c3\u00a9\u00ff[\\x85]",
                shown(StreamText.decode(b, 0, b.length, StreamText.Charset.ISO_8859_1)));
        assertEquals("a[\\r\\n\\t\\x00\\x7f\\xc3\\xa9\\xff\\x85]",
                shown(StreamText.decode(b, 0, b.length, StreamText.Charset.ASCII)));
        // overlong and surrogate encodings are not characters
        byte[] bad = {(byte) 0xC0, (byte) 0x80, (byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80};
        assertEquals("[\\xc0\\x80\\xed\\xa0\\x80]\uD83D\uDE00", shown(StreamText.decode(bad, 0, bad.length, StreamText.Charset.UTF_8)));
    }

    @Test
    void hexLinesHaveOffsetSixteenBytesAndAscii() {
        byte[] b = Latin1.bytes("hello wirelens\r\n!");
        String[] first = StreamText.hexLine(0x20, b, 0, 16);
        assertEquals("00000020  ", first[0]);
        assertEquals("68 65 6c 6c 6f 20 77 69  72 65 6c 65 6e 73 0d 0a  ", first[1]);
        assertEquals("hello wirelens..", first[2]);
        String[] last = StreamText.hexLine(0x30, b, 16, 17);
        assertEquals("21" + " ".repeat(48), last[1]);
        assertEquals("!", last[2]);
        assertEquals(3, StreamText.hexLineCount(33));
        assertEquals("68 65\n", StreamText.hexDump(Latin1.bytes("he")));
    }

    @Test
    void separatorSaysNumberTimeDirectionSizeAndFlags() {
        assertEquals("\u2500\u2500 #3  +1.500 s  server \u2192 client  42 bytes  edited \u2500\u2500",
                StreamText.separator(2, 1_500_000_000L, Direction.SERVER_TO_CLIENT, 42, true, false, false));
    }
}
