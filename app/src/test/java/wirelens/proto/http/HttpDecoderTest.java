package wirelens.proto.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HttpDecoderTest {

    private static List<String> requests(String input, int... splits) {
        return DecoderScript.run(HttpDecoder.Role.REQUEST, List.of(), input, splits);
    }

    private static List<String> responses(List<String> methods, String input, int... splits) {
        return DecoderScript.run(HttpDecoder.Role.RESPONSE, methods, input, splits);
    }

    @Test
    void getWithHeadersInOrderAndOriginalCase() {
        assertEquals(List.of(
                "head GET http://example.com/a?b=1 HTTP/1.1 [Host: example.com, X-Mixed-CASE: v  w] @0-82",
                "end @82"),
                requests("GET http://example.com/a?b=1 HTTP/1.1\r\nHost: example.com\r\nX-Mixed-CASE:  v  w \r\n\r\n"));
    }

    @Test
    void contentLengthBodySplitAnywhereAndPipelinedRequests() {
        String in = "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /g HTTP/1.1\r\n\r\n";
        List<String> expected = List.of(
                "head POST /p HTTP/1.1 [Content-Length: 5] @0-39", "data hello", "end @44",
                "head GET /g HTTP/1.1 [] @44-63", "end @63");
        assertEquals(expected, requests(in));
        assertEquals(expected, requests(in, 3, 20, 38, 39, 41, 44, 45));
    }

    @Test
    void chunkedWithExtensionsAndTrailers() {
        String in = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\nA\r\n, world!!!\r\n0\r\nX-Checksum: 42\r\n\r\n";
        assertEquals(List.of(
                "head HTTP/1.1 200 OK [Transfer-Encoding: chunked] @0-47",
                "data hello, world!!!",
                "trailers [X-Checksum: 42]",
                "end @" + in.length()), responses(List.of("GET"), in));
    }

    @Test
    void responsesToHeadAnd204And304HaveNoBody() {
        String in = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        List<String> lines = responses(List.of("HEAD", "GET", "GET", "GET"), in);
        assertEquals(9, lines.size(), lines.toString());
        assertEquals("data ok", lines.get(7));
    }

    @Test
    void interimResponsesDoNotConsumeTheRequest() {
        String in = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n";
        List<String> lines = responses(List.of("POST", "HEAD"), in);
        assertEquals(List.of("head HTTP/1.1 100 Continue [] @0-25", "end @25",
                "head HTTP/1.1 200 OK [Content-Length: 2] @25-63", "data ok", "end @65",
                "head HTTP/1.1 200 OK [] @65-84", "end @84"), lines);
    }

    @Test
    void untilCloseBodyEndsAtEof() {
        assertEquals(List.of("head HTTP/1.0 200 OK [] @0-19", "data all of it", "end @28 by close"),
                responses(List.of(), "HTTP/1.0 200 OK\r\n\r\nall of it"));
    }

    @Test
    void connectAndUpgradeSwitchToTunnel() {
        assertEquals(List.of("head CONNECT example.com:443 HTTP/1.1 [Host: example.com:443] @0-59", "end @59",
                "tunnel \u0016\u0003\u0001 raw"),
                requests("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\u0016\u0003\u0001 raw"));
        assertEquals(List.of("head HTTP/1.1 200 Connection established [] @0-39", "end @39", "tunnel xyz"),
                responses(List.of("CONNECT"), "HTTP/1.1 200 Connection established\r\n\r\nxyz"));
        assertEquals(List.of("head HTTP/1.1 101 Switching Protocols [Upgrade: websocket] @0-56", "end @56",
                "tunnel \u0081\u0002hi"),
                responses(List.of("GET"), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi"));
    }

    @Test
    void refusedConnectResumesWithTheNextRequest() {
        HttpDecoder d = new HttpDecoder(HttpDecoder.Role.REQUEST);
        DecoderScript s = new DecoderScript(d, false);
        byte[] in = "CONNECT a:1 HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n".getBytes();
        s.feed(in, 0, in.length);
        List<String> lines = s.finish();
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(2).startsWith("head GET / HTTP/1.1"), lines.toString());
    }

    @Test
    void blankLinesBeforeARequestAreIgnored() {
        assertEquals(List.of("head GET / HTTP/1.1 [] @4-22", "end @22"), requests("\r\n\r\nGET / HTTP/1.1\r\n\r\n"));
    }

    @Test
    void headLargerThanTheLimitIsItsOwnError() {
        String big = "GET / HTTP/1.1\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n";
        List<String> lines = requests(big, 1000, 30_000);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("error HEAD_TOO_LARGE"), lines.get(0));
    }

    @Test
    void malformedInputGivesOneErrorAndNoException() {
        for (String bad : List.of(
                "GET /\r\n\r\n",
                "GET / HTTP/2.0\r\n\r\n",
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n",
                "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
                "GET / HTTP/1.1\r\n folded-first: x\r\n\r\n",
                "POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\nhello",
                "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
                "GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n",
                "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003\n\n")) {
            List<String> lines = requests(bad);
            String last = lines.get(lines.size() - 1);
            assertTrue(last.startsWith("error MALFORMED"), bad + " -> " + lines);
        }
        List<String> te = requests("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n");
        assertTrue(te.get(te.size() - 1).startsWith("error UNSUPPORTED"), te.toString());
        List<String> status = responses(List.of(), "HTTP/1.1 2000 OK\r\n\r\n");
        assertTrue(status.get(status.size() - 1).startsWith("error MALFORMED"), status.toString());
    }

    @Test
    void obsFoldIsJoinedWithASpace() {
        assertEquals(List.of("head GET / HTTP/1.1 [X: a b] @0-29", "end @29"),
                requests("GET / HTTP/1.1\r\nX: a\r\n  b\r\n\r\n"));
    }

    @Test
    void bareLfLineEndsAreAccepted() {
        assertEquals(List.of("head HTTP/1.1 200 OK [Content-Length: 1] @0-35", "data x", "end @36"),
                responses(List.of(), "HTTP/1.1 200 OK\nContent-Length: 1\n\nx"));
    }

    @Test
    void eofInsideAMessageIsReportedAsTruncated() {
        List<String> lines = requests("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
        assertEquals("error TRUNCATED connection closed inside a message body", lines.get(lines.size() - 1));
        List<String> head = requests("GET / HTT");
        assertEquals(List.of("error TRUNCATED connection closed inside a message head"), head);
        assertEquals(List.of(), requests(""));
    }

    @Test
    void transferEncodingWinsOverContentLength() {
        List<String> lines = responses(List.of(),
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n");
        assertEquals("data x", lines.get(1));
        assertTrue(lines.get(2).startsWith("end @"));
    }

    @Test
    void feedStopsAfterEachMessageSoACallerCanActBetweenThem() {
        HttpDecoder d = new HttpDecoder(HttpDecoder.Role.REQUEST);
        byte[] two = "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n".getBytes();
        List<HttpEvent> events = new java.util.ArrayList<>();
        assertEquals(19, d.feed(two, 0, two.length, events));
        assertEquals(2, events.size());
        assertEquals(19, d.feed(two, 19, two.length - 19, events));
        assertEquals(4, events.size());
    }
}
