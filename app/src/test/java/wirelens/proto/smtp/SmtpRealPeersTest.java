package wirelens.proto.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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

/**
 * Real peers: swaks -> Wirelens engine (forward listener) -> aiosmtpd, with a tiny aiosmtpd handler
 * that stores {@code envelope.original_content} byte for byte (the stock handlers add headers) and
 * advertises PIPELINING. The engine's events are recorded to a capture file, and the transcript is
 * decoded from that file, as a reopened capture would be.
 */
class SmtpRealPeersTest {

    private static final String PYTHON = "/usr/bin/python3";

    private static final String HANDLER = """
            import os


            class RawStore:
                \"\"\"Stores envelope.original_content as is and advertises PIPELINING.\"\"\"

                def __init__(self, directory):
                    self.directory = directory
                    self.count = 0

                @classmethod
                def from_cli(cls, parser, *args):
                    if len(args) != 1:
                        parser.error("RawStore needs one argument: the directory to store messages in")
                    return cls(args[0])

                async def handle_EHLO(self, server, session, envelope, hostname, responses):
                    session.host_name = hostname
                    return responses[:-1] + ["250-PIPELINING"] + responses[-1:]

                async def handle_DATA(self, server, session, envelope):
                    self.count += 1
                    base = os.path.join(self.directory, "msg-%d" % self.count)
                    with open(base + ".tmp", "wb") as f:
                        f.write(envelope.original_content)
                    os.rename(base + ".tmp", base + ".eml")
                    return "250 OK stored"
            """;

    /** aiosmtpd's command line cannot enable AUTH; this starts its Controller with an authenticator. */
    private static final String AUTH_SERVER = """
import os
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rawstore import RawStore


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"alice" and auth_data.password == b"s3cret"
    return AuthResult(success=ok)


port, store = int(sys.argv[1]), sys.argv[2]
controller = Controller(RawStore(store), hostname="127.0.0.1", port=port,
                        authenticator=authenticator, auth_require_tls=False)
controller.start()
print("ready", flush=True)
threading.Event().wait()
""";

    @TempDir
    Path dir;

    private Path store;
    private Process server;
    private Engine engine;
    private final EventQueue queue = new EventQueue(16L << 20);
    private Recorder recorder;
    private Path capture;

    @BeforeEach
    void requireTools() {
        assumeTrue(works(PYTHON, "-c", "import aiosmtpd"), "python3-aiosmtpd is not installed");
        assumeTrue(works("swaks", "--version"), "swaks is not installed");
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
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void messageWithAttachmentIsPairedDecodedAndExportedByteForByte() throws Exception {
        byte[] attachment = new byte[5000];
        new Random(1).nextBytes(attachment);
        Path attachmentFile = Files.write(dir.resolve("report.bin"), attachment);
        int port = startServerAndProxy();

        String swaksOut = swaks(port, "--from", "alice@example.test", "--to", "bob@example.test,carol@example.test",
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

        String python = run(PYTHON, "-c", """
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
        String swaksOut = swaks(port, "--pipeline", "--from", "alice@example.test",
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
        assumeTrue(works("openssl", "version"), "openssl is not installed");
        assumeTrue(works("perl", "-MNet::SSLeay", "-e", "1"), "swaks --tls needs Debian libnet-ssleay-perl");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out",
                cert.toString(), "-days", "2", "-subj", "/CN=localhost");
        int port = startServerAndProxy("--tlscert", cert.toString(), "--tlskey", key.toString());
        String swaksOut = swaks(port, "--tls", "--from", "alice@example.test", "--to", "bob@example.test",
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
        swaks(port, "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "s3cret",
                "--from", "alice@example.test", "--to", "bob@example.test", "--body", "with plain");
        swaks(port, "--auth", "LOGIN", "--auth-user", "alice", "--auth-password", "s3cret",
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

    private int startServerAndProxy(String... serverOptions) throws Exception {
        Path handlerDir = Files.createDirectories(dir.resolve("py"));
        Files.writeString(handlerDir.resolve("rawstore.py"), HANDLER);
        store = Files.createDirectories(dir.resolve("store"));
        int smtpPort = freePort();
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + smtpPort));
        cmd.addAll(List.of(serverOptions));
        cmd.addAll(List.of("-c", "rawstore.RawStore", store.toString()));
        return startServerAndProxy(cmd, handlerDir, smtpPort);
    }

    private int startAuthServerAndProxy() throws Exception {
        Path handlerDir = Files.createDirectories(dir.resolve("py"));
        Files.writeString(handlerDir.resolve("rawstore.py"), HANDLER);
        Path script = Files.writeString(handlerDir.resolve("authserver.py"), AUTH_SERVER);
        store = Files.createDirectories(dir.resolve("store"));
        int smtpPort = freePort();
        return startServerAndProxy(List.of(PYTHON, script.toString(), String.valueOf(smtpPort), store.toString()),
                handlerDir, smtpPort);
    }

    private int startServerAndProxy(List<String> cmd, Path handlerDir, int smtpPort) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("aiosmtpd.log").toFile());
        pb.environment().put("PYTHONPATH", handlerDir.toString());
        server = pb.start();
        awaitListening(smtpPort);

        engine = new Engine(queue, EngineOptions.defaults());
        engine.start();
        capture = dir.resolve("session.pcapng");
        recorder = Recorder.toFile(queue, capture);
        recorder.start();
        return engine.addListener(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", smtpPort))
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

    private String swaks(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1:" + port, "--helo", "client.test"));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    /** Runs a command to completion (bounded, 60 s); fails with its output when it does not exit 0. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not finish: " + String.join(" ", command));
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + text);
        return text;
    }

    private static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitListening(int port) throws Exception {
        for (int i = 0; i < 200; i++) { // bounded: about 20 s
            assertTrue(server.isAlive(), "aiosmtpd exited early: " + Files.readString(dir.resolve("aiosmtpd.log")));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("aiosmtpd did not listen on " + port + " within 20 s");
    }
}
