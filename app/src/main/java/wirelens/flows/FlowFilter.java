package wirelens.flows;

import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import wirelens.filter.Filter;
import wirelens.filter.Term;

/**
 * The Flows list's filter: {@code host:}, {@code method:}, {@code status:} ({@code 404}, {@code 4xx}),
 * {@code type:} (the response's media type), {@code path:} (path and query), {@code url:}; a term without a
 * field ({@code "text"}, {@code ~regex}) searches the heads and decoded bodies. The row alone answers at
 * once ({@link #rows}); the heads and bodies are read from the capture for {@link #content}, in the
 * background.
 */
public final class FlowFilter {

    /** A flow with the text a term without a field searches. */
    public record Searched(Flow flow, CharSequence text) {}

    private static final Filter.Fields<Flow> ROWS = fields(f -> f, FlowFilter::rowText);
    private static final Filter.Fields<Searched> CONTENT = fields(Searched::flow, Searched::text);

    private FlowFilter() {}

    /**
     * The test of a row alone against {@code text}: a term without a field searches the row's method, URL,
     * status and type. Throws {@link wirelens.filter.FilterSyntaxException} when the filter is wrong.
     */
    public static Predicate<Flow> rows(String text) {
        return Filter.compile(text, ROWS);
    }

    /** The test of a flow with its heads and decoded bodies ({@link FlowText}) against {@code text}. */
    public static Predicate<Searched> content(String text) {
        return Filter.compile(text, CONTENT);
    }

    /** Whether {@code text} has a term without a field, which only the heads and bodies can answer. */
    public static boolean searchesContent(String text) {
        return Filter.parse(text).stream().anyMatch(t -> t.field() == null);
    }

    /** What a term without a field finds in a row: {@code GET https://host/path 200 OK application/json}. */
    public static String rowText(Flow f) {
        return f.method() + " " + f.url() + " " + f.statusText() + " " + f.contentType();
    }

    private static <T> Filter.Fields<T> fields(Function<T, Flow> flow, Function<T, CharSequence> text) {
        return new Filter.Fields<>(Map.<String, BiPredicate<T, Term>>of(
                "host", (r, t) -> t.matchesText(flow.apply(r).host()),
                "method", (r, t) -> t.regex() == null ? flow.apply(r).method().equalsIgnoreCase(t.value())
                        : t.matchesText(flow.apply(r).method()),
                "status", (r, t) -> flow.apply(r).status() != 0 && t.matchesStatus(flow.apply(r).status()),
                "type", (r, t) -> t.matchesText(flow.apply(r).contentType()),
                "path", (r, t) -> t.matchesText(flow.apply(r).path()),
                "url", (r, t) -> t.matchesText(flow.apply(r).url())),
                Set.of("status"), text);
    }
}
