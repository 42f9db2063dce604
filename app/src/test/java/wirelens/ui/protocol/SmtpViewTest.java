package wirelens.ui.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.countLabeled;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.capture.Recorder;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.engine.TlsOptions;
import wirelens.proto.smtp.Exchange;
import wirelens.proto.smtp.MimePart;
import wirelens.proto.smtp.SmtpReply;
import wirelens.proto.smtp.SmtpSession;
import wirelens.testkit.Aiosmtpd;
import wirelens.testkit.Commands;
import wirelens.testkit.Fx;
import wirelens.testkit.Openssl;
import wirelens.testkit.Swaks;
import wirelens.tls.TlsSettings;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Pulse;
import wirelens.ui.base.Theme;
import wirelens.ui.stream.StreamView;

/**
 * The SMTP view on a real session: swaks -> the engine's forward listener (recorded to a capture
 * file) -> aiosmtpd with AUTH. The view follows the live capture from before the connection exists,
 * then the same capture is reopened from disk and shown again.
 */
@ExtendWith(ApplicationExtension.class)
class SmtpViewTest {

    @TempDir
    Path dir;

    private final StackPane holder = new StackPane();
    private Scene scene;
    private Aiosmtpd smtp;
    private Engine engine;
    private Recorder recorder;
    private final List<SmtpView> views = new ArrayList<>();
    /** The views follow a pulse as they do in the window. */
    private Pulse pulse;

