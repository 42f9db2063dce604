package wirelens.proto.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Edited messages made valid again, and whole messages parsed; no sockets. */
class HttpMessagesTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aLargerBodyGetsItsContentLengthRecomputedInPlace() {
        byte[] wire = HttpMessages.valid("POST /api HTTP/1.1",
                List.of(new Header("Host", "a.test"), new Header("Content-Length", "2"), new Header("X", "1")),
                bytes("{\"name\":\"longer\"}"), true);
        assertEquals("POST /api HTTP/1.1\r\nHost: a.test\r\nContent-Length: 17\r\nX: 1\r\n\r\n{\"name\":\"longer\"}",
                text(wire));
        HttpMessages.Whole whole = HttpMessages.parse(wire, HttpDecoder.Role.REQUEST, null);
        assertEquals("{\"name\":\"longer\"}", text(whole.body()));
    }

    @Test
    void aRequestWithoutBodyGetsNoContentLengthAndAResponseAlwaysGetsOne() {
        assertEquals("GET / HTTP/1.1\r\nHost: a\r\n\r\n",
                text(HttpMessages.valid("GET / HTTP/1.1", List.of(new Header("Host", "a")), new byte[0], true)));
        assertEquals("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n",
                text(HttpMessages.valid("HTTP/1.1 503 Service Unavailable", List.of(), new byte[0], true)));
        assertEquals("HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n", text(HttpMessages.valid(
                "HTTP/1.1 304 Not Modified", List.of(new Header("ETag", "x"), new Header("Content-Length", "9")),
                new byte[0], true)));
        assertThrows(IllegalArgumentException.class,
                () -> HttpMessages.valid("HTTP/1.1 204 No Content", List.of(), bytes("x"), true));
    }

    @Test
    void chunkedStaysChunkedAndAnyContentLengthGoes() {
        byte[] wire = HttpMessages.valid("HTTP/1.1 200 OK",
                List.of(new Header("Transfer-Encoding", "chunked"), new Header("Content-Length", "4")),
                bytes("hello world"), true);
        assertEquals("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nb\r\nhello world\r\n0\r\n\r\n", text(wire));
        assertEquals("hello world", text(HttpMessages.parse(wire, HttpDecoder.Role.RESPONSE, "GET").body()));
    }

    @Test
    void gzipAndDeflateAreAppliedAgainAfterTheDecodedBodyWasEdited() throws Exception {
        for (String coding : List.of("gzip", "deflate", "gzip, deflate")) {
            byte[] wire = HttpMessages.valid("HTTP/1.1 200 OK",
                    List.of(new Header("Content-Encoding", coding), new Header("Content-Length", "1")),
                    bytes("edited text"), true);
            HttpMessages.Whole whole = HttpMessages.parse(wire, HttpDecoder.Role.RESPONSE, "GET");
            assertEquals(coding, whole.head().header("Content-Encoding"));
            assertEquals(String.valueOf(whole.body().length), whole.head().header("Content-Length"));
            assertEquals("edited text", text(Bodies.decode(coding, whole.body())), coding);
        }
    }

    @Test
    void aCodingWirelensCannotApplyIsDroppedAndABodyAlreadyEncodedGoesAsItIs() {
        byte[] wire = HttpMessages.valid("HTTP/1.1 200 OK",
                List.of(new Header("Content-Encoding", "br"), new Header("Vary", "Accept-Encoding")),
                bytes("plain now"), true);
        assertEquals("HTTP/1.1 200 OK\r\nVary: Accept-Encoding\r\nContent-Length: 9\r\n\r\nplain now", text(wire));
        byte[] raw = {1, 2, 3};
        byte[] asIs = HttpMessages.valid("HTTP/1.1 200 OK", List.of(new Header("Content-Encoding", "br")), raw, false);
        assertArrayEquals(raw, HttpMessages.parse(asIs, HttpDecoder.Role.RESPONSE, "GET").body());
    }

    @Test
    void parseSaysWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> HttpMessages.parse(
                bytes("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab"), HttpDecoder.Role.REQUEST, null))
                .getMessage().contains("closed inside a message body"));
        assertEquals("3 bytes after the end of the message", assertThrows(IllegalArgumentException.class,
                () -> HttpMessages.parse(bytes("GET / HTTP/1.1\r\n\r\nabc"), HttpDecoder.Role.REQUEST, null))
                .getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> HttpMessages.parse(bytes("GET / HTTP/1.1\r\n"), HttpDecoder.Role.REQUEST, null));
        assertThrows(IllegalArgumentException.class,
                () -> HttpMessages.parse(bytes("HTTP/1.1 100 Continue\r\n\r\n"), HttpDecoder.Role.RESPONSE, "GET"));
        HttpMessages.Whole untilClose = HttpMessages.parse(bytes("HTTP/1.0 200 OK\r\n\r\nall of it"),
                HttpDecoder.Role.RESPONSE, "GET");
        assertTrue(untilClose.untilClose());
        assertEquals("all of it", text(untilClose.body()));
        assertFalse(HttpMessages.parse(bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
                HttpDecoder.Role.RESPONSE, "GET").untilClose());
    }

    @Test
    void headersParseFromTextLinesAndABadLineIsNamed() {
        assertEquals(List.of(new Header("Host", "a.test"), new Header("X-Edited", "yes: really")),
                HttpMessages.parseHeaders("Host: a.test\n\nX-Edited:  yes: really \r\n"));
        assertEquals("line 2 is not a header (Name: value): no colon here", assertThrows(IllegalArgumentException.class,
                () -> HttpMessages.parseHeaders("Host: a\nno colon here")).getMessage());
    }
}
