package wirelens.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The filter language of the Flows and Messages lists and of message breakpoints: terms separated by
 * spaces, all of which must match. A term is a word, {@code "quoted text"} or {@code ~regex}, searched
 * in the row's text; {@code field:value} matches one field ({@code host:example.com}, {@code status:4xx},
 * {@code from:"Alice B"}, {@code path:~^/api/}; a regex ignores case, and {@code ^ $} match at line ends too);
 * {@code !} before a term negates it. Each list names its
 * fields and says how a term matches them; the parsing and its errors are the same everywhere.
 */
public final class Filter {

    /** How a list matches its fields: the field names, and a test of a term against a row. */
    public record Fields<T>(Map<String, BiPredicate<T, Term>> byName, Set<String> statusFields,
            Function<T, CharSequence> text) {

        public Fields {
            byName = Map.copyOf(byName);
            statusFields = Set.copyOf(statusFields);
        }
    }

    private Filter() {}

    /** Parses {@code text} into terms; an empty filter has none. */
    public static List<Term> parse(String text) {
        List<Term> terms = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (Character.isWhitespace(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            boolean negated = false;
            if (text.charAt(i) == '!') {
                negated = true;
                i++;
                if (i == n || Character.isWhitespace(text.charAt(i))) {
                    throw new FilterSyntaxException("'!' wants a term right after it", start);
                }
            }
            String field = null;
            int colon = fieldEnd(text, i);
            if (colon > i) {
                field = text.substring(i, colon).toLowerCase(java.util.Locale.ROOT);
                i = colon + 1;
                if (i == n || Character.isWhitespace(text.charAt(i))) {
                    throw new FilterSyntaxException(field + ": wants a value after the colon", start);
                }
            }
            String value;
            Pattern regex = null;
            char c = text.charAt(i);
            if (c == '"') {
                StringBuilder sb = new StringBuilder();
                int open = i++;
                while (true) {
                    if (i == n) {
                        throw new FilterSyntaxException("the quote opened here is not closed", open);
                    }
                    char q = text.charAt(i++);
                    if (q == '"') {
                        break;
                    }
                    if (q == '\\' && i < n) {
                        q = text.charAt(i++);
                    }
                    sb.append(q);
                }
                value = sb.toString();
                if (i < n && !Character.isWhitespace(text.charAt(i))) {
                    throw new FilterSyntaxException("put a space after the closing quote", i);
                }
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
                value = text.substring(i, end);
                if (c == '~') {
                    value = value.substring(1);
                    if (value.isEmpty()) {
                        throw new FilterSyntaxException("'~' wants a regular expression right after it", i);
                    }
                    try {
                        regex = Pattern.compile(value, Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
                    } catch (PatternSyntaxException e) {
                        throw new FilterSyntaxException("bad regular expression: " + e.getDescription(),
                                i + 1 + Math.max(0, e.getIndex()));
                    }
                }
                i = end;
            }
            terms.add(new Term(negated, field, value, regex, start));
        }
        return terms;
    }

    /**
     * Parses {@code text} and returns the test of a row against all its terms. Throws
     * {@link FilterSyntaxException} for a term that does not parse or names a field the list does not have.
     */
    public static <T> Predicate<T> compile(String text, Fields<T> fields) {
        List<Term> terms = parse(text);
        List<Predicate<T>> tests = new ArrayList<>(terms.size());
        for (Term t : terms) {
            Predicate<T> test;
            if (t.field() == null) {
                test = row -> t.matchesText(fields.text().apply(row));
            } else {
                BiPredicate<T, Term> match = fields.byName().get(t.field());
                if (match == null) {
                    throw new FilterSyntaxException("no field '" + t.field() + ":' here (quote text that has a colon); the fields are "
                            + String.join(", ", new TreeSet<>(fields.byName().keySet())), t.position());
                }
                if (fields.statusFields().contains(t.field())) {
                    t.requireStatus();
                }
                test = row -> match.test(row, t);
            }
            tests.add(t.negated() ? test.negate() : test);
        }
        return row -> {
            for (Predicate<T> p : tests) {
                if (!p.test(row)) {
                    return false;
                }
            }
            return true;
        };
    }

    /** The index of the colon that ends a field name at {@code i} ({@code letters:}), or -1. */
    private static int fieldEnd(String text, int i) {
        int j = i;
        while (j < text.length() && Character.isLetter(text.charAt(j))) {
            j++;
        }
        return j > i && j < text.length() && text.charAt(j) == ':' ? j : -1;
    }
}