    @Start
    void start(Stage stage) {
        Theme.install(); // the look of the window, for the screenshots
        pulse = new Pulse();
        pulse.start();
        scene = new Scene(holder, 1280, 800);
        stage.setScene(scene);
        stage.setTitle("Wirelens \u2013 SMTP view");
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        fxRun(() -> {
            views.forEach(SmtpView::close);
            pulse.stop();
        });
        if (engine != null) {
            engine.close();
        }
        if (recorder != null) {
            recorder.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void realSessionIsPairedColouredMaskedAndItsAttachmentSaved(FxRobot robot) throws Exception {
        Aiosmtpd.assumeInstalled();
        Swaks.assumeInstalled();
        byte[] attachment = new byte[7000];
        new Random(7).nextBytes(attachment);
        Path attachmentFile = Files.write(dir.resolve("report.bin"), attachment);
        smtp = Aiosmtpd.storingWithAuth(dir, false);
        Path store = smtp.store();
        int port = startProxy(smtp.port());

        // The view exists before the connection: it must pick the connection up live.
        SmtpView live = show(recorder.file().orElseThrow(), 1);
        Commands.Result swaks = Swaks.run("--server", "127.0.0.1:" + port, "--helo", "client.test",
                "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "s3cret",
                "--from", "alice@example.test", "--to", "bob@example.test,carol@example.test",
                "--header", "Subject: quarterly report", "--body", "Hello Bob,\nthe report is attached.\nAlice",
                "--attach-type", "application/octet-stream", "--attach", attachmentFile.toString());
        assertEquals(0, swaks.exit(), swaks.text());
        waitUntil("the view shows the ended session", () -> live.session() != null
                && live.session().exchanges().size() >= 9 && !live.session().exchanges().get(live.session().exchanges().size() - 1).waiting()
                && live.transcript().getItems().size() == live.session().exchanges().size());

        SmtpSession s = fx(live::session);
        assertEquals(List.of("", "EHLO", "AUTH", "MAIL", "RCPT", "RCPT", "DATA", "", "QUIT"),
                s.exchanges().stream().map(Exchange::verb).toList(), swaks.text());
        // Rows paired: every row of the table carries its command and its reply.
        List<SmtpView.TranscriptRow> rows = fx(() -> List.copyOf(live.transcript().getItems()));
        for (SmtpView.TranscriptRow row : rows) {
            assertNotNull(row.exchange().reply(), "no reply for " + row);
        }
        assertEquals(250, rows.get(1).exchange().reply().code());
        assertTrue(rows.get(1).exchange().reply().lines().size() > 1, "EHLO reply is multi-line");
        assertEquals(235, rows.get(2).exchange().reply().code());
        assertEquals(354, rows.get(6).exchange().reply().code());

        // Colours by reply class, on the cells a user sees.
        assertTrue(fx(() -> countLabeled(live, SmtpView.REPLY_2XX, "250")) >= 5);
        assertEquals(1, fx(() -> countLabeled(live, SmtpView.REPLY_2XX, "235")));
        assertEquals(1, fx(() -> countLabeled(live, SmtpView.REPLY_3XX, "354")));
        assertEquals(0, fx(() -> countLabeled(live, SmtpView.REPLY_2XX, "354")));
        // The joined EHLO reply is shown on one line, every keyword in it.
        assertTrue(fx(() -> visibleTexts(live).stream().anyMatch(t -> t.contains("8BITMIME") && t.contains("AUTH"))), "EHLO keywords joined");

        // AUTH: marked as credentials and masked until Reveal.
        String base64 = Base64.getEncoder().encodeToString("\0alice\0s3cret".getBytes(StandardCharsets.US_ASCII));
        List<String> masked = fx(() -> visibleTexts(live));
        assertTrue(masked.stream().anyMatch(t -> t.startsWith("AUTH PLAIN \u2022")), masked.toString());
        assertFalse(masked.stream().anyMatch(t -> t.contains("s3cret") || t.contains(base64)), masked.toString());
        assertTrue(fx(() -> live.lookupAll(".table-row-cell." + SmtpView.CREDENTIALS).stream()
                .anyMatch(n -> n.isVisible() && ((javafx.scene.control.TableRow<?>) n).getItem() != null)));
        robot.clickOn("#smtp-reveal");
        waitUntil("credentials are revealed", () -> visibleTexts(live).stream().anyMatch(t -> t.contains("\"s3cret\"")));
        robot.clickOn("#smtp-reveal");
        waitUntil("credentials are masked again", () -> visibleTexts(live).stream().noneMatch(t -> t.contains("s3cret")));

        // Envelope: MAIL FROM, each RCPT TO with its reply, size, result.
        List<SmtpView.EnvelopeRow> env = fx(() -> List.copyOf(live.envelope().getItems()));
        assertEquals(List.of("MAIL FROM", "RCPT TO", "RCPT TO", "Message", "Result"),
                env.stream().map(SmtpView.EnvelopeRow::field).toList());
        assertEquals("<carol@example.test>", env.get(2).value());
        assertEquals(250, env.get(2).reply().code());
        byte[] stored = Files.readAllBytes(store.resolve("msg-1.eml"));
        assertTrue(env.get(3).value().startsWith(Units.bytes(stored.length)), env.get(3).value());
        assertTrue(env.get(4).value().startsWith("delivered"), env.get(4).value());

        // The message: attachment listed, saved with its exact bytes.
        fxRun(() -> live.details().getSelectionModel().select(1));
        waitUntil("the message is selected", () -> !live.attachments().getItems().isEmpty());
        MimePart listed = fx(() -> live.attachments().getItems().get(0));
        assertTrue(listed.fileName().endsWith("report.bin"), listed.fileName());
        assertTrue(fx(() -> live.headers().getText()).contains("Subject: quarterly report"));
        assertTrue(fx(() -> live.partText().getText()).contains("the report is attached."));
        Path saved = dir.resolve("saved-attachment.bin");
        fxRun(() -> {
            live.chooseFile = (window, suggested) -> saved;
            live.attachments().getSelectionModel().select(0);
        });
        robot.clickOn("#smtp-save-attachment");
        waitUntil("the attachment is saved", () -> live.status().getText().startsWith("saved"));
        assertArrayEquals(attachment, Files.readAllBytes(saved));

        // Export messages (.eml): exactly what aiosmtpd stored.
        Path export = dir.resolve("export");
        fxRun(() -> live.chooseFolder = window -> export);
        robot.clickOn("#smtp-export-eml");
        waitUntil("the messages are exported", () -> live.status().getText().startsWith("exported 1 message"));
        assertArrayEquals(stored, Files.readAllBytes(export.resolve("conn-1-msg-1.eml")));

        fxRun(() -> live.attachments().getSelectionModel().select(0));
        Fx.screenshot(scene, "smtp-view-alone");

        // Commands out of order and unknown ones: 503 and 500 are coloured as permanent failures.
        List<String> replies = speak(port, "EHLO client.test", "RCPT TO:<bob@example.test>", "BOGUS", "QUIT");
        assertTrue(replies.get(1).startsWith("503") && replies.get(2).startsWith("500"), replies.toString());
        waitUntil("both connections ended", () -> recorder.index().connections().size() == 2
                && !recorder.index().connections().get(1).isOpen());

        // Reopened from disk: the same transcript, and the refused commands in red.
        engine.close();
        recorder.close();
        try (CaptureFile reopened = CaptureFile.open(dir.resolve("session.pcapng"))) {
            fxRun(() -> live.close());
            SmtpView again = show(reopened, 1);
            waitUntil("the reopened session is shown", () -> again.transcript().getItems().size() == rows.size());
            assertEquals(rows, fx(() -> List.copyOf(again.transcript().getItems())));
            SmtpView failed = show(reopened, 2);
            waitUntil("the refused commands are shown", () -> failed.session() != null
                    && failed.session().exchanges().size() == 5 && !failed.session().exchanges().get(4).waiting());
            assertEquals(1, fx(() -> countLabeled(failed, SmtpView.REPLY_5XX, "503")));
            assertEquals(1, fx(() -> countLabeled(failed, SmtpView.REPLY_5XX, "500")));
            assertEquals(0, fx(() -> countLabeled(failed, SmtpView.REPLY_2XX, "503")));
            assertEquals(1, fx(() -> countLabeled(failed, SmtpView.REPLY_2XX, "221")));
        }
    }

    /** A plain client: reads the greeting, then sends each line and reads its (possibly multi-line) reply. */
    private static List<String> speak(int port, String... lines) throws Exception {
        List<String> replies = new ArrayList<>();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            java.io.OutputStream out = socket.getOutputStream();
            readReply(in);
            for (String line : lines) {
                out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                replies.add(readReply(in));
            }
        }
        return replies;
    }

    private static String readReply(java.io.BufferedReader in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            String line = in.readLine();
            if (line == null) {
                break;
            }
            sb.append(line).append('\n');
            if (line.length() < 4 || line.charAt(3) != '-') {
                break;
            }
        }
        return sb.toString();
    }
    @Test
    void startTlsMarksTheRestOfTheSessionAsTls() throws Exception {
        Aiosmtpd.assumeInstalled();
        Swaks.assumeInstalled();
        Openssl.assumeInstalled();
        Swaks.assumeTls();
        Openssl.Certificate certificate = Openssl.selfSigned(dir);
        smtp = Aiosmtpd.start(dir, "--tlscert", certificate.cert().toString(), "--tlskey", certificate.key().toString());
        int port = startProxy(smtp.port());

        SmtpView view = show(recorder.file().orElseThrow(), 1);
        Commands.Result swaks = Swaks.run("--server", "127.0.0.1:" + port, "--helo", "client.test",
                "--tls", "--from", "alice@example.test", "--to", "bob@example.test", "--body", "sent over TLS");
        assertEquals(0, swaks.exit(), swaks.text());
        waitUntil("the connection ended", () -> recorder.index().connections().stream().anyMatch(c -> !c.isOpen()));
        SmtpSession decoded = wirelens.capture.SmtpTranscripts.decode(recorder.file().orElseThrow(), 1);
        waitUntil("the view caught up with the whole connection", () -> decoded.equals(view.session()));
        List<SmtpView.TranscriptRow> rows = fx(() -> List.copyOf(view.transcript().getItems()));
        assertEquals(List.of("", "EHLO", "STARTTLS"), rows.subList(0, 3).stream().map(r -> r.exchange().verb()).toList());
        assertEquals(220, rows.get(2).exchange().reply().code());
        assertEquals(4, rows.size(), rows.toString());
        SmtpView.TranscriptRow tls = rows.get(3);
        assertEquals(null, tls.exchange());
        SmtpSession s = fx(view::session);
        assertTrue(tls.note().contains("TLS from here on") && tls.note().contains(Units.bytes(s.tlsClientBytes()))
                && tls.serverNote().contains(Units.bytes(s.tlsServerBytes())), tls.toString());
        assertTrue(s.tlsServerBytes() > 0 && s.tlsClientBytes() > 0);
        assertTrue(fx(() -> view.lookupAll(".table-row-cell." + SmtpView.TLS).stream()
                .anyMatch(n -> ((javafx.scene.control.TableRow<?>) n).getItem() == tls)));
        assertTrue(fx(() -> view.lookup("#smtp-summary").getStyleClass().contains(SmtpView.TLS)));
        assertTrue(fx(() -> ((Labeled) view.lookup("#smtp-summary")).getText()).contains("TLS after #3"));
        Fx.screenshot(scene, "smtp-view-starttls");
    }

