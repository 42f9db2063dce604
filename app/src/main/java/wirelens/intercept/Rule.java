package wirelens.intercept;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/**
 * One match-and-replace rule. Rules are checked when made: a rule that exists compiles.
 *
 * @param direction   which direction it rewrites
 * @param listener    the name of the listener it applies to, or {@code null} for every listener
 * @param kind        how {@code pattern} and {@code replacement} are written
 * @param pattern     what to find (see {@link Kind})
 * @param replacement what to put instead (may be empty, which deletes the match)
 * @param enabled     a disabled rule is kept but not applied
 */
public record Rule(DirectionFilter direction, String listener, Kind kind, String pattern, String replacement,
        boolean enabled) {

    /** The syntax of a rule on the command line and in rules files. */
    public static final String SYNTAX = "DIRECTION:KIND:/PATTERN/REPLACEMENT/";

    /** How pattern and replacement are written. */
    public enum Kind {
        /** Exact bytes; escapes {@code \r \n \t \xNN \\}; other characters are UTF-8. */
        TEXT,
        /** A Java regex on the bytes (one char per byte, MULTILINE); replacement may use {@code $1}, {@code ${name}}. */
        REGEX,
        /** Hex digit pairs, whitespace ignored. */
        HEX;

        @JsonValue
        public String shortName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Kind parse(String text) {
            for (Kind k : values()) {
                if (k.shortName().equalsIgnoreCase(text)) {
                    return k;
                }
            }
            throw new RuleSyntaxException("unknown kind '" + text + "' (expected text, regex or hex)");
        }
    }

    public Rule {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(replacement, "replacement");
        if (listener != null && listener.isBlank()) {
            listener = null;
        }
        CompiledRule.compile(direction, listener, kind, pattern, replacement); // throws on a bad rule
    }

    /** A rule for every listener, enabled. */
    public static Rule of(DirectionFilter direction, Kind kind, String pattern, String replacement) {
        return new Rule(direction, null, kind, pattern, replacement, true);
    }

    public Rule withEnabled(boolean on) {
        return new Rule(direction, listener, kind, pattern, replacement, on);
    }

    public Rule withListener(String name) {
        return new Rule(direction, name, kind, pattern, replacement, enabled);
    }

    /**
     * Parses {@code DIRECTION:KIND:/PATTERN/REPLACEMENT/}: DIRECTION is c2s, s2c or both; KIND is
     * text, regex or hex; the character after {@code KIND:} is the delimiter, and a backslash before
     * it inside the pattern or replacement makes it literal. Other backslash pairs are kept as they
     * are for the kind to read ({@code \S} in a regex, {@code \r} in text).
     *
     * @throws RuleSyntaxException with a message naming the problem
     */
    public static Rule parse(String spec) {
        try {
            return parseOrThrow(spec);
        } catch (RuleSyntaxException e) {
            throw new RuleSyntaxException("bad rule '" + spec + "': " + e.getMessage());
        }
    }

    private static Rule parseOrThrow(String spec) {
        int c1 = spec.indexOf(':');
        int c2 = c1 < 0 ? -1 : spec.indexOf(':', c1 + 1);
        if (c2 < 0) {
            throw new RuleSyntaxException("expected " + SYNTAX + ", e.g. c2s:text:/foo/bar/");
        }
        DirectionFilter direction;
        try {
            direction = DirectionFilter.parse(spec.substring(0, c1));
        } catch (IllegalArgumentException e) {
            throw new RuleSyntaxException(e.getMessage());
        }
        Kind kind = Kind.parse(spec.substring(c1 + 1, c2));
        if (c2 + 1 >= spec.length()) {
            throw new RuleSyntaxException("nothing after " + spec.substring(0, c2 + 1) + "; expected " + SYNTAX);
        }
        char delimiter = spec.charAt(c2 + 1);
        if (delimiter == '\\' || Character.isLetterOrDigit(delimiter) || Character.isWhitespace(delimiter)) {
            throw new RuleSyntaxException("'" + delimiter + "' cannot be the delimiter (use a punctuation"
                    + " character such as / or |)");
        }
        StringBuilder pattern = new StringBuilder();
        int i = readUntil(spec, c2 + 2, delimiter, pattern);
        if (i < 0) {
            throw new RuleSyntaxException("the pattern has no closing '" + delimiter + "'; expected " + SYNTAX);
        }
        StringBuilder replacement = new StringBuilder();
        i = readUntil(spec, i, delimiter, replacement);
        if (i < 0) {
            throw new RuleSyntaxException("the replacement has no closing '" + delimiter + "'; expected " + SYNTAX);
        }
        if (i < spec.length()) {
            throw new RuleSyntaxException("unexpected text after the closing '" + delimiter + "': '"
                    + spec.substring(i) + "'");
        }
        return new Rule(direction, null, kind, pattern.toString(), replacement.toString(), true);
    }

    /** Copies up to the next unescaped delimiter; returns the index after it, or -1 if there is none. */
    private static int readUntil(String s, int from, char delimiter, StringBuilder out) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == delimiter) {
                return i + 1;
            }
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(i + 1);
                if (next != delimiter) {
                    out.append(c); // keep the pair for the kind to read
                }
                out.append(next);
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return -1;
    }

    /**
     * This rule in {@link #SYNTAX} (without listener and enabled, which that syntax has no place for).
     * Picks a delimiter that appears in neither pattern nor replacement, so {@code parse(toSpec())}
     * gives back the same pattern and replacement.
     */
    public String toSpec() {
        String candidates = "/|#!,;%@~=+^&*'\"_-:.?<>[](){}`$";
        for (int i = 0; i < candidates.length(); i++) {
            char d = candidates.charAt(i);
            if (pattern.indexOf(d) < 0 && replacement.indexOf(d) < 0) {
                return direction.shortName() + ":" + kind.shortName() + ":" + d + pattern + d + replacement + d;
            }
        }
        return direction.shortName() + ":" + kind.shortName() + ":/" + escapeDelimiter(pattern) + "/"
                + escapeDelimiter(replacement) + "/";
    }

    /** Escapes '/' as "\/"; an existing backslash pair is copied whole ("\/" reads back as "/", same meaning in every kind). */
    private static String escapeDelimiter(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                sb.append(c).append(s.charAt(++i));
            } else if (c == '/') {
                sb.append("\\/");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toSpec() + (listener != null ? " on " + listener : "") + (enabled ? "" : " (disabled)");
    }
}
