package wirelens.filter;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One term of a filter: {@code word}, {@code "quoted text"}, {@code ~regex}, each optionally after
 * {@code field:} and {@code !}.
 *
 * @param field the field name in lower case, or null for a term that searches the text
 * @param value the word or quoted text as written (quotes and escapes removed), or the regex's source
 * @param regex the compiled regex for {@code ~regex}, else null
 * @param position where the term starts in the filter's text
 */
public record Term(boolean negated, String field, String value, Pattern regex, int position) {

    /** Whether {@code text} contains the value (case-insensitive), or the regex finds a match in it. */
    public boolean matchesText(CharSequence text) {
        if (text == null) {
            return false;
        }
        if (regex != null) {
            return regex.matcher(text).find();
        }
        return containsIgnoringCase(text, value);
    }

    /**
     * Whether {@code text} contains {@code word}, case ignored char by char. Filters run this over every row
     * and over whole decoded bodies, so it neither copies nor lower-cases the text.
     */
    static boolean containsIgnoringCase(CharSequence text, String word) {
        int m = word.length();
        int last = text.length() - m;
        if (m == 0) {
            return true;
        }
        char upper = Character.toUpperCase(word.charAt(0));
        char lower = Character.toLowerCase(word.charAt(0));
        for (int i = 0; i <= last; i++) {
            char c = text.charAt(i);
            if ((c == upper || c == lower || Character.toLowerCase(Character.toUpperCase(c)) == lower)
                    && sameIgnoringCase(text, i + 1, word)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameIgnoringCase(CharSequence text, int from, String word) {
        for (int j = 1; j < word.length(); j++) {
            char a = text.charAt(from + j - 1);
            char b = word.charAt(j);
            if (a != b) {
                char ua = Character.toUpperCase(a);
                char ub = Character.toUpperCase(b);
                if (ua != ub && Character.toLowerCase(ua) != Character.toLowerCase(ub)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether the term matches a number: {@code 404}, or a class {@code 4xx}; a bad value is a syntax error. */
    public boolean matchesStatus(int status) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.length() == 3 && Character.isDigit(v.charAt(0)) && v.endsWith("xx")) {
            return status / 100 == v.charAt(0) - '0';
        }
        return Integer.toString(status).equals(v);
    }

    /** Checks that the value can be a status ({@code 404}, {@code 4xx}), for errors before any row is tested. */
    void requireStatus() {
        String v = value.toLowerCase(Locale.ROOT);
        if (regex != null || !v.matches("[1-9](\\d\\d|xx)")) {
            throw new FilterSyntaxException(field + ": wants a code such as 404 or a class such as 4xx, not '" + value
                    + "'", position);
        }
    }
}
