package wirelens.ui.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;

/**
 * How stream bytes become lines of the text and hex views. Pure functions, so the line layout can be
 * computed off the FX thread and tested without a window.
 */
public final class StreamText {
    private StreamText() {}

    /** Longest text line in bytes; longer runs without a newline wrap (at a UTF-8 character start). */
    static final int WRAP_BYTES = 192;
    static final int HEX_BYTES_PER_LINE = 16;

    /** The charsets the text view offers. */
    public enum Charset {
        UTF_8("UTF-8"), ISO_8859_1("ISO-8859-1"), ASCII("ASCII");

        final String label;

        Charset(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }

        java.nio.charset.Charset java() {
            return switch (this) {
                case UTF_8 -> java.nio.charset.StandardCharsets.UTF_8;
                case ISO_8859_1 -> java.nio.charset.StandardCharsets.ISO_8859_1;
                case ASCII -> java.nio.charset.StandardCharsets.US_ASCII;
            };
        }
    }

    /** A run of text; {@code escape} marks visible control characters and undecodable bytes (dimmed). */
    record Segment(String text, boolean escape) {}

    /**
     * Start offsets of the text lines of a chunk: a line ends after each {@code \n}, or after
     * {@link #WRAP_BYTES} bytes. The same for every offered charset (they all encode LF as 0x0A).
     */
    static int[] lineStarts(byte[] bytes) {
        if (bytes.length == 0) {
            return new int[0];
        }
        int[] starts = new int[16];
        int n = 0;
        int start = 0;
        while (start < bytes.length) {
            if (n == starts.length) {
                starts = java.util.Arrays.copyOf(starts, n * 2);
            }
            starts[n++] = start;
            start = lineEnd(bytes, start, bytes.length);
        }
        return java.util.Arrays.copyOf(starts, n);
    }

