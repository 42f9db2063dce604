package wirelens.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The filter language: every form of term, AND, negation, and errors that point at the term at fault. */
class FilterTest {
    private record Row(String host, int status, String text) {}

    private static final Filter.Fields<Row> FIELDS = new Filter.Fields<>(Map.<String, BiPredicate<Row, Term>>of(
            "host", (r, t) -> t.matchesText(r.host()),
            "status", (r, t) -> t.matchesStatus(r.status())), Set.of("status"), Row::text);

    private static final Row API_404 = new Row("api.example.com", 404, "GET /users/7 not found");
    private static final Row WWW_200 = new Row("www.example.com", 200, "GET /index.html \"hello world\"");

    private static boolean matches(String filter, Row row) {
        return Filter.compile(filter, FIELDS).test(row);
    }

    @Test
    void anEmptyFilterKeepsEverything() {
        assertTrue(matches("", API_404));
        assertTrue(matches("   ", WWW_200));
    }

    @Test
    void wordsQuotesAndRegexesSearchTheText() {
        assertTrue(matches("users", API_404));
        assertTrue(matches("USERS", API_404), "case-insensitive");
        assertFalse(matches("users", WWW_200));
        assertTrue(matches("\"not found\"", API_404));
        assertFalse(matches("\"found not\"", API_404));
        assertTrue(matches("\"\\\"hello\"", WWW_200), "a quote inside quotes, escaped");
        assertTrue(matches("~/users/\\d+", API_404));
        assertFalse(matches("~/users/\\d+$", WWW_200));
    }

    @Test
    void fieldsStatusClassesNegationAndAllTermsMustMatch() {
        assertTrue(matches("host:api", API_404));
        assertFalse(matches("host:api", WWW_200));
        assertTrue(matches("status:404", API_404));
        assertTrue(matches("status:4xx", API_404));
        assertFalse(matches("status:4xx", WWW_200));
        assertTrue(matches("!status:4xx", WWW_200));
        assertTrue(matches("host:example status:2xx index", WWW_200));
        assertFalse(matches("host:example status:2xx users", WWW_200));
        assertTrue(matches("HOST:~^www\\.", WWW_200), "field names in any case, a regex as the value");
        assertTrue(matches("host:\"www.example.com\"", WWW_200));
    }

    @Test
    void errorsSayWhatAndWhere() {
        FilterSyntaxException unknown = assertThrows(FilterSyntaxException.class, () -> Filter.compile("status:2xx size:3", FIELDS));
        assertEquals(11, unknown.position());
        assertTrue(unknown.getMessage().contains("no field 'size:'") && unknown.getMessage().contains("host, status"),
                unknown.getMessage());
        FilterSyntaxException quote = assertThrows(FilterSyntaxException.class, () -> Filter.compile("a \"open", FIELDS));
        assertEquals(2, quote.position());
        FilterSyntaxException regex = assertThrows(FilterSyntaxException.class, () -> Filter.compile("~a(b", FIELDS));
        assertTrue(regex.getMessage().startsWith("bad regular expression"), regex.getMessage());
        FilterSyntaxException status = assertThrows(FilterSyntaxException.class, () -> Filter.compile("status:ok", FIELDS));
        assertTrue(status.getMessage().contains("404") && status.getMessage().contains("4xx"), status.getMessage());
        assertThrows(FilterSyntaxException.class, () -> Filter.compile("! x", FIELDS));
        assertThrows(FilterSyntaxException.class, () -> Filter.compile("host: x", FIELDS));
        FilterSyntaxException url = assertThrows(FilterSyntaxException.class, () -> Filter.compile("https://x", FIELDS));
        assertTrue(url.getMessage().contains("quote"), url.getMessage());
        assertTrue(matches("\"https://x\"", new Row("x", 200, "see https://x")));
    }

    @Test
    void parsingKeepsEachTermsPosition() {
        List<Term> terms = Filter.parse("a  !host:b \"c d\"");
        assertEquals(List.of(0, 3, 11), terms.stream().map(Term::position).toList());
        assertTrue(terms.get(1).negated());
        assertEquals("c d", terms.get(2).value());
        Predicate<Row> p = Filter.compile("!~^GET", FIELDS);
        assertFalse(p.test(API_404));
    }

    @Test
    void wordsMatchWhateverTheirCaseAnywhereInTheText() {
        assertTrue(Term.containsIgnoringCase("Content-Type: Application/JSON", "application/json"));
        assertTrue(Term.containsIgnoringCase("x-TOKEN", "Token"));
        assertTrue(Term.containsIgnoringCase(new StringBuilder("ab\u00c9Z"), "\u00e9z"));
        assertTrue(Term.containsIgnoringCase("abc", ""));
        assertTrue(Term.containsIgnoringCase("aab", "ab"));
        assertFalse(Term.containsIgnoringCase("Content-Type: text/plain", "json"));
        assertFalse(Term.containsIgnoringCase("ab", "abc"));
        assertFalse(Term.containsIgnoringCase("", "a"));
    }
}
