package wirelens.ui.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TabTitleTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void anHttpTabIsNamedByItsFirstRequestWithoutTheHost() {
        assertEquals("GET /f3.txt", TabTitle.http(b("GET /f3.txt HTTP/1.1\r\nHost: a\r\n\r\n")));
        assertEquals("POST /api?x=1", TabTitle.http(b("POST http://example.com:8080/api?x=1 HTTP/1.1\r\n\r\n")));
        assertEquals("GET /", TabTitle.http(b("GET http://example.com HTTP/1.1\r\n\r\n")));
    }

    @Test
    void aDecryptedTunnelIsNamedByTheFirstRequestInsideIt() {
        String tunnel = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
                + "GET /inside HTTP/1.1\r\nHost: example.com\r\n\r\n";
        assertEquals("GET /inside", TabTitle.http(b(tunnel)));
        assertEquals("CONNECT example.com:443", TabTitle.http(b("CONNECT example.com:443 HTTP/1.1\r\n\r\n\u0016\u0003\u0001")));
    }

    @Test
    void noTitleUntilARequestLineIsComplete() {
        assertNull(TabTitle.http(b("GET /half")));
        assertNull(TabTitle.http(b("\u0016\u0003\u0001\u0002\u0000\r\n")));
        String longPath = "/" + "a".repeat(100);
        assertEquals("GET /" + "a".repeat(26) + "\u2026", TabTitle.http(b("GET " + longPath + " HTTP/1.1\r\n")));
    }

    @Test
    void anSmtpTabIsNamedByItsEnvelope() {
        String session = "EHLO c\r\nMAIL FROM:<alice@example.test> SIZE=10\r\nRCPT TO:<bob@example.test>\r\n"
                + "RCPT TO:<carol@example.test>\r\nDATA\r\n";
        assertEquals("SMTP alice@example.test \u2192 bob@example.test +1", TabTitle.smtp(b(session)));
        assertEquals("SMTP alice@example.test", TabTitle.smtp(b("EHLO c\r\nmail from:<alice@example.test>\r\n")));
        assertEquals("SMTP <> \u2192 bob@example.test", TabTitle.smtp(b("MAIL FROM:<>\r\nRCPT TO:<bob@example.test>\r\n")));
        assertEquals("SMTP", TabTitle.smtp(b("EHLO c\r\n")));
    }
}
