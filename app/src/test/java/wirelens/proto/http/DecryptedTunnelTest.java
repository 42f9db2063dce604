package wirelens.proto.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.testkit.HarValidator;

/**
 * A CONNECT tunnel whose TLS Wirelens decrypted holds plaintext HTTP after the 200: it is decoded as
 * exchanges of its own with https URLs on the CONNECT target; a tunnel that starts with a TLS record
 * (or anything that is not a request line) stays opaque. Fed whole, one byte at a time and split at
 * random points in both directions, the exchanges come out the same.
 */
class DecryptedTunnelTest {

    /** A chunk of one direction, in the order the capture holds them. */
    private record Chunk(boolean fromClient, String text) {}

    private static final String CONNECT = "CONNECT shop.example:8443 HTTP/1.1\r\nHost: shop.example:8443\r\n"
            + "User-Agent: curl/8\r\n\r\n";

    /** CONNECT, Wirelens' 200, then two keep-alive exchanges in plaintext (the second with a chunked body). */
    private static final List<Chunk> DECRYPTED = List.of(
            new Chunk(true, CONNECT),
            new Chunk(false, "HTTP/1.1 200 Connection established\r\n\r\n"),
            new Chunk(true, "GET /a?x=1 HTTP/1.1\r\nHost: shop.example:8443\r\nAccept: */*\r\n\r\n"),
            new Chunk(false, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nfirst\n"),
            new Chunk(true, "POST /b HTTP/1.1\r\nHost: shop.example:8443\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 11\r\n\r\n{\"n\":[1,2]}"),
            new Chunk(false, "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "7\r\nsecond\n\r\n0\r\n\r\n"));

    /**
     * Feeds the chunks, each split where {@code splits} says (offsets into that chunk); the ones after the
     * 200 as TLS Wirelens decrypted, as the capture's TLS record says of them.
     */
    private static ExchangeLogTest.Conversation feed(List<Chunk> chunks, List<int[]> splits) {
        ExchangeLogTest.Conversation c = new ExchangeLogTest.Conversation();
        for (int k = 0; k < chunks.size(); k++) {
            Chunk chunk = chunks.get(k);
            if (k == 2) {
                c.log.clientSpokeTls();
            }
            byte[] bytes = chunk.text().getBytes(StandardCharsets.ISO_8859_1);
            int from = 0;
            int[] cuts = splits == null ? new int[0] : splits.get(k);
            for (int cut : cuts) {
                send(c, chunk.fromClient(), java.util.Arrays.copyOfRange(bytes, from, cut));
                from = cut;
            }
            send(c, chunk.fromClient(), java.util.Arrays.copyOfRange(bytes, from, bytes.length));
        }
        return c;
    }

    private static void send(ExchangeLogTest.Conversation c, boolean fromClient, byte[] bytes) {
        if (fromClient) {
            c.client(bytes);
        } else {
            c.server(bytes);
        }
    }

    /** What a test compares: everything but the times, which depend on how the input was split. */
    private static String describe(List<Exchange> list, ExchangeLogTest.Conversation c) {
        StringBuilder sb = new StringBuilder();
        for (Exchange e : list) {
            sb.append(e.index()).append(' ').append(e.method()).append(' ').append(e.url()).append(' ')
                    .append(e.status()).append(' ').append(e.state()).append(e.tunnelDecrypted() ? " decrypted" : "")
                    .append(" up=").append(e.requestBytes()).append(" down=").append(e.responseBytes())
                    .append(" tunnel=").append(e.tunnelBytesUp()).append('/').append(e.tunnelBytesDown());
            if (!e.requestBody().isEmpty()) {
                sb.append(" request body=").append(body(e.requestBody(), null, c.client));
            }
            if (!e.responseBody().isEmpty()) {
                sb.append(" response body=").append(body(e.responseBody(), null, c.server));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String body(BodyRef ref, String encoding, ByteSource source) {
        try {
            return new String(Bodies.decoded(ref, encoding, source, 1 << 20).bytes(), StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void httpInsideAConnectTunnelIsDecodedWithHttpsUrls() {
        ExchangeLogTest.Conversation c = feed(DECRYPTED, null);
        List<Exchange> list = c.log.exchanges();
        assertEquals(3, list.size(), describe(list, c));

        Exchange connect = list.get(0);
        assertEquals(Exchange.State.TUNNEL, connect.state());
        assertTrue(connect.tunnelDecrypted());
        assertEquals("https://shop.example:8443/", connect.url());
        assertEquals(0, connect.tunnelBytesUp(), "the decrypted bytes belong to the exchanges, not the tunnel");

        Exchange a = list.get(1);
        assertEquals("GET", a.method());
        assertEquals("https://shop.example:8443/a?x=1", a.url());
        assertEquals("https", a.scheme());
        assertEquals(Exchange.State.COMPLETE, a.state());
        assertEquals("first\n", body(a.responseBody(), null, c.server));

        Exchange b = list.get(2);
        assertEquals("https://shop.example:8443/b", b.url());
        assertEquals(201, b.status());
        assertEquals(Exchange.State.COMPLETE, b.state());
        assertEquals("{\"n\":[1,2]}", body(b.requestBody(), null, c.client));
        assertEquals("second\n", body(b.responseBody(), null, c.server));
        assertEquals(CONNECT.length() + a.requestBytes() + b.requestBytes(), c.client.size(),
                "the request sizes cover the client's stream after the CONNECT");
        assertNull(c.log.requestProblem());
        assertNull(c.log.responseProblem());
    }

    @Test
    void port443IsLeftOutOfTheUrl() {
        ExchangeLogTest.Conversation c = new ExchangeLogTest.Conversation();
        c.client("CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\n\r\n");
        c.server("HTTP/1.1 200 Connection established\r\n\r\n");
        c.log.clientSpokeTls();
        c.client("GET / HTTP/1.1\nHost: localhost\n\n"); // bare LF line ends are HTTP too
        c.server("HTTP/1.1 204 No Content\r\n\r\n");
        List<Exchange> list = c.log.exchanges();
        assertEquals("https://localhost:443/", list.get(0).url());
        assertEquals("https://localhost/", list.get(1).url());
        assertEquals(204, list.get(1).status());
    }

    @Test
    void plainHttpThroughATunnelKeepsHttpUrls() {
        ExchangeLogTest.Conversation c = new ExchangeLogTest.Conversation();
        c.client("CONNECT localhost:80 HTTP/1.1\r\nHost: localhost:80\r\n\r\n");
        c.server("HTTP/1.1 200 Connection established\r\n\r\n");
        c.client("GET /plain HTTP/1.1\r\nHost: localhost\r\n\r\n");
        c.server("HTTP/1.1 204 No Content\r\n\r\n");
        List<Exchange> list = c.log.exchanges();
        assertEquals(2, list.size(), describe(list, c));
        assertTrue(list.get(0).tunnelDecrypted());
        assertEquals("http", list.get(0).scheme(), "what the tunnel carried");
        assertEquals("http://localhost/plain", list.get(1).url());
        assertEquals(204, list.get(1).status());
    }

    @Test
    void aClientThatSpokeTlsFromTheStartGetsHttpsUrls() {
        ExchangeLogTest.Conversation c = new ExchangeLogTest.Conversation();
        c.log.clientSpokeTls();
        c.client("GET /a HTTP/1.1\r\nHost: api.example:8443\r\n\r\n");
        c.server("HTTP/1.1 204 No Content\r\n\r\n");
        assertEquals("https://api.example:8443/a", c.log.exchanges().get(0).url());
    }

    @Test
    void clientBytesSentBeforeTheTwoHundredAreDecodedAfterIt() {
        ExchangeLogTest.Conversation c = new ExchangeLogTest.Conversation();
        c.log.clientSpokeTls();
        c.client(CONNECT + "GET /early HTTP/1.1\r\nHost: shop.example:8443\r\n\r\n");
        c.server("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        List<Exchange> list = c.log.exchanges();
        assertEquals(2, list.size(), describe(list, c));
        assertEquals("https://shop.example:8443/early", list.get(1).url());
        assertEquals("ok", body(list.get(1).responseBody(), null, c.server));
    }

    @Test
    void everySplitGivesTheSameExchanges() {
        ExchangeLogTest.Conversation once = feed(DECRYPTED, null);
        String whole = describe(once.log.exchanges(), once);
        List<int[]> everyByte = new ArrayList<>();
        for (Chunk chunk : DECRYPTED) {
            int[] cuts = new int[chunk.text().length() - 1];
            for (int k = 0; k < cuts.length; k++) {
                cuts[k] = k + 1;
            }
            everyByte.add(cuts);
        }
        ExchangeLogTest.Conversation bytewise = feed(DECRYPTED, everyByte);
        assertEquals(whole, describe(bytewise.log.exchanges(), bytewise), "one byte at a time");

        Random random = new Random(20261217);
        for (int round = 0; round < 300; round++) {
            List<int[]> splits = new ArrayList<>();
            for (Chunk chunk : DECRYPTED) {
                splits.add(randomCuts(random, chunk.text().length()));
            }
            ExchangeLogTest.Conversation c = feed(DECRYPTED, splits);
            assertEquals(whole, describe(c.log.exchanges(), c), "round " + round);
        }
    }

    @Test
    void aTlsRecordAfterTheTwoHundredStaysAnOpaqueTunnelHoweverSplit() {
        List<Chunk> tls = List.of(
                new Chunk(true, CONNECT),
                new Chunk(false, "HTTP/1.1 200 Connection established\r\n\r\n"),
                new Chunk(true, "\u0016\u0003\u0001\u0000\u00c8\u0001\u0000\u0000\u00c4GET / HTTP/1.1\r\n"),
                new Chunk(false, "\u0016\u0003\u0003\u0000\u007aserver hello"),
                new Chunk(true, "\u0017\u0003\u0003\u0000\u0020application data"));
        int up = tls.get(2).text().length() + tls.get(4).text().length();
        int down = tls.get(3).text().length();
        Random random = new Random(7);
        for (int round = 0; round < 100; round++) {
            List<int[]> splits = new ArrayList<>();
            for (Chunk chunk : tls) {
                splits.add(round == 0 ? new int[0] : randomCuts(random, chunk.text().length()));
            }
            ExchangeLogTest.Conversation c = feed(tls, splits);
            List<Exchange> list = c.log.exchanges();
            assertEquals(1, list.size(), describe(list, c));
            Exchange e = list.get(0);
            assertEquals(Exchange.State.TUNNEL, e.state());
            assertFalse(e.tunnelDecrypted());
            assertEquals(up, e.tunnelBytesUp());
            assertEquals(down, e.tunnelBytesDown());
        }
    }

    @Test
    void aTunnelThatEndsBeforeALineIsCompleteStaysOpaque() {
        ExchangeLogTest.Conversation c = new ExchangeLogTest.Conversation();
        c.client(CONNECT);
        c.server("HTTP/1.1 200 Connection established\r\n\r\n");
        c.client("GET /half");
        assertEquals(0, c.log.exchanges().get(0).tunnelBytesUp(), "undecided: held back");
        c.log.onEof(true, c.time + 1);
        List<Exchange> list = c.log.exchanges();
        assertEquals(1, list.size());
        assertEquals(9, list.get(0).tunnelBytesUp());
        assertFalse(list.get(0).tunnelDecrypted());
    }

    @Test
    void webSocketUpgradeInsideADecryptedTunnelBecomesATunnelOfItsOwn() {
        ExchangeLogTest.Conversation c = new ExchangeLogTest.Conversation();
        c.client(CONNECT);
        c.server("HTTP/1.1 200 Connection established\r\n\r\n");
        c.log.clientSpokeTls();
        c.client("GET /ws HTTP/1.1\r\nHost: shop.example:8443\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        c.server("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi");
        c.client("\u0081\u0085maskdata");
        List<Exchange> list = c.log.exchanges();
        assertEquals(2, list.size(), describe(list, c));
        Exchange ws = list.get(1);
        assertEquals("https://shop.example:8443/ws", ws.url());
        assertEquals(Exchange.State.TUNNEL, ws.state());
        assertFalse(ws.tunnelDecrypted());
        assertEquals(10, ws.tunnelBytesUp());
        assertEquals(4, ws.tunnelBytesDown());
    }

    @Test
    void tunnelStartTellsRequestLinesFromEverythingElse() {
        assertEquals(ExchangeLog.TunnelStart.HTTP, start("GET / HTTP/1.1\r\n"));
        assertEquals(ExchangeLog.TunnelStart.HTTP, start("M-SEARCH * HTTP/1.0\n"));
        assertEquals(ExchangeLog.TunnelStart.UNDECIDED, start(""));
        assertEquals(ExchangeLog.TunnelStart.UNDECIDED, start("GET"));
        assertEquals(ExchangeLog.TunnelStart.UNDECIDED, start("GET /path"));
        assertEquals(ExchangeLog.TunnelStart.UNDECIDED, start("GET / HTTP/1"));
        assertEquals(ExchangeLog.TunnelStart.UNDECIDED, start("GET / HTTP/1.1\r"));
        assertEquals(ExchangeLog.TunnelStart.OPAQUE, start("\u0016\u0003\u0001"));
        assertEquals(ExchangeLog.TunnelStart.OPAQUE, start("SSH-2.0-OpenSSH_9.6\r\n"));
        assertEquals(ExchangeLog.TunnelStart.OPAQUE, start("GET  / HTTP/1.1\r\n"));
        assertEquals(ExchangeLog.TunnelStart.OPAQUE, start("GET / HTTP/2.0\r\n"));
        assertEquals(ExchangeLog.TunnelStart.OPAQUE, start("GET / HTTP/1.1 x\r\n"));
        assertEquals(ExchangeLog.TunnelStart.OPAQUE, start("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        assertEquals(ExchangeLog.TunnelStart.OPAQUE, start("GET /" + "a".repeat(HttpDecoder.DEFAULT_MAX_HEAD_BYTES)));
    }

    private static ExchangeLog.TunnelStart start(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return ExchangeLog.tunnelStart(b, b.length);
    }

    @Test
    void harHoldsTheDecryptedRequestsWithHttpsUrlsAndIsValid(@TempDir Path dir) throws Exception {
        ExchangeLogTest.Conversation c = feed(DECRYPTED, null);
        Path har = dir.resolve("tunnel.har");
        try (OutputStream out = Files.newOutputStream(har)) {
            HarExport.write(List.of(new HarExport.Connection(3, "127.0.0.1", c.log.exchanges(), c.client, c.server)), out);
        }
        JsonNode entries = new ObjectMapper().readTree(har.toFile()).at("/log/entries");
        assertEquals(3, entries.size());
        assertEquals("CONNECT", entries.get(0).at("/request/method").asText());
        assertEquals("https://shop.example:8443/", entries.get(0).at("/request/url").asText());
        assertTrue(entries.get(0).at("/comment").asText().startsWith("TLS decrypted"), entries.get(0).toString());
        assertEquals("https://shop.example:8443/a?x=1", entries.get(1).at("/request/url").asText());
        assertEquals("x", entries.get(1).at("/request/queryString/0/name").asText());
        assertEquals("first\n", entries.get(1).at("/response/content/text").asText());
        assertEquals("https://shop.example:8443/b", entries.get(2).at("/request/url").asText());
        assertEquals("{\"n\":[1,2]}", entries.get(2).at("/request/postData/text").asText());
        assertEquals(201, entries.get(2).at("/response/status").asInt());
        assertEquals("second\n", entries.get(2).at("/response/content/text").asText());

        HarValidator.validate(har);
    }

    private static int[] randomCuts(Random random, int length) {
        TreeSet<Integer> cuts = new TreeSet<>();
        int n = length < 2 ? 0 : random.nextInt(Math.min(6, length));
        for (int k = 0; k < n; k++) {
            cuts.add(1 + random.nextInt(length - 1));
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }
}
