package wirelens.proto.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SmtpDecoderTest {

    private static final String EHLO_REPLY = "250-mail.example.com\r\n250-SIZE 1000000\r\n250-PIPELINING\r\n"
            + "250-CHUNKING\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n";

    static SmtpScript plainSession() {
        return new SmtpScript()
                .s("220 mail.example.com ESMTP ready\r\n")
                .c("EHLO client.example\r\n")
                .s(EHLO_REPLY)
                .c("MAIL FROM:<alice@example.com> SIZE=120\r\n")
                .s("250 2.1.0 OK\r\n")
                .c("RCPT TO:<bob@example.com>\r\n")
                .s("250 2.1.5 OK\r\n")
                .c("RCPT TO:<nobody@example.com>\r\n")
                .s("550 5.1.1 no such user\r\n")
                .c("DATA\r\n")
                .s("354 go ahead\r\n")
                .c("Subject: hi\r\n\r\nline one\r\n..leading dot\r\n.\r\n")
                .s("250 2.0.0 queued as 42\r\n")
                .c("QUIT\r\n")
                .s("221 bye\r\n");
    }

    @Test
    void pairsEveryCommandWithItsReplyAndSummarisesTheEnvelope() {
        SmtpSession s = plainSession().decode();
        List<Exchange> ex = s.exchanges();
        assertEquals(List.of("", "EHLO", "MAIL", "RCPT", "RCPT", "DATA", "", "QUIT"),
                ex.stream().map(Exchange::verb).toList());
        assertEquals(Exchange.Kind.GREETING, ex.get(0).kind());
        assertEquals(220, ex.get(0).reply().code());
        assertEquals(6, ex.get(1).reply().lines().size(), "multi-line EHLO reply joined");
        assertEquals("mail.example.com\nSIZE 1000000\nPIPELINING\nCHUNKING\nSTARTTLS\nAUTH PLAIN LOGIN",
                ex.get(1).reply().text());
        assertEquals(SmtpReply.ReplyClass.PERMANENT_FAILURE, ex.get(4).reply().replyClass());
        assertEquals(354, ex.get(5).reply().code());
        assertEquals(Exchange.Kind.MESSAGE, ex.get(6).kind());
        assertEquals(250, ex.get(6).reply().code());
        assertEquals(221, ex.get(7).reply().code());

        SmtpTransaction t = s.transactions().get(0);
        assertEquals("alice@example.com", t.mailFrom());
        assertEquals("SIZE=120", t.mailParameters());
        assertEquals(List.of("bob@example.com", "nobody@example.com"),
                t.recipients().stream().map(SmtpTransaction.Recipient::address).toList());
        assertEquals(550, t.recipients().get(1).reply().code());
        assertEquals(1, t.acceptedRecipients());
        assertEquals(SmtpTransaction.Result.DELIVERED, t.result());
        byte[] expected = "Subject: hi\r\n\r\nline one\r\n.leading dot\r\n".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(expected, s.messages().get(0).bytes(), "dot-unstuffed, final CRLF kept, dot line gone");
        assertEquals(expected.length, t.messageSize());
        assertEquals(1, t.messageNumber());
        assertEquals("conn-1-msg-1.eml", s.messages().get(0).fileName());
        assertTrue(s.problems().isEmpty(), s.problems().toString());
    }

    @Test
    void pairsPipelinedRepliesInOrder() {
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n")
                .c("EHLO x\r\n")
                .s("250-hi\r\n250 PIPELINING\r\n")
                .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nRCPT TO:<d@x>\r\nDATA\r\n")
                .s("250 sender ok\r\n250 b ok\r\n451 c later\r\n")
                .s("550 d unknown\r\n354 send\r\n")
                .c("body\r\n.\r\nRSET\r\nQUIT\r\n")
                .s("250 accepted\r\n250 reset\r\n221 bye\r\n")
                .decode();
        List<Exchange> ex = s.exchanges();
        assertEquals("MAIL FROM:<a@x>", ex.get(2).command());
        assertEquals("250 sender ok", ex.get(2).reply().raw());
        assertEquals("250 b ok", ex.get(3).reply().raw());
        assertEquals("451 c later", ex.get(4).reply().raw());
        assertEquals("550 d unknown", ex.get(5).reply().raw());
        assertEquals(354, ex.get(6).reply().code());
        assertEquals("250 accepted", ex.get(7).reply().raw());
        assertEquals("RSET", ex.get(8).command());
        assertEquals("250 reset", ex.get(8).reply().raw());
        assertEquals(221, ex.get(9).reply().code());
        SmtpTransaction t = s.transactions().get(0);
        assertEquals(SmtpTransaction.Result.DELIVERED, t.result());
        assertEquals(List.of(250, 451, 550), t.recipients().stream().map(r -> r.reply().code()).toList());
        assertArrayEquals("body\r\n".getBytes(StandardCharsets.US_ASCII), s.messages().get(0).bytes());
    }

    @Test
    void lmtpPairsOneStatusPerAcceptedRecipient() {
        SmtpSession s = new SmtpScript()
                .s("220 lmtp ready\r\n")
                .c("LHLO x\r\n").s("250-hi\r\n250 PIPELINING\r\n")
                .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<bad@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n")
                .s("250 ok\r\n250 ok\r\n550 unknown\r\n250 ok\r\n354 go\r\n")
                .c("hi\r\n.\r\nQUIT\r\n")
                .s("250 b delivered\r\n452 c over quota\r\n221 bye\r\n")
                .decode();
        List<Exchange> ex = s.exchanges();
        assertEquals("250 b delivered", ex.get(7).reply().raw());
        assertEquals("(delivery status for <c@x>)", ex.get(8).command());
        assertEquals("452 c over quota", ex.get(8).reply().raw());
        assertEquals("QUIT", ex.get(9).verb());
        assertEquals(221, ex.get(9).reply().code());
        assertEquals(SmtpTransaction.Result.DELIVERED, s.transactions().get(0).result());
        assertTrue(s.problems().isEmpty(), s.problems().toString());
    }

    @Test
    void refusedDataLeavesTheClientInCommandMode() {
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n")
                .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n")
                .s("250 ok\r\n550 no\r\n554 no valid recipients\r\n")
                .c("RSET\r\n")
                .s("250 ok\r\n")
                .decode();
        assertEquals("RSET", s.exchanges().get(4).command());
        assertEquals(Exchange.Kind.COMMAND, s.exchanges().get(4).kind());
        SmtpTransaction t = s.transactions().get(0);
        assertEquals(SmtpTransaction.Result.REJECTED, t.result());
        assertEquals(554, t.dataReply().code());
        assertTrue(s.messages().isEmpty());
    }

    @Test
    void decodesAuthPlainAndMasksIt() {
        String b64 = Base64.getEncoder().encodeToString("\0alice\0s3cret".getBytes(StandardCharsets.UTF_8));
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n")
                .c("AUTH PLAIN " + b64 + "\r\n")
                .s("235 2.7.0 Authentication successful\r\n")
                .c("NOOP\r\n")
                .s("250 ok\r\n")
                .decode();
        Credentials c = s.credentials().get(0);
        assertEquals("PLAIN", c.mechanism());
        assertEquals("alice", c.username());
        assertEquals("s3cret", c.password());
        assertEquals(Credentials.Outcome.ACCEPTED, c.outcome());
        assertEquals(2, c.exchangeNumber());
        assertFalse(c.masked().contains("s3cret"));
        assertTrue(c.masked().contains("alice"));
        assertTrue(c.revealed().contains("s3cret"));
        Exchange auth = s.exchanges().get(1);
        assertTrue(auth.sensitive());
        assertEquals("AUTH PLAIN " + Credentials.MASK, auth.display(false));
        assertTrue(auth.display(true).contains("password \"s3cret\""));
        assertEquals("NOOP", s.exchanges().get(2).command());
    }

    @Test
    void decodesAuthPlainAfterAnEmptyChallenge() {
        String b64 = Base64.getEncoder().encodeToString("\0bob\0pw".getBytes(StandardCharsets.UTF_8));
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n").c("AUTH PLAIN\r\n").s("334 \r\n").c(b64 + "\r\n").s("535 bad\r\n")
                .c("QUIT\r\n").s("221 bye\r\n")
                .decode();
        Credentials c = s.credentials().get(0);
        assertEquals("bob", c.username());
        assertEquals("pw", c.password());
        assertEquals(Credentials.Outcome.REJECTED, c.outcome());
        assertEquals(Exchange.Kind.AUTH_RESPONSE, s.exchanges().get(2).kind());
        assertEquals(Credentials.MASK, s.exchanges().get(2).display(false));
        assertEquals("QUIT", s.exchanges().get(3).verb());
    }

    @Test
    void decodesAuthLogin() {
        Base64.Encoder e = Base64.getEncoder();
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n").c("AUTH LOGIN\r\n")
                .s("334 " + e.encodeToString("Username:".getBytes()) + "\r\n")
                .c(e.encodeToString("carol@example.com".getBytes()) + "\r\n")
                .s("334 " + e.encodeToString("Password:".getBytes()) + "\r\n")
                .c(e.encodeToString("hunter2".getBytes()) + "\r\n")
                .s("235 ok\r\n")
                .c("MAIL FROM:<carol@example.com>\r\n").s("250 ok\r\n")
                .decode();
        Credentials c = s.credentials().get(0);
        assertEquals("LOGIN", c.mechanism());
        assertEquals("carol@example.com", c.username());
        assertEquals("hunter2", c.password());
        assertEquals(Credentials.Outcome.ACCEPTED, c.outcome());
        assertEquals("MAIL", s.exchanges().get(4).verb());
        assertEquals("carol@example.com", s.transactions().get(0).mailFrom());
    }

    @Test
    void joinsBdatChunksExactly() {
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n")
                .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nBDAT 7\r\n.\r\nab\r\nBDAT 5 LAST\r\n.\r\n\r\n")
                .s("250 ok\r\n250 ok\r\n250 7 octets\r\n250 queued\r\n")
                .c("QUIT\r\n").s("221 bye\r\n")
                .decode();
        assertArrayEquals(".\r\nab\r\n.\r\n\r\n".getBytes(StandardCharsets.US_ASCII), s.messages().get(0).bytes(),
                "BDAT content is taken as is, no unstuffing, no terminator");
        assertTrue(s.messages().get(0).viaBdat());
        assertEquals(List.of("", "MAIL", "RCPT", "BDAT", "BDAT", "QUIT"),
                s.exchanges().stream().map(Exchange::verb).toList());
        assertEquals(1, s.exchanges().get(4).messageNumber());
        assertEquals(SmtpTransaction.Result.DELIVERED, s.transactions().get(0).result());
        assertEquals(12, s.transactions().get(0).messageSize());
    }

    @Test
    void stopsDecodingAtStartTlsAndCountsTheRest() {
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n").c("EHLO x\r\n").s("250-hi\r\n250 STARTTLS\r\n")
                .c("STARTTLS\r\n")
                .s("220 2.0.0 Ready to start TLS\r\n")
                .c(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5})
                .s(new byte[] {0x16, 0x03, 0x03, 0x00, 0x02, 9, 9})
                .c("EHLO this is encrypted in reality\r\n")
                .decode();
        assertTrue(s.tls());
        assertEquals(3, s.tlsAfterExchange());
        assertEquals(10 + 35, s.tlsClientBytes());
        assertEquals(7, s.tlsServerBytes());
        assertEquals(3, s.exchanges().size());
        assertTrue(s.problems().isEmpty(), s.problems().toString());
    }

    @Test
    void aSessionWirelensDecryptedAfterStartTlsIsDecodedToItsEnd() {
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n").c("EHLO x\r\n").s("250-hi\r\n250 STARTTLS\r\n")
                .c("STARTTLS\r\n")
                .s("220 2.0.0 Ready to start TLS\r\n")
                .c("EHLO x\r\n").s("250 hi again\r\n")
                .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n")
                .c("RCPT TO:<b@x>\r\n").s("250 ok\r\n")
                .c("DATA\r\n").s("354 go\r\n")
                .c("Subject: inside TLS\r\n\r\nsecret\r\n.\r\n").s("250 queued\r\n")
                .decode();
        assertTrue(s.tls());
        assertFalse(s.opaqueTls());
        assertEquals(3, s.tlsAfterExchange());
        assertEquals(1, s.messages().size());
        assertArrayEquals("Subject: inside TLS\r\n\r\nsecret\r\n".getBytes(StandardCharsets.US_ASCII),
                s.messages().get(0).bytes());
        assertEquals("a@x", s.transactions().get(0).mailFrom());
        assertTrue(s.problems().isEmpty(), s.problems().toString());
    }

    @Test
    void tlsBytesSentInTheSameChunkAsThe220AreCounted() {
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n").c("STARTTLS\r\n\u0016\u0003\u0001")
                .s("220 go\r\n\u0016\u0003")
                .decode();
        assertEquals(3, s.tlsClientBytes());
        assertEquals(2, s.tlsServerBytes());
    }

    @Test
    void refusedStartTlsKeepsDecoding() {
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n").c("STARTTLS\r\n").s("454 TLS not available\r\n")
                .c("QUIT\r\n").s("221 bye\r\n").decode();
        assertFalse(s.tls());
        assertEquals("QUIT", s.exchanges().get(2).verb());
        assertEquals(221, s.exchanges().get(2).reply().code());
    }

    @Test
    void reportsACutOffSessionWithoutLosingBytes() {
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n").c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n")
                .s("250 ok\r\n250 ok\r\n354 go\r\n")
                .c("Subject: x\r\n\r\nunfinished")
                .decode();
        assertTrue(s.messages().isEmpty());
        assertEquals(SmtpTransaction.Result.ABORTED, s.transactions().get(0).result());
        assertEquals(24, s.transactions().get(0).messageSize());
        assertTrue(s.problems().stream().anyMatch(p -> p.contains("during a message")), s.problems().toString());
    }

    @Test
    void keepsAPartialLineAndAnUnsolicitedReply() {
        SmtpSession s = new SmtpScript()
                .s("220 hi\r\n").c("NOOP\r\n").s("250 ok\r\n421 shutting down\r\n").c("QUI")
                .decode();
        assertEquals(Exchange.Kind.UNSOLICITED_REPLY, s.exchanges().get(2).kind());
        assertEquals(421, s.exchanges().get(2).reply().code());
        assertEquals(Exchange.Kind.INCOMPLETE, s.exchanges().get(3).kind());
        assertEquals("QUI", s.exchanges().get(3).command());
    }

    @Test
    void aServerThatIsNotSmtpGivesProblemsNotExceptions() {
        SmtpSession s = new SmtpScript()
                .s("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
                .c("GET / HTTP/1.1\r\n\r\n")
                .decode();
        assertEquals(0, s.exchanges().get(0).reply().code());
        assertFalse(s.problems().isEmpty());
        assertEquals(SmtpReply.ReplyClass.UNKNOWN, s.exchanges().get(0).reply().replyClass());
    }

    @Test
    void dotUnstuffingMatchesAiosmtpdOnTrickyLines() {
        // A lone CR, ".\r" not followed by LF, a bare LF then a dot (not a line start in SMTP terms).
        String content = "a\rb\r\n.\rX\r\n..\r\nx\n.y\r\n\r\n";
        SmtpSession s = new SmtpScript().s("220 hi\r\n").c("DATA\r\n").s("354 go\r\n")
                .c(content + ".\r\n").s("250 ok\r\n").decode();
        assertArrayEquals("a\rb\r\n\rX\r\n.\r\nx\n.y\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                s.messages().get(0).bytes());
    }

    @Test
    void randomSplitsGiveTheSameSession() {
        List<SmtpScript> scripts = List.of(plainSession(), tricky());
        Random random = new Random(7);
        for (SmtpScript script : scripts) {
            String whole = SmtpScript.render(script.decode());
            assertEquals(whole, SmtpScript.render(script.decodeSplit(random, 1)), "one byte at a time");
            for (int round = 0; round < 200; round++) {
                int max = 1 + random.nextInt(20);
                assertEquals(whole, SmtpScript.render(script.decodeSplit(random, max)), "round " + round);
            }
        }
    }

    private static SmtpScript tricky() {
        String b64 = Base64.getEncoder().encodeToString("u\0alice\0pw".getBytes(StandardCharsets.UTF_8));
        return new SmtpScript()
                .s("220-first\r\n220 second\r\n")
                .c("EHLO x\r\n").s(EHLO_REPLY)
                .c("AUTH PLAIN\r\n").s("334 \r\n").c(b64 + "\r\n").s("235 ok\r\n")
                .c("MAIL FROM:<> BODY=8BITMIME\r\nRCPT TO:<b@x>\r\nDATA\r\n")
                .s("250 ok\r\n250 ok\r\n354 go\r\n")
                .c("a\r\n.\r\r\n..\r\n.\r\nMAIL FROM:<c@x>\r\nRCPT TO:<d@x>\r\nBDAT 3 LAST\r\nxyzRSET\r\n")
                .s("250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n")
                .c("STARTTLS\r\n").s("220 go\r\n")
                .c(new byte[] {22, 3, 1, 0, 1, 9}).s(new byte[] {22, 3, 3});
    }
}
