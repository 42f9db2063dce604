package wirelens.proto.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.PrintWriter;
import java.io.StringWriter;
import wirelens.capture.CaptureFile;
import wirelens.capture.ConnectionInfo;
import wirelens.capture.Recorder;
import wirelens.capture.SmtpTranscripts;
import wirelens.cli.Main;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.Aiosmtpd;
import wirelens.testkit.Commands;
import wirelens.testkit.Openssl;
import wirelens.testkit.Python;
import wirelens.testkit.Swaks;

/**
 * Real peers: swaks -> Wirelens engine (forward listener) -> aiosmtpd, with a tiny aiosmtpd handler
 * that stores {@code envelope.original_content} byte for byte (the stock handlers add headers) and
 * advertises PIPELINING. The engine's events are recorded to a capture file, and the transcript is
 * decoded from that file, as a reopened capture would be.
 */
class SmtpRealPeersTest {

    @TempDir
    Path dir;

    private Path store;
    private Aiosmtpd server;
    private Engine engine;
    private final EventQueue queue = new EventQueue(16L << 20);
    private Recorder recorder;
    private Path capture;

    @BeforeEach
    void requireTools() {
        Aiosmtpd.assumeInstalled();
        Swaks.assumeInstalled();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (engine != null) {
            engine.close();
        }
        if (recorder != null) {
            try {
                recorder.close();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void messageWithAttachmentIsPairedDecodedAndExportedByteForByte() throws Exception {
        byte[] attachment = new byte[5000];
        new Random(1).nextBytes(attachment);
        Path attachmentFile = Files.write(dir.resolve("report.bin"), attachment);
        int port = startServerAndProxy();

        String swaksOut = Swaks.send(port, "--from", "alice@example.test", "--to", "bob@example.test,carol@example.test",
                "--header", "Subject: quarterly report", "--body", "Hello Bob,\n.leading dot line\n..two dots\nbye",
                "--attach-type", "application/octet-stream", "--attach", attachmentFile.toString());

        SmtpSession s = decodeOnlyConnection();
        assertEquals(List.of("", "EHLO", "MAIL", "RCPT", "RCPT", "DATA", "", "QUIT"),
                s.exchanges().stream().map(Exchange::verb).toList(), swaksOut);
        assertEveryCommandAnswered(s);
        assertTrue(s.exchanges().get(1).reply().lines().size() > 1, "multi-line EHLO reply");

        SmtpTransaction t = s.transactions().get(0);
        assertEquals("alice@example.test", t.mailFrom());
        assertEquals(List.of("bob@example.test", "carol@example.test"),
                t.recipients().stream().map(SmtpTransaction.Recipient::address).toList());
        assertEquals(SmtpTransaction.Result.DELIVERED, t.result());

        byte[] stored = Files.readAllBytes(store.resolve("msg-1.eml"));
        SmtpMessage message = s.messages().get(0);
        assertArrayEquals(stored, message.bytes(), "decoded message equals what aiosmtpd stored");
        assertEquals(stored.length, t.messageSize());

        StringWriter cliOut = new StringWriter();
        StringWriter cliErr = new StringWriter();
        int code = Main.run(new String[] {"--read", capture.toString(), "--export-eml", dir.resolve("export").toString()},
                new PrintWriter(cliOut, true), new PrintWriter(cliErr, true));
        assertEquals(0, code, cliErr.toString());
        List<Path> files = List.of(dir.resolve("export").resolve(message.fileName()));
        assertArrayEquals(stored, Files.readAllBytes(files.get(0)), "exported .eml byte for byte");

        MimeMessage mime = MimeMessage.parse(message.bytes());
        assertEquals("quarterly report", mime.subject());
        assertTrue(mime.textParts().get(0).text().contains(".leading dot line"), mime.textParts().get(0).text());
        assertTrue(mime.textParts().get(0).text().contains("\n..two dots"), "dot-unstuffed once, not twice");
        MimePart att = mime.attachments().get(0);
        assertTrue(att.fileName().endsWith("report.bin"), att.fileName());
        assertArrayEquals(attachment, att.decoded());

        String python = Commands.check(Python.EXECUTABLE, "-c", """
                import email, email.policy, sys
                m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
                print(m['subject'])
                print([p.get_filename() for p in m.iter_attachments()])
                print(len(m.get_body(('plain',)).get_content()) > 0)
                """, files.get(0).toString());
        assertTrue(python.startsWith("quarterly report\n"), python);
        assertTrue(python.contains("report.bin"), python);
        assertTrue(python.contains("True"), python);
    }

    @Test
    void pipelinedSessionPairsRepliesInOrder() throws Exception {
        int port = startServerAndProxy();
        String swaksOut = Swaks.send(port, "--pipeline", "--from", "alice@example.test",
                "--to", "bob@example.test,nobody@invalid-domain,carol@example.test", "--body", "pipelined");
        SmtpSession s = decodeOnlyConnection();
        assertTrue(swaksOut.contains("-> RCPT TO:<carol@example.test>"), swaksOut);
        assertEveryCommandAnswered(s);
        List<Exchange> ex = s.exchanges();
        assertEquals(List.of("", "EHLO", "MAIL", "RCPT", "RCPT", "RCPT", "DATA", "", "QUIT"),
                ex.stream().map(Exchange::verb).toList());
        assertTrue(ex.get(1).reply().raw().contains("PIPELINING"));
        assertEquals(354, ex.get(6).reply().code());
        assertEquals(250, ex.get(7).reply().code());
        assertEquals(221, ex.get(8).reply().code());
        SmtpTransaction t = s.transactions().get(0);
        assertEquals(3, t.recipients().size());
        assertEquals(SmtpTransaction.Result.DELIVERED, t.result());
        assertArrayEquals(Files.readAllBytes(store.resolve("msg-1.eml")), s.messages().get(0).bytes());
    }

    @Test
    void startTlsSessionPassesThroughAndTheMailArrives() throws Exception {
        Openssl.assumeInstalled();
        Swaks.assumeTls();
        Openssl.Certificate cert = Openssl.selfSigned(dir);
        int port = startServerAndProxy("--tlscert", cert.cert().toString(), "--tlskey", cert.key().toString());
        String swaksOut = Swaks.send(port, "--tls", "--from", "alice@example.test", "--to", "bob@example.test",
                "--body", "sent over TLS");
        assertTrue(swaksOut.contains("TLS started"), swaksOut);

        byte[] stored = Files.readAllBytes(store.resolve("msg-1.eml"));
        assertTrue(new String(stored, StandardCharsets.UTF_8).contains("sent over TLS"));

        SmtpSession s = decodeOnlyConnection();
        assertTrue(s.tls());
        assertEquals(List.of("", "EHLO", "STARTTLS"), s.exchanges().stream().map(Exchange::verb).toList());
        assertEquals(220, s.exchanges().get(2).reply().code());
        assertEquals(3, s.tlsAfterExchange());
        assertTrue(s.tlsClientBytes() > stored.length, "the encrypted message went through");
        assertTrue(s.tlsServerBytes() > 0);
        assertTrue(s.messages().isEmpty());
        assertTrue(s.problems().isEmpty(), s.problems().toString());
    }

    @Test
    void authPlainAndLoginAreDecodedAndMasked() throws Exception {
        int port = startAuthServerAndProxy();
        Swaks.send(port, "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "s3cret",
                "--from", "alice@example.test", "--to", "bob@example.test", "--body", "with plain");
        Swaks.send(port, "--auth", "LOGIN", "--auth-user", "alice", "--auth-password", "s3cret",
                "--from", "alice@example.test", "--to", "bob@example.test", "--body", "with login");
        List<SmtpSession> sessions = decodeConnections(2);
        for (SmtpSession s : sessions) {
            assertEveryCommandAnswered(s);
            Credentials c = s.credentials().get(0);
            assertEquals("alice", c.username());
            assertEquals("s3cret", c.password());
            assertEquals(Credentials.Outcome.ACCEPTED, c.outcome());
            assertFalse(c.masked().contains("s3cret"), c.masked());
            for (Exchange e : s.exchanges()) {
                assertFalse(e.display(false).contains(java.util.Base64.getEncoder()
                        .encodeToString("s3cret".getBytes(StandardCharsets.US_ASCII))), e.display(false));
            }
            assertEquals(SmtpTransaction.Result.DELIVERED, s.transactions().get(0).result());
        }
        assertEquals("PLAIN", sessions.get(0).credentials().get(0).mechanism());
        assertEquals("LOGIN", sessions.get(1).credentials().get(0).mechanism());
        assertEquals(List.of("", "EHLO", "AUTH", "", "", "MAIL", "RCPT", "DATA", "", "QUIT"),
                sessions.get(1).exchanges().stream().map(Exchange::verb).toList());
        assertTrue(new String(Files.readAllBytes(store.resolve("msg-2.eml")), StandardCharsets.UTF_8)
                .contains("with login"));
    }

    // ---- helpers ----

    /** aiosmtpd storing messages byte for byte and advertising PIPELINING, and the engine in front of it. */
    private int startServerAndProxy(String... serverOptions) throws Exception {
        server = Aiosmtpd.storing(dir, true, serverOptions);
        return startProxy();
    }

    /** As {@link #startServerAndProxy}, with AUTH for alice / s3cret. */
    private int startAuthServerAndProxy() throws Exception {
        server = Aiosmtpd.storingWithAuth(dir, true);
        return startProxy();
    }

    private int startProxy() throws Exception {
        store = server.store();
        engine = new Engine(queue, EngineOptions.defaults());
        engine.start();
        capture = dir.resolve("session.pcapng");
        recorder = Recorder.toFile(queue, capture);
        recorder.start();
        return engine.addListener(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", server.port()))
                .get(10, TimeUnit.SECONDS).address().getPort();
    }

    private SmtpSession decodeOnlyConnection() throws Exception {
        return decodeConnections(1).get(0);
    }

    /** Waits (bounded) for that many connections to end, closes the capture, decodes them from the file. */
    private List<SmtpSession> decodeConnections(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (recorder.index().connections().stream().filter(c -> !c.isOpen()).count() < count) {
            assertTrue(System.nanoTime() < deadline, count + " connections did not end within 20 s");
            Thread.sleep(20);
        }
        engine.close();
        recorder.close();
        List<SmtpSession> sessions = new ArrayList<>();
        try (CaptureFile file = CaptureFile.open(capture)) {
            List<ConnectionInfo> connections = file.index().connections();
            assertEquals(count, connections.size());
            for (ConnectionInfo c : connections) {
                assertEquals(SmtpDetection.Verdict.SMTP, SmtpTranscripts.detect(file, c.id()));
                sessions.add(SmtpTranscripts.decode(file, c.id()));
            }
        }
        return sessions;
    }

    private static void assertEveryCommandAnswered(SmtpSession s) {
        for (Exchange e : s.exchanges()) {
            assertFalse(e.waiting(), "no reply for " + e);
            assertFalse(e.kind() == Exchange.Kind.UNSOLICITED_REPLY || e.kind() == Exchange.Kind.INCOMPLETE, e.toString());
        }
        assertTrue(s.problems().isEmpty(), s.problems().toString());
    }
}
