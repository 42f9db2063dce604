package wirelens.intercept;

/** Hex text to bytes and back, for hex rules and the hex editor. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    /**
     * Parses pairs of hex digits; whitespace anywhere is ignored, so {@code "0d0a"}, {@code "0d 0a"}
     * and a multi-line dump of {@link #format} all parse.
     *
     * @throws IllegalArgumentException with a message for the user on a non-hex character or an odd
     *     number of digits
     */
    public static byte[] parse(CharSequence text) {
        byte[] out = new byte[text.length() / 2 + 1];
        int n = 0;
        int high = -1;
        int highColumn = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            int v = Character.digit(c, 16);
            if (v < 0 || c > 'f') {
                throw new IllegalArgumentException("not a hex digit at column " + (i + 1) + ": '" + c + "'");
            }
            if (high < 0) {
                high = v;
                highColumn = i + 1;
            } else {
                out[n++] = (byte) (high << 4 | v);
                high = -1;
            }
        }
        if (high >= 0) {
            throw new IllegalArgumentException(
                    "odd number of hex digits (the digit at column " + highColumn + " has no partner)");
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Lowercase byte pairs separated by single spaces, e.g. {@code "0d 0a"}. */
    public static String format(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            appendByte(sb, bytes[i]);
        }
        return sb.toString();
    }

    /** Like {@link #format} but with a line break after every {@code perLine} bytes. */
    public static String formatLines(byte[] bytes, int perLine) {
        if (perLine < 1) {
            throw new IllegalArgumentException("perLine must be positive");
        }
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                sb.append(i % perLine == 0 ? '\n' : ' ');
            }
            appendByte(sb, bytes[i]);
        }
        return sb.toString();
    }

    /** Lowercase hex without separators, e.g. {@code "0d0a"}. */
    public static String compact(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            appendByte(sb, b);
        }
        return sb.toString();
    }

    static void appendByte(StringBuilder sb, byte b) {
        sb.append(DIGITS[(b >> 4) & 0xf]).append(DIGITS[b & 0xf]);
    }
}
