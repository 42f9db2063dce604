package wirelens.proto.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ExchangeLogTest {

    /** A connection as the capture would see it: both streams kept for reading bodies back. */
    static final class Conversation {
        final ExchangeLog log = new ExchangeLog();
        final MemoryByteSource client = new MemoryByteSource();
        final MemoryByteSource server = new MemoryByteSource();
        long time = 1_763_700_000_000_000_000L;

        void client(byte[] bytes) {
            time += 1_000_000;
            client.append(bytes);
            log.onBytes(true, bytes, time);
        }

        void server(byte[] bytes) {
            time += 3_000_000;
            server.append(bytes);
            log.onBytes(false, bytes, time);
        }

        void client(String s) {
            client(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        void server(String s) {
            server(s.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    static byte[] concat(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static byte[] zlib(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    /** A valid brotli stream holding {@code data} in one uncompressed meta-block (we have no encoder). */
    static byte[] brotliStored(byte[] data) {
        int mlen = data.length - 1; // 1..65536 bytes
        long bits = 0;
        int n = 0;
        bits |= 0L << n; n += 1;          // WBITS = 16
        bits |= 0L << n; n += 1;          // ISLAST = 0
        bits |= 0L << n; n += 2;          // MNIBBLES = 4
        bits |= ((long) mlen) << n; n += 16;
        bits |= 1L << n; n += 1;          // ISUNCOMPRESSED
        byte[] out = new byte[3 + data.length + 1];
        for (int k = 0; k < 3; k++) {
            out[k] = (byte) (bits >>> (8 * k));
        }
        System.arraycopy(data, 0, out, 3, data.length);
        out[out.length - 1] = 0x03;       // ISLAST = 1, ISLASTEMPTY = 1
        return out;
    }

    @Test
    void chunkedGzipJsonResponseIsDecodedAndPrettyPrinted() throws IOException {
        Conversation c = new Conversation();
        byte[] json = "{\"name\":\"wirelens\",\"list\":[1,2,3]}".getBytes(StandardCharsets.UTF_8);
        byte[] gz = gzip(json);
        c.client("GET http://api.example/v1?q=1 HTTP/1.1\r\nHost: api.example\r\nAccept-Encoding: gzip\r\n\r\n");
        c.server("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(10) + "\r\n");
        c.server(concat("", java.util.Arrays.copyOfRange(gz, 0, 10)));
        c.server(concat("\r\n" + Integer.toHexString(gz.length - 10) + "\r\n",
                java.util.Arrays.copyOfRange(gz, 10, gz.length)));
        c.server("\r\n0\r\n\r\n");

        List<Exchange> list = c.log.exchanges();
        assertEquals(1, list.size());
        Exchange e = list.get(0);
        assertEquals("GET", e.method());
        assertEquals("http://api.example/v1?q=1", e.url());
        assertEquals(200, e.status());
        assertEquals(Exchange.State.COMPLETE, e.state());
        assertEquals(gz.length, e.responseBody().length());
        assertEquals(2, e.responseBody().ranges().size(), "two chunks, not adjacent in the stream");
        assertEquals(c.server.size(), e.responseBytes());
        assertTrue(e.responseEndNanos() > e.responseStartNanos() && e.responseStartNanos() > e.requestEndNanos());

        Bodies.Content body = Bodies.decoded(e.responseBody(), e.responseHeader("Content-Encoding"), c.server, 1 << 20);
        assertArrayEquals(json, body.bytes());
        assertEquals("{\n  \"name\" : \"wirelens\",\n  \"list\" : [ 1, 2, 3 ]\n}",
                Bodies.render(e.responseHeader("Content-Type"), body.bytes()));
    }

    @Test
    void deflateAndBrotliAreUndone() throws IOException {
        byte[] text = "hello, hello, hello".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(text, Bodies.decode("deflate", zlib(text)));
        assertArrayEquals(text, Bodies.decode("br", brotliStored(text)));
        assertArrayEquals(text, Bodies.decode("gzip, br", brotliStored(gzip(text))));
        Conversation c = new Conversation();
        c.client("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        c.server(concat("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\n", new byte[] {1, 2, 3}));
        Exchange e = c.log.exchanges().get(0);
        Bodies.Content broken = Bodies.decoded(e.responseBody(), "br", c.server, 100);
        assertArrayEquals(new byte[] {1, 2, 3}, broken.bytes(), "undecodable body shown raw");
        assertTrue(broken.problem().startsWith("cannot undo Content-Encoding br"), broken.problem());
    }

    @Test
    void pipelinedRequestsPairWithTheirResponsesIncludingHead() {
        Conversation c = new Conversation();
        c.client("HEAD /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nPOST /c HTTP/1.1\r\nHost: h\r\n"
                + "Expect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        c.server("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope"
                + "HTTP/1.1 100 Continue\r\n\r\n");
        c.client("data");
        c.server("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        List<Exchange> list = c.log.exchanges();
        assertEquals(List.of("HEAD", "GET", "POST"), list.stream().map(Exchange::method).toList());
        assertEquals(List.of(200, 404, 201), list.stream().map(Exchange::status).toList());
        assertEquals(1, list.get(2).interim().size());
        assertEquals(100, list.get(2).interim().get(0).status());
        assertEquals(4, list.get(2).requestBody().length());
        assertTrue(list.stream().allMatch(e -> e.state() == Exchange.State.COMPLETE));
    }

    @Test
    void connectBecomesATunnelAndCountsItsBytes() {
        Conversation c = new Conversation();
        c.client("CONNECT secure.example:443 HTTP/1.1\r\nHost: secure.example:443\r\n\r\n\u0016\u0003\u0001hello");
        c.server("HTTP/1.1 200 Connection Established\r\n\r\n");
        c.client("more");
        c.server("\u0016\u0003\u0003server");
        Exchange e = c.log.exchanges().get(0);
        assertEquals(Exchange.State.TUNNEL, e.state());
        assertEquals("https://secure.example:443/", e.url());
        assertEquals(12, e.tunnelBytesUp());
        assertEquals(9, e.tunnelBytesDown());
        assertEquals(1, c.log.size());
    }

    @Test
    void refusedConnectLetsTheNextRequestThrough() {
        Conversation c = new Conversation();
        c.client("CONNECT x:1 HTTP/1.1\r\n\r\n");
        c.client("GET http://x/ HTTP/1.1\r\n\r\n");
        c.server("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        c.server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        List<Exchange> list = c.log.exchanges();
        assertEquals(2, list.size());
        assertEquals(403, list.get(0).status());
        assertEquals(200, list.get(1).status());
    }

    @Test
    void garbageAndMissingResponsesAreReportedNotThrown() {
        Conversation c = new Conversation();
        c.client("GET / HTTP/1.1\r\n\r\n");
        c.client("\u0000\u0001 not http\r\n\r\n");
        c.log.onEof(false, c.time);
        List<Exchange> list = c.log.exchanges();
        assertEquals(2, list.size());
        assertEquals(Exchange.State.FAILED, list.get(0).state());
        assertEquals("the server closed the connection without a response", list.get(0).problem());
        assertTrue(list.get(1).problem().startsWith("request: bad request line"), list.get(1).problem());
        assertNull(list.get(1).request());
        assertTrue(c.log.requestProblem() != null);
    }

    @Test
    void snapshotsAreStableAndCheapWhenNothingChanged() {
        Conversation c = new Conversation();
        c.client("GET / HTTP/1.1\r\n\r\n");
        List<Exchange> first = c.log.exchanges();
        assertTrue(first.get(0) == c.log.exchanges().get(0), "same snapshot object while unchanged");
        c.server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\no");
        Exchange receiving = c.log.exchanges().get(0);
        assertEquals(Exchange.State.RESPONSE, receiving.state());
        assertEquals(Exchange.State.WAITING, first.get(0).state(), "old snapshot unchanged");
        c.server("k");
        assertEquals(Exchange.State.COMPLETE, c.log.exchanges().get(0).state());
    }

    @Test
    void contentTypeHelpers() {
        assertTrue(ContentTypes.isJson("application/problem+json; charset=utf-8"));
        assertTrue(ContentTypes.isPreviewableImage("image/PNG"));
        assertEquals("image/png", ContentTypes.sniffImage(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10}));
        assertEquals(StandardCharsets.ISO_8859_1, ContentTypes.charset("text/html; charset=\"ISO-8859-1\""));
        assertEquals("(4 bytes of application/octet-stream)",
                Bodies.render("application/octet-stream", new byte[] {0, 1, 2, 3}));
        assertTrue(ExchangeLog.looksLikeHttpRequest("GET / HTTP/1.1\r\n".getBytes(), 16));
        assertTrue(!ExchangeLog.looksLikeHttpRequest("EHLO x\r\n".getBytes(), 8));
    }
}
