package wirelens.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import wirelens.filter.FilterSyntaxException;
import wirelens.proto.http.Exchange;

class FlowFilterTest {
    private static final Flow GET_JSON = flow(1, "GET", "https://api.example.com", "/v1/users?page=2", 200, "application/json");
    private static final Flow POST_404 = flow(2, "POST", "http://shop.test:8080", "/cart", 404, "text/html");
    private static final Flow PENDING = flow(3, "GET", "http://example.org", "/slow", 0, "");
    private static final List<Flow> ALL = List.of(GET_JSON, POST_404, PENDING);

    @Test
    void eachFieldMatchesItsPartOfTheRow() {
        assertEquals(List.of(1), numbers("host:example.com"));
        assertEquals(List.of(1, 3), numbers("host:example"));
        assertEquals(List.of(2), numbers("host:shop.test"), "the port is not part of the host");
        assertEquals(List.of(2), numbers("method:post"));
        assertEquals(List.of(1, 3), numbers("method:GET"));
        assertEquals(List.of(2), numbers("status:404"));
        assertEquals(List.of(2), numbers("status:4xx"));
        assertEquals(List.of(1), numbers("status:2xx"));
        assertEquals(List.of(1), numbers("type:json"));
        assertEquals(List.of(1), numbers("path:/v1"));
        assertEquals(List.of(1), numbers("path:~page=\\d"));
        assertEquals(List.of(2), numbers("url:8080/cart"));
        assertEquals(List.of(1, 3), numbers("!status:4xx"));
        assertEquals(List.of(3), numbers("method:GET !status:2xx"));
        assertEquals(List.of(1), numbers("users"));
        assertEquals(List.of(3), numbers("pending"), "a waiting flow's row says so");
    }

    @Test
    void aWrongFilterSaysWhere() {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class, () -> FlowFilter.rows("method:GET size:3"));
        assertEquals(11, e.position());
        assertTrue(e.getMessage().contains("host, method, path, status, type, url"), e.getMessage());
        assertEquals(0, assertThrows(FilterSyntaxException.class, () -> FlowFilter.rows("status:4x")).position());
    }

    @Test
    void onlyTermsWithoutAFieldSearchHeadsAndBodies() {
        assertTrue(FlowFilter.searchesContent("host:x \"needle\""));
        assertTrue(FlowFilter.searchesContent("!~regex"));
        assertFalse(FlowFilter.searchesContent("host:x status:4xx !method:GET"));
        Predicate<FlowFilter.Searched> content = FlowFilter.content("status:2xx ~\"name\": !secret");
        assertTrue(content.test(new FlowFilter.Searched(GET_JSON, "GET /v1/users\n{\"name\": \"Ada\"}")));
        assertFalse(content.test(new FlowFilter.Searched(GET_JSON, "{\"name\": \"secret\"}")));
        assertFalse(content.test(new FlowFilter.Searched(POST_404, "{\"name\": \"Ada\"}")));
    }

    private static List<Integer> numbers(String filter) {
        Predicate<Flow> p = FlowFilter.rows(filter);
        return ALL.stream().filter(p).map(Flow::number).toList();
    }

    private static Flow flow(int n, String method, String origin, String path, int status, String type) {
        Exchange.State state = status == 0 ? Exchange.State.WAITING : Exchange.State.COMPLETE;
        return new Flow(n, n, 0, n * 1000L, method, origin, path, status, status == 0 ? "" : "Reason", state, type, 0, 0,
                n * 1000L + 1, status == 0 ? 0 : n * 1000L + 2, status == 0 ? 0 : n * 1000L + 3, origin.startsWith("https"),
                false, null);
    }
}