    @Test
    void theStreamViewShowsWhereTlsBeganBetweenTheGoAheadAndTheDecryptedEhlo() throws Exception {
        Aiosmtpd.assumeInstalled();
        Swaks.assumeInstalled();
        Openssl.assumeInstalled();
        Swaks.assumeTls();
        Openssl.Certificate certificate = Openssl.selfSigned(dir);
        smtp = Aiosmtpd.start(dir, "--tlscert", certificate.cert().toString(), "--tlskey", certificate.key().toString());
        TlsSettings settings = new TlsSettings(true, dir.resolve("ca"), List.of(), List.of(certificate.cert()), false, null);
        int port = startProxy(smtp.port(), TlsOptions.of(settings.engines(settings.ca())));
        Commands.Result swaks = Swaks.run("--server", "127.0.0.1:" + port, "--helo", "client.test", "--tls",
                "--tls-verify", "--tls-ca-path", dir.resolve("ca").resolve("ca.pem").toString(), "--tls-sni", "localhost",
                "--from", "alice@example.test", "--to", "bob@example.test", "--body", "sent over TLS");
        assertEquals(0, swaks.exit(), swaks.text());
        waitUntil("the connection ended", () -> recorder.index().connections().stream().anyMatch(c -> !c.isOpen()));
        wirelens.capture.ConnectionInfo connection = recorder.index().connection(1).orElseThrow();
        int chunks = recorder.index().chunkCount(1);
        StreamView stream = fx(() -> {
            StreamView v = new StreamView(connection, recorder.index(), recorder.file().orElseThrow(), StreamView.Mode.TEXT,
                    new Notifier() {
                        @Override
                        public void info(String message) {}

                        @Override
                        public void error(String message) {}
                    }, FileDialogs.NATIVE, pulse);
            holder.getChildren().setAll(v.node());
            return v;
        });
        try {
            waitUntil("the stream view laid out every chunk", () -> stream.chunkCount() == chunks);
            List<String> text = fx(() -> IntStream.range(0, stream.lineCount()).mapToObj(stream::lineText).toList());
            int tls = indexOf(text, l -> l.startsWith("\u2500\u2500 STARTTLS: TLS from here on: TLSv1."));
            assertTrue(tls > 0 && text.get(tls - 1).equals("220 Ready to start TLS\\r\\n"), text.toString());
            assertTrue(text.get(tls).contains(" TLS_") && text.get(tls).contains("sni=localhost"), text.get(tls));
            assertTrue(text.get(tls + 1).startsWith("\u2500\u2500 #") && text.get(tls + 1).contains("client \u2192 server"),
                    "the decrypted chunk's own separator follows: " + text);
            assertEquals("EHLO client.test\\r\\n", text.get(tls + 2), text.toString());
            assertEquals(1, text.stream().filter(l -> l.contains("TLS from here on")).count(), text.toString());
            fxRun(() -> stream.setMode(StreamView.Mode.HEX));
            List<String> hex = fx(() -> IntStream.range(0, stream.lineCount()).mapToObj(stream::lineText).toList());
            int hexTls = indexOf(hex, l -> l.contains("TLS from here on"));
            assertTrue(hexTls > 0 && hex.get(hexTls + 1).startsWith("\u2500\u2500 #")
                    && hex.get(hexTls + 2).contains("EHLO client.test"), hex.toString());
            // the separator holds no bytes: the client's offsets go on from its 28 plain bytes (EHLO, STARTTLS)
            assertTrue(hex.get(hexTls + 2).startsWith("0000001c  45 48 4c 4f "), hex.get(hexTls + 2));
        } finally {
            fxRun(stream::close);
        }
    }

