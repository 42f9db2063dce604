package wirelens.proto.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ExchangeLog#takeChanged()}: what a live list of flows reads from a long keep-alive connection. */
class ExchangeLogTakeChangedTest {

    @Test
    void handsOutEachChangeOnceAndLetsGoOfWhatIsOver() {
        ExchangeLogTest.Conversation c = new ExchangeLogTest.Conversation();
        for (int i = 0; i < 1000; i++) {
            c.client("GET /item/" + i + " HTTP/1.1\r\nHost: example.test\r\n\r\n");
            c.server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
        c.client("POST /upload HTTP/1.1\r\nHost: example.test\r\nContent-Length: 10\r\n\r\n12345");
        List<Exchange> first = c.log.takeChanged();
        assertEquals(1001, first.size());
        assertEquals("/item/999", first.get(999).request().target());
        assertEquals(Exchange.State.REQUEST, first.get(1000).state());
        // only the open exchange is still held
        assertEquals(List.of(1000), c.log.exchanges().stream().map(Exchange::index).toList());
        assertEquals(List.of(), c.log.takeChanged(), "nothing changed since");

        c.client("67890");
        c.server("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        List<Exchange> second = c.log.takeChanged();
        assertEquals(1, second.size());
        assertEquals(1000, second.get(0).index());
        assertEquals(201, second.get(0).status());
        assertEquals(10, second.get(0).requestBody().length());
        assertEquals(1001, c.log.size());

        c.client("GET /next HTTP/1.1\r\nHost: example.test\r\n\r\n");
        assertEquals(1001, c.log.takeChanged().get(0).index(), "indexes go on after what was let go");
    }

    @Test
    void aResponseBeforeTheRequestEndsKeepsTheRequestUntilItsLastByte() {
        ExchangeLogTest.Conversation c = new ExchangeLogTest.Conversation();
        c.client("PUT /big HTTP/1.1\r\nHost: example.test\r\nContent-Length: 6\r\n\r\nabc");
        c.server("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n");
        assertEquals(Exchange.State.COMPLETE, c.log.takeChanged().get(0).state());
        c.client("def");
        List<Exchange> later = c.log.takeChanged();
        assertEquals(1, later.size());
        assertEquals(6, later.get(0).requestBody().length());
    }
}
