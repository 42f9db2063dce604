package wirelens.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.CaptureFile;
import wirelens.capture.Recorder;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.engine.Side;
import wirelens.proto.smtp.SmtpTransaction;
import wirelens.tls.TlsFacts;

/**
 * The Messages rows of a recorded capture, live (as the window gets them) and from the file (as a
 * reopened capture and {@code --messages} get them): the same rows either way.
 */
class MailMessagesTest {
    @TempDir
    Path dir;

    private long time = 1_700_000_000_000_000_000L;

    private void open(EventQueue q, long id) {
        ListenerConfig l = ListenerConfig.forward("127.0.0.1", 2626, "127.0.0.1", 2525);
        q.publish(new EngineEvent.Opened(id, 1, l, new InetSocketAddress("127.0.0.1", 40000 + (int) id),
                new InetSocketAddress("127.0.0.1", 2525), time += 1000));
    }

    private void chunk(EventQueue q, long id, Direction d, String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        q.publish(new EngineEvent.Chunk(id, d, time += 1000, b, b));
    }

    private void c(EventQueue q, long id, String text) {
        chunk(q, id, Direction.CLIENT_TO_SERVER, text);
    }

    private void s(EventQueue q, long id, String text) {
        chunk(q, id, Direction.SERVER_TO_CLIENT, text);
    }

    private void tls(EventQueue q, long id, boolean startTls) {
        TlsFacts facts = new TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", "mx.test", "", 1, List.of(), true, List.of());
        q.publish(EngineEvent.Tls.done(id, time += 1000, Side.CLIENT, facts, startTls));
    }

    private void close(EventQueue q, long id) {
        q.publish(new EngineEvent.Closed(id, time += 1000, 0, 0, false));
    }

    private record Recorded(Path file, List<MailMessage> live) {}

