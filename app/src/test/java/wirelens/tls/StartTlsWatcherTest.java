package wirelens.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartTlsWatcherTest {

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void smtpSwitchesAtThe220ToStartTls() {
        StartTlsWatcher w = new StartTlsWatcher();
        assertEquals(-1, w.fromServer(bytes("220 mx.test ESMTP\r\n")));
        assertEquals(StartTlsWatcher.Protocol.SMTP, w.protocol());
        assertEquals(-1, w.fromClient(bytes("EHLO me\r\n")));
        assertEquals(-1, w.fromServer(bytes("250-mx.test\r\n250-STARTTLS\r\n250 SIZE 100\r\n")));
        assertFalse(w.switched(), "STARTTLS in the EHLO reply is an offer, not a go-ahead");
        assertEquals(-1, w.fromClient(bytes("STARTTLS\r\n")));
        assertTrue(w.asked());
        String reply = "220 2.0.0 Ready to start TLS\r\n";
        assertEquals(reply.length(), w.fromServer(bytes(reply)));
        assertTrue(w.switched());
    }

    @Test
    void aRefusalKeepsThePlainSessionGoing() {
        StartTlsWatcher w = new StartTlsWatcher();
        w.fromServer(bytes("220 mx.test\r\n"));
        w.fromClient(bytes("STARTTLS\r\n"));
        assertEquals(-1, w.fromServer(bytes("454 4.7.0 TLS not available\r\n")));
        assertFalse(w.switched());
        assertFalse(w.asked());
        assertEquals(-1, w.fromClient(bytes("MAIL FROM:<a@b>\r\n")));
    }

    @Test
    void commandsPipelinedAfterStartTlsAreWithheld() {
        StartTlsWatcher w = new StartTlsWatcher();
        w.fromServer(bytes("220 mx.test\r\n"));
        String chunk = "STARTTLS\r\nMAIL FROM:<evil@x>\r\n";
        assertEquals("STARTTLS\r\n".length(), w.fromClient(bytes(chunk)));
        assertEquals(0, w.fromClient(bytes("RCPT TO:<v@x>\r\n")), "nothing passes while the answer is awaited");
        assertEquals("220 go\r\n".length(), w.fromServer(bytes("220 go\r\n")));
    }

    @Test
    void imapWaitsForTheTaggedOkAndIgnoresUntaggedLines() {
        StartTlsWatcher w = new StartTlsWatcher();
        w.fromServer(bytes("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"));
        assertEquals(StartTlsWatcher.Protocol.IMAP, w.protocol());
        w.fromClient(bytes("a1 CAPABILITY\r\n"));
        w.fromServer(bytes("* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK done\r\n"));
        assertFalse(w.switched());
        w.fromClient(bytes("a2 starttls\r\n"));
        assertEquals(-1, w.fromServer(bytes("* BYE? no, just chatter\r\n")));
        String ok = "a2 OK Begin TLS negotiation now\r\n";
        assertEquals(ok.length(), w.fromServer(bytes(ok)));
        assertTrue(w.switched());
    }

    @Test
    void pop3SwitchesAtThePlusOkToStls() {
        StartTlsWatcher w = new StartTlsWatcher();
        w.fromServer(bytes("+OK POP3 ready\r\n"));
        assertEquals(StartTlsWatcher.Protocol.POP3, w.protocol());
        w.fromClient(bytes("STLS\r\n"));
        assertEquals(5, w.fromServer(bytes("+OK\r\n")));
        assertTrue(w.switched());
    }

    @Test
    void aClientThatSpeaksFirstOrAServerWithoutAGreetingLineIsNotWatchedAtAll() {
        StartTlsWatcher first = new StartTlsWatcher();
        assertEquals(-1, first.fromClient(bytes("GET / HTTP/1.1\r\n")));
        assertEquals(StartTlsWatcher.Protocol.NONE, first.protocol());
        StartTlsWatcher binary = new StartTlsWatcher();
        assertEquals(-1, binary.fromServer(ByteBuffer.allocate(StartTlsWatcher.MAX_GREETING + 1)));
        assertEquals(StartTlsWatcher.Protocol.NONE, binary.protocol());
        StartTlsWatcher mail = new StartTlsWatcher();
        mail.fromServer(bytes("220 mx\r\n"));
        mail.fromClient(bytes("EHLO me\r\nMAIL FROM:<a@b>\r\n"));
        assertEquals(StartTlsWatcher.Protocol.NONE, mail.protocol(), "no STARTTLS once transactions begin");
    }

    @Test
    void otherProtocolsAreLeftAlone() {
        StartTlsWatcher w = new StartTlsWatcher();
        assertEquals(-1, w.fromServer(bytes("SSH-2.0-OpenSSH_9.2\r\n")));
        assertEquals(StartTlsWatcher.Protocol.NONE, w.protocol());
        assertEquals(-1, w.fromClient(bytes("STARTTLS\r\n")));
        assertEquals(-1, w.fromServer(bytes("220 ok\r\n")));
        assertFalse(w.switched());
    }

    @Test
    void theSameAnswersWhateverTheChunksAreCutInto() {
        String server = "220-mx.test ESMTP\r\n220 more\r\n250-mx\r\n250 STARTTLS\r\n220 Ready\r\n";
        String client = "EHLO me\r\nSTARTTLS\r\nQUIT\r\n";
        Random random = new Random(5);
        for (int round = 0; round < 500; round++) {
            StartTlsWatcher w = new StartTlsWatcher();
            // the greeting and EHLO exchange, then STARTTLS
            feedServer(w, server.substring(0, server.indexOf("220 Ready")), random);
            int withheldAt = feedClient(w, client, random);
            assertEquals("EHLO me\r\nSTARTTLS\r\n".length(), withheldAt);
            int goAhead = feedServer(w, server.substring(server.indexOf("220 Ready")), random);
            assertEquals("220 Ready\r\n".length(), goAhead);
            assertTrue(w.switched());
        }
    }

    /** Feeds text in random pieces; returns the absolute offset of the first answer other than -1. */
    private static int feedClient(StartTlsWatcher w, String s, Random random) {
        int at = 0;
        while (at < s.length()) {
            int n = 1 + random.nextInt(Math.min(6, s.length() - at));
            int r = w.fromClient(bytes(s.substring(at, at + n)));
            if (r >= 0) {
                return at + r;
            }
            at += n;
        }
        return -1;
    }

    private static int feedServer(StartTlsWatcher w, String s, Random random) {
        int at = 0;
        while (at < s.length()) {
            int n = 1 + random.nextInt(Math.min(6, s.length() - at));
            int r = w.fromServer(bytes(s.substring(at, at + n)));
            if (r >= 0) {
                return at + r;
            }
            at += n;
        }
        return -1;
    }
}
