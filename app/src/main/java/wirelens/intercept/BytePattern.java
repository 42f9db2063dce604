package wirelens.intercept;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A compiled text, hex or regex pattern that is searched for in a chunk's bytes. Regexes run on the
 * bytes decoded as ISO-8859-1 (one char per byte), so every byte round-trips and {@code .} matches
 * exactly one byte.
 */
sealed interface BytePattern {

    boolean foundIn(byte[] data);

    /** An exact byte sequence (from a text or hex pattern). */
    record Literal(byte[] needle) implements BytePattern {
        @Override
        public boolean foundIn(byte[] data) {
            return indexOf(data, needle, 0) >= 0;
        }
    }

    /** A Java regex over the ISO-8859-1 view of the bytes, MULTILINE so ^ and $ match at line ends. */
    record Regex(Pattern pattern) implements BytePattern {
        @Override
        public boolean foundIn(byte[] data) {
            return pattern.matcher(new BoundedText(latin1(data), "the intercept filter /" + pattern.pattern() + "/")).find();
        }
    }

    /**
     * Compiles a pattern of the given kind.
     *
     * @throws RuleSyntaxException on an empty pattern, bad hex, a bad escape or a bad regex
     */
    static BytePattern compile(Rule.Kind kind, String pattern) {
        if (pattern.isEmpty()) {
            throw new RuleSyntaxException("the pattern is empty");
        }
        switch (kind) {
            case TEXT -> {
                return new Literal(textBytes(pattern, "pattern"));
            }
            case HEX -> {
                byte[] needle = hexBytes(pattern, "pattern");
                if (needle.length == 0) {
                    throw new RuleSyntaxException("the hex pattern has no bytes");
                }
                return new Literal(needle);
            }
            case REGEX -> {
                try {
                    return new Regex(Pattern.compile(utf8AsLatin1(pattern), Pattern.MULTILINE));
                } catch (PatternSyntaxException e) {
                    String where = e.getIndex() >= 0 ? " near column " + (e.getIndex() + 1) : "";
                    throw new RuleSyntaxException("bad regex: " + e.getDescription() + where);
                }
            }
            default -> throw new AssertionError(kind);
        }
    }

    static byte[] textBytes(String text, String what) {
        try {
            return Escapes.unescape(text);
        } catch (IllegalArgumentException e) {
            throw new RuleSyntaxException("bad text " + what + ": " + e.getMessage());
        }
    }

    static byte[] hexBytes(String text, String what) {
        try {
            return Hex.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RuleSyntaxException("bad hex " + what + ": " + e.getMessage());
        }
    }

    static String latin1(byte[] data) {
        return new String(data, StandardCharsets.ISO_8859_1);
    }

    /** Non-ASCII characters typed by the user stand for their UTF-8 bytes, one char per byte. */
    static String utf8AsLatin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            }
        }
        return s;
    }

    static int indexOf(byte[] data, byte[] needle, int from) {
        int last = data.length - needle.length;
        byte first = needle[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (data[i] != first) {
                continue;
            }
            for (int k = 1; k < needle.length; k++) {
                if (data[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static boolean sameBytes(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
