package wirelens.intercept;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Bytes as editable text and back, so that {@code \r\n} is visible and every byte sequence
 * round-trips: {@code unescape(escape(b))} equals {@code b} for all {@code b}.
 *
 * <p>Escaped form: printable ASCII stands for itself; {@code \\} is a backslash; {@code \r}, {@code \n},
 * {@code \t} are CR, LF and TAB; {@code \xNN} is any byte. Other characters (e.g. {@code é}) stand
 * for their UTF-8 bytes, and {@link #escape} shows a valid, printable UTF-8 sequence as its
 * character. A backslash before any other punctuation character stands for that character.
 */
public final class Escapes {
    private Escapes() {}

    /** The escaped text of {@code bytes}, on one line. */
    public static String escape(byte[] bytes) {
        return escape(bytes, false);
    }

    /**
     * Like {@link #escape} but with a real line break after every {@code \n}, for a text editor; the
     * line breaks are display only and {@link #unescapeEdited} ignores them.
     */
    public static String escapeForEditing(byte[] bytes) {
        return escape(bytes, true);
    }

    private static String escape(byte[] bytes, boolean breakLines) {
        StringBuilder sb = new StringBuilder(bytes.length + 16);
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xff;
            if (b == '\\') {
                sb.append("\\\\");
            } else if (b == '\r') {
                sb.append("\\r");
            } else if (b == '\n') {
                sb.append("\\n");
                if (breakLines) {
                    sb.append('\n');
                }
            } else if (b == '\t') {
                sb.append("\\t");
            } else if (b >= 0x20 && b < 0x7f) {
                sb.append((char) b);
            } else {
                int len = printableUtf8Length(bytes, i);
                if (len > 0) {
                    sb.append(new String(bytes, i, len, StandardCharsets.UTF_8));
                    i += len;
                    continue;
                }
                sb.append("\\x");
                Hex.appendByte(sb, (byte) b);
            }
            i++;
        }
        return sb.toString();
    }

    /**
     * The length of the strictly valid (shortest form, no surrogates) UTF-8 sequence of a printable
     * character at {@code i}, or 0. Strictness is what makes the round trip exact.
     */
    private static int printableUtf8Length(byte[] b, int i) {
        int lead = b[i] & 0xff;
        int len;
        int cp;
        if (lead >= 0xc2 && lead <= 0xdf) {
            len = 2;
            cp = lead & 0x1f;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            len = 3;
            cp = lead & 0x0f;
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            len = 4;
            cp = lead & 0x07;
        } else {
            return 0;
        }
        if (i + len > b.length) {
            return 0;
        }
        for (int k = 1; k < len; k++) {
            int c = b[i + k] & 0xff;
            if ((c & 0xc0) != 0x80) {
                return 0;
            }
            cp = cp << 6 | (c & 0x3f);
        }
        int min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return 0;
        }
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.SURROGATE,
                    Character.PRIVATE_USE, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR, Character.NON_SPACING_MARK, Character.ENCLOSING_MARK,
                    Character.COMBINING_SPACING_MARK -> {
                return 0;
            }
            default -> {
                return len;
            }
        }
    }

    /**
     * The bytes of escaped text. Raw line breaks are kept as bytes.
     *
     * @throws IllegalArgumentException with a message for the user on a bad escape
     */
    public static byte[] unescape(String text) {
        return unescape(text, false);
    }

    /** Like {@link #unescape} but ignores raw line breaks (CR, LF), as {@link #escapeForEditing} adds them. */
    public static byte[] unescapeEdited(String text) {
        return unescape(text, true);
    }

    private static byte[] unescape(String text, boolean ignoreLineBreaks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new IllegalArgumentException(
                            "a lone backslash at the end (column " + (i + 1) + "); write \\\\ for a backslash");
                }
                char e = text.charAt(i + 1);
                switch (e) {
                    case 'r' -> out.write('\r');
                    case 'n' -> out.write('\n');
                    case 't' -> out.write('\t');
                    case 'x' -> {
                        int hi = i + 2 < text.length() ? hexValue(text.charAt(i + 2)) : -1;
                        int lo = i + 3 < text.length() ? hexValue(text.charAt(i + 3)) : -1;
                        if (hi < 0 || lo < 0) {
                            throw new IllegalArgumentException("\\x at column " + (i + 1)
                                    + " must be followed by two hex digits, e.g. \\x0d");
                        }
                        out.write(hi << 4 | lo);
                        i += 2;
                    }
                    default -> {
                        if (e < 0x7f && e > 0x20 && !Character.isLetterOrDigit(e)) {
                            out.write(e); // \\ and escaped delimiters or other punctuation
                        } else {
                            throw new IllegalArgumentException("unknown escape \\" + e + " at column " + (i + 1)
                                    + " (known: \\r \\n \\t \\xNN \\\\)");
                        }
                    }
                }
                i += 2;
            } else if (ignoreLineBreaks && (c == '\n' || c == '\r')) {
                i++;
            } else {
                int cp = text.codePointAt(i);
                int n = Character.charCount(cp);
                if (Character.isSurrogate((char) cp) && n == 1) {
                    throw new IllegalArgumentException("a broken character (lone surrogate) at column " + (i + 1));
                }
                if (cp < 0x80) {
                    out.write(cp);
                } else {
                    out.writeBytes(text.substring(i, i + n).getBytes(StandardCharsets.UTF_8));
                }
                i += n;
            }
        }
        return out.toByteArray();
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