    /**
     * Where the text line starting at {@code start} ends (exclusive) within the first {@code length}
     * bytes: after its {@code \n}, or after {@link #WRAP_BYTES} bytes, backed off so as not to cut a
     * UTF-8 sequence.
     */
    private static int lineEnd(byte[] bytes, int start, int length) {
        int limit = Math.min(length, start + WRAP_BYTES);
        for (int i = start; i < limit; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        int end = limit;
        if (limit < length && bytes[limit - 1] != '\n') {
            // back off over continuation bytes (at most 3)
            int back = end;
            while (back > start + 1 && back > end - 3 && (bytes[back] & 0xC0) == 0x80) {
                back--;
            }
            if ((bytes[back] & 0xC0) != 0x80) {
                end = back;
            }
        }
        return end;
    }

    /**
     * Number of text lines of a chunk: what {@link #lineStarts} would return, counted without building
     * the array (the layout thread runs this over every byte of a stream while it arrives).
     */
    static int lineCount(byte[] bytes) {
        return lineCount(bytes, bytes.length);
    }

    /** {@link #lineCount(byte[])} of the first {@code length} bytes. */
    static int lineCount(byte[] bytes, int length) {
        int n = 0;
        int start = 0;
        while (start < length) {
            n++;
            start = lineEnd(bytes, start, length);
        }
        return n;
    }

    static int hexLineCount(int length) {
        return (length + HEX_BYTES_PER_LINE - 1) / HEX_BYTES_PER_LINE;
    }

    /**
     * One thing the text view draws for bytes {@code [byteFrom, byteTo)} of a line: a character (1 to 4
     * bytes) or the escape of a control character or undecodable byte. Selection maps pointer positions
     * to bytes through these.
     */
    record Unit(int byteFrom, int byteTo, String text, boolean escape) {}

    /** Decodes bytes {@code [from, to)} for display: control characters and bad bytes as dimmed escapes. */
    static List<Segment> decode(byte[] b, int from, int to, Charset charset) {
        List<Segment> out = new ArrayList<>(4);
        StringBuilder run = new StringBuilder(to - from);
        boolean runEscape = false;
        for (Unit u : units(b, from, to, charset)) {
            if (run.length() > 0 && u.escape() != runEscape) {
                out.add(new Segment(run.toString(), runEscape));
                run.setLength(0);
            }
            run.append(u.text());
            runEscape = u.escape();
        }
        if (run.length() > 0) {
            out.add(new Segment(run.toString(), runEscape));
        }
        return out;
    }

    /** The units of bytes {@code [from, to)}, in order, covering every byte once. */
    static List<Unit> units(byte[] b, int from, int to, Charset charset) {
        List<Unit> out = new ArrayList<>(to - from);
        int i = from;
        while (i < to) {
            int v = b[i] & 0xFF;
            String escape = null;
            int codePoint = -1;
            int length = 1;
            if (v == '\r') {
                escape = "\\r";
            } else if (v == '\n') {
                escape = "\\n";
            } else if (v == '\t') {
                escape = "\\t";
            } else if (v < 0x20 || v == 0x7F) {
                escape = hexEscape(v);
            } else if (v < 0x80) {
                codePoint = v;
            } else if (charset == Charset.ISO_8859_1) {
                if (v >= 0xA0) {
                    codePoint = v;
                } else {
                    escape = hexEscape(v);
                }
            } else if (charset == Charset.ASCII) {
                escape = hexEscape(v);
            } else {
                length = utf8Length(b, i, to);
                if (length == 0) {
                    length = 1;
                    escape = hexEscape(v);
                } else {
                    codePoint = utf8CodePoint(b, i, length);
                    if (Character.isISOControl(codePoint) || !Character.isDefined(codePoint)) {
                        StringBuilder s = new StringBuilder();
                        for (int k = 0; k < length; k++) {
                            s.append(hexEscape(b[i + k] & 0xFF));
                        }
                        escape = s.toString();
                    }
                }
            }
            out.add(escape != null ? new Unit(i, i + length, escape, true)
                    : new Unit(i, i + length, new String(Character.toChars(codePoint)), false));
            i += length;
        }
        return out;
    }

    private static String hexEscape(int v) {
        return "\\x" + Character.forDigit(v >> 4, 16) + Character.forDigit(v & 0xF, 16);
    }

    /** Length of a valid UTF-8 sequence at {@code i} (2..4), or 0 if the bytes there are not one. */
    static int utf8Length(byte[] b, int i, int to) {
        int v = b[i] & 0xFF;
        int n;
        int min;
        if (v >= 0xC2 && v <= 0xDF) {
            n = 2;
            min = 0x80;
        } else if (v >= 0xE0 && v <= 0xEF) {
            n = 3;
            min = 0x800;
        } else if (v >= 0xF0 && v <= 0xF4) {
            n = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + n > to) {
            return 0;
        }
        for (int k = 1; k < n; k++) {
            if ((b[i + k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        int cp = utf8CodePoint(b, i, n);
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        return n;
    }

    private static int utf8CodePoint(byte[] b, int i, int n) {
        int cp = (b[i] & 0xFF) & (0xFF >> (n + 1));
        for (int k = 1; k < n; k++) {
            cp = (cp << 6) | (b[i + k] & 0x3F);
        }
        return cp;
    }

    /** One hex line: offset, up to 16 bytes as hex (a gap after 8), and the bytes as ASCII. */
    static String[] hexLine(long offset, byte[] b, int from, int to) {
        StringBuilder hex = new StringBuilder(50);
        StringBuilder ascii = new StringBuilder(16);
        for (int k = 0; k < HEX_BYTES_PER_LINE; k++) {
            if (k == 8) {
                hex.append(' ');
            }
            if (from + k < to) {
                int v = b[from + k] & 0xFF;
                hex.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 0xF, 16)).append(' ');
                ascii.append(v >= 0x20 && v < 0x7F ? (char) v : '.');
            } else {
                hex.append("   ");
            }
        }
        return new String[] {String.format(Locale.ROOT, "%08x  ", offset), hex.toString() + " ", ascii.toString()};
    }

    /** Plain hex of bytes, 16 a line, for "copy as hex". */
    static String hexDump(byte[] b) {
        StringBuilder out = new StringBuilder(b.length * 3 + b.length / 16 + 1);
        for (int i = 0; i < b.length; i++) {
            int v = b[i] & 0xFF;
            out.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 0xF, 16));
            out.append(i % 16 == 15 || i == b.length - 1 ? "\n" : " ");
        }
        return out.toString();
    }

    /** The separator line of a chunk: number, time since the connection opened, direction, size, flags. */
    static String separator(int chunkIndex, long offsetNanos, Direction direction, int length, boolean edited,
            boolean dropped, boolean injected) {
        String dir = direction == Direction.CLIENT_TO_SERVER ? "client \u2192 server" : "server \u2192 client";
        String flags = (dropped ? "  dropped" : "") + (injected ? "  injected" : "")
                + (edited && !dropped && !injected ? "  edited" : "");
        return String.format(Locale.ROOT, "\u2500\u2500 #%d  +%.3f s  %s  %d bytes%s \u2500\u2500", chunkIndex + 1,
                offsetNanos / 1e9, dir, length, flags);
    }

    /**
     * The line before the first decrypted chunk: TLS began there (at the start, or at the server's go-ahead
     * to STARTTLS), with what the client's leg agreed.
     */
    static String tlsSeparator(EngineEvent.Tls clientHandshake) {
        var f = clientHandshake.facts();
        String sni = f.serverName() == null ? "" : ", sni=" + f.serverName();
        String alpn = f.alpn().isEmpty() ? "" : ", alpn=" + f.alpn();
        return "\u2500\u2500 " + (clientHandshake.startTls() ? "STARTTLS: " : "") + "TLS from here on: " + f.protocol()
                + " " + f.cipherSuite() + sni + alpn + " \u2500\u2500";
    }
}