    private static int indexOf(List<String> lines, java.util.function.Predicate<String> test) {
        for (int i = 0; i < lines.size(); i++) {
            if (test.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void replyClassesHaveTheirOwnStyleClass() {
        assertEquals(SmtpView.REPLY_2XX, SmtpView.styleOf(new SmtpReply(250, List.of("250 OK"), 0)));
        assertEquals(SmtpView.REPLY_3XX, SmtpView.styleOf(new SmtpReply(354, List.of("354 go"), 0)));
        assertEquals(SmtpView.REPLY_4XX, SmtpView.styleOf(new SmtpReply(451, List.of("451 later"), 0)));
        assertEquals(SmtpView.REPLY_5XX, SmtpView.styleOf(new SmtpReply(550, List.of("550 no"), 0)));
        assertEquals(SmtpView.REPLY_UNKNOWN, SmtpView.styleOf(new SmtpReply(0, List.of("junk"), 0)));
    }

    private SmtpView show(CaptureFile file, long connectionId) throws Exception {
        return fx(() -> {
            SmtpView view = new SmtpView(file, connectionId, pulse);
            views.add(view);
            holder.getChildren().setAll(view);
            return view;
        });
    }

    /** Text of every visible labeled (cells, labels) under the node. */
    private static List<String> visibleTexts(Node root) {
        List<String> out = new ArrayList<>();
        for (Node n : root.lookupAll(".labeled")) {
            if (n instanceof Labeled l && l.getText() != null && n.isVisible()) {
                out.add(l.getText());
            }
        }
        for (Node n : root.lookupAll(".cell")) {
            if (n instanceof Labeled l && l.getText() != null && n.isVisible()) {
                out.add(l.getText());
            }
        }
        return out;
    }

    private int startProxy(int smtpPort) throws Exception {
        return startProxy(smtpPort, null);
    }

    /** With {@code tls} (null: none) the engine decrypts TLS it sees begin. */
    private int startProxy(int smtpPort, TlsOptions tls) throws Exception {
        EventQueue queue = new EventQueue(16L << 20);
        engine = new Engine(queue, EngineOptions.defaults());
        engine.setTls(tls);
        engine.start();
        recorder = Recorder.toFile(queue, dir.resolve("session.pcapng"));
        recorder.start();
        return engine.addListener(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", smtpPort))
                .get(10, TimeUnit.SECONDS).address().getPort();
    }
}