    private Recorded record() throws Exception {
        EventQueue q = new EventQueue(1L << 26);
        Path file = dir.resolve("mail.pcapng");
        Recorder recorder = Recorder.toFile(q, file);
        MailFeed feed = new MailFeed();
        recorder.subscribe(feed);
        List<MailMessage> live = new ArrayList<>();
        recorder.subscribe(updates -> live.addAll(feed.drain()));

        open(q, 1); // plain: AUTH, a delivered message, a refused recipient, a message too large to keep whole
        s(q, 1, "220 mx ESMTP\r\n");
        c(q, 1, "EHLO me\r\n");
        s(q, 1, "250-mx\r\n250 AUTH PLAIN\r\n");
        c(q, 1, "AUTH PLAIN " + Base64.getEncoder().encodeToString("\0alice\0secret".getBytes(StandardCharsets.UTF_8)) + "\r\n");
        s(q, 1, "235 ok\r\n");
        c(q, 1, "MAIL FROM:<alice@example.test>\r\n");
        s(q, 1, "250 ok\r\n");
        c(q, 1, "RCPT TO:<bob@example.test>\r\n");
        s(q, 1, "250 ok\r\n");
        c(q, 1, "RCPT TO:<carol@example.test>\r\n");
        s(q, 1, "250 ok\r\n");
        c(q, 1, "DATA\r\n");
        s(q, 1, "354 go\r\n");
        c(q, 1, "Subject: =?UTF-8?Q?caf=C3=A9?= report\r\n\r\nhello\r\n.\r\n");
        s(q, 1, "250 queued as 1\r\n");
        c(q, 1, "MAIL FROM:<>\r\n");
        s(q, 1, "250 ok\r\n");
        c(q, 1, "RCPT TO:<nobody@example.test>\r\n");
        s(q, 1, "550 5.1.1 no such user\r\n");
        c(q, 1, "RSET\r\n");
        s(q, 1, "250 ok\r\n");
        c(q, 1, "MAIL FROM:<alice@example.test>\r\nRCPT TO:<dave@example.test>\r\nDATA\r\n");
        s(q, 1, "250 ok\r\n250 ok\r\n354 go\r\n");
        c(q, 1, "Subject: big one\r\n\r\n");
        String line = "x".repeat(998) + "\r\n";
        for (int i = 0; i < 100; i++) {
            c(q, 1, line);
        }
        c(q, 1, ".\r\n");
        s(q, 1, "452 4.3.1 out of storage\r\n");
        close(q, 1);

        open(q, 2); // not SMTP
        c(q, 2, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        s(q, 2, "HTTP/1.1 220 OK\r\nContent-Length: 0\r\n\r\n");
        close(q, 2);

        open(q, 3); // STARTTLS, intercepted: the decrypted session goes on in the same stream
        s(q, 3, "220 mx\r\n");
        c(q, 3, "EHLO me\r\n");
        s(q, 3, "250-mx\r\n250 STARTTLS\r\n");
        c(q, 3, "STARTTLS\r\n");
        s(q, 3, "220 go ahead\r\n");
        tls(q, 3, true);
        c(q, 3, "EHLO me\r\nMAIL FROM:<erin@example.test>\r\nRCPT TO:<frank@example.test>\r\nDATA\r\n");
        s(q, 3, "250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n");
        c(q, 3, "Subject: secret\r\n\r\nx\r\n.\r\n");
        s(q, 3, "250 ok\r\n");
        close(q, 3);

        open(q, 4); // SMTPS: TLS from the first byte
        tls(q, 4, false);
        s(q, 4, "220 mx\r\n");
        c(q, 4, "EHLO me\r\nMAIL FROM:<gina@example.test>\r\nRCPT TO:<hal@example.test>\r\nDATA\r\n");
        s(q, 4, "250 mx\r\n250 ok\r\n250 ok\r\n354 go\r\n");
        c(q, 4, "Subject: over smtps\r\n\r\nx\r\n.\r\n");
        s(q, 4, "250 ok\r\n");
        // still open when the capture ends: its transaction is delivered all the same

        recorder.start();
        recorder.close();
        return new Recorded(file, live);
    }

    @Test
    void everyTransactionOfEverySmtpConnectionIsARow() throws Exception {
        Recorded r = record();
        List<MailMessage> rows;
        try (CaptureFile file = CaptureFile.open(r.file())) {
            rows = MailMessages.read(file);
            assertEquals(List.of(), file.skipped());
        }
        assertEquals(5, rows.size(), rows.toString());

        MailMessage first = rows.get(0);
        assertEquals("alice@example.test", first.from());
        assertEquals(List.of("bob@example.test", "carol@example.test"), first.recipients());
        assertEquals("café report", first.subject());
        assertEquals(SmtpTransaction.Result.DELIVERED, first.result());
        assertEquals(250, first.replyCode());
        assertEquals("alice", first.authUser());
        assertEquals("", first.security());

        MailMessage refused = rows.get(1);
        assertEquals("", refused.from(), "the null sender");
        assertEquals(550, refused.replyCode());
        assertEquals(SmtpTransaction.Result.ABORTED, refused.result());
        assertEquals(0, refused.messageNumber());

        MailMessage big = rows.get(2);
        assertEquals("big one", big.subject(), "the subject of a message larger than what a summary keeps");
        assertEquals(("Subject: big one\r\n\r\n").length() + 100 * 1000, big.size());
        assertEquals(452, big.replyCode());
        assertEquals(SmtpTransaction.Result.REJECTED, big.result());

        assertEquals("secret", rows.get(3).subject());
        assertEquals("STARTTLS", rows.get(3).security());
        assertEquals("over smtps", rows.get(4).subject());
        assertEquals("TLS", rows.get(4).security());
        assertEquals(250, rows.get(4).replyCode());
    }

    @Test
    void theLiveRowsEndAsTheFileReadsThem() throws Exception {
        Recorded r = record();
        List<MailMessage> fromFile;
        try (CaptureFile file = CaptureFile.open(r.file())) {
            fromFile = MailMessages.read(file);
        }
        java.util.Map<MailMessage.Key, MailMessage> latest = new java.util.LinkedHashMap<>();
        r.live().forEach(m -> latest.put(m.key(), m));
        assertEquals(fromFile, List.copyOf(latest.values()));
        assertTrue(r.live().size() >= fromFile.size());
    }
}
