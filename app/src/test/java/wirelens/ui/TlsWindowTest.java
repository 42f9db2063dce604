package wirelens.ui;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.capture.CaptureFile;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerKind;
import wirelens.testkit.Fx;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.TlsSettings;
import wirelens.ui.connections.ConnectionRow;
import wirelens.ui.listeners.ListenerSettings;
import wirelens.ui.protocol.ConnectionTab;
import wirelens.ui.stream.StreamView;
import wirelens.ui.tls.CertificateSummary;
import wirelens.ui.tls.TlsLegs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;
import static wirelens.testkit.Loopback.roundTrip;

/**
 * TLS in the live window, end to end: a forward listener in front of a TLS server with a CA of its own
 * (given as upstream trust), a Java client that trusts Wirelens' CA, and what the user then sees: the TLS
 * column, the TLS panel with the server's real certificate, the decrypted bytes. Also Regenerate and a CA
 * the window cannot use.
 */
@ExtendWith(ApplicationExtension.class)
class TlsWindowTest {
    @TempDir
    static Path dir;

    private MainWindow window;
    private TlsEchoServer server;
    private Path base;
    private Path settingsFile;
    private final LiveWindowTest.ScriptedDialogs dialogs = new LiveWindowTest.ScriptedDialogs();

    @Start
    void start(Stage stage) throws Exception {
        base = Files.createTempDirectory(dir, "run");
        server = new TlsEchoServer();
        window = open(stage, config(base.resolve("ca")));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fxRun(() -> window.stage().hide());
        server.close();
    }

    private TlsSettings config(Path caDir) throws Exception {
        Path root = base.resolve("upstream-root.pem");
        Files.writeString(root, server.rootPem());
        return new TlsSettings(true, caDir, List.of(), List.of(root), false, null);
    }

    private MainWindow open(Stage stage, TlsSettings tls) {
        ListenerConfig api = new ListenerConfig("api (tls)", ListenerKind.FORWARD, "127.0.0.1", 0, "127.0.0.1",
                server.port());
        settingsFile = base.resolve(stage.hashCode() + ".json");
        return WirelensApp.live(stage, List.of(api), null, new ListenerSettings(settingsFile),
                dialogs, p -> {}, tls);
    }

    /** A node of this test's window (other test classes may leave windows with the same ids). */
    private <T extends javafx.scene.Node> T node(FxRobot robot, String query, Class<T> type) {
        return robot.from(window.stage().getScene().getRoot()).lookup(query).queryAs(type);
    }

    private static int listenerPort(MainWindow w) throws Exception {
        waitUntil("the listener is up", () -> w.listenerPane().rows().get(0).bound() != null);
        return fx(() -> w.listenerPane().rows().get(0).bound().getPort());
    }

    private static X509Certificate readPem(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static String echo(SSLSocket client, String text) throws Exception {
        return new String(roundTrip(client, text.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII);
    }

    @Test
    void decryptsTlsAndShowsBothLegsWithTheServersCertificate() throws Exception {
        int port = listenerPort(window);
        X509Certificate wirelensCa = readPem(base.resolve("ca").resolve("ca.pem"));
        try (SSLSocket client = TlsEchoServer.connect(port, wirelensCa)) {
            assertEquals("TLSv1.3", client.getSession().getProtocol());
            X509Certificate shown = (X509Certificate) client.getSession().getPeerCertificates()[0];
            assertEquals(wirelensCa.getSubjectX500Principal(), shown.getIssuerX500Principal(),
                    "the client was shown a leaf of Wirelens' CA");
            assertEquals("HELLO OVER TLS\n", echo(client, "hello over tls\n"));
            assertEquals("GET /STATUS HTTP/1.1\r\n", echo(client, "GET /status HTTP/1.1\r\n"));

            waitUntil("the TLS column shows the version", () -> window.connections().row(1) != null
                    && "TLSv1.3".equals(window.connections().row(1).tlsText()));
            assertEquals(TlsEchoServer.HOST + " (127.0.0.1:" + server.port() + ")",
                    fx(() -> window.connections().row(1).targetText()), "the target by the name the client asked for");
            fxRun(() -> {
                window.connections().table().getSelectionModel().select(window.connections().row(1));
                window.openStream(window.connections().row(1));
            });
            // the server's leg is reported first: the column and the panel may show it before the client's
            waitUntil("the tab offers TLS with both legs", () -> window.connectionTab(1).offers(ConnectionTab.Shown.TLS)
                    && window.tlsPanel(1).text().contains(TlsLegs.SERVER_LEG)
                    && window.tlsPanel(1).text().contains(TlsLegs.CLIENT_LEG));
            String panel = fx(() -> window.tlsPanel(1).text());
            assertTrue(panel.contains(TlsLegs.CLIENT_LEG + "\n  Protocol: TLSv1.3\n"), panel);
            assertTrue(panel.contains(TlsLegs.NO_CLIENT_CERTIFICATE), panel);
            X509Certificate shownLeaf = shown;
            assertTrue(panel.contains("  " + TlsLegs.LEAF_SHOWN + "\n    Subject: " + shownLeaf.getSubjectX500Principal()
                    + "\n    Issuer: " + wirelensCa.getSubjectX500Principal() + "\n"), panel);
            assertTrue(panel.contains("SHA-256: " + CertificateSummary.fingerprint(shownLeaf.getEncoded())), panel);
            assertTrue(panel.contains("Server name (SNI): " + TlsEchoServer.HOST), panel);
            assertTrue(panel.contains("ALPN: http/1.1"), panel);
            assertTrue(panel.contains("Server certificate: verified"), panel);
            assertTrue(panel.contains("Certificate 1 of 2\n    Subject: " + server.leaf.getSubjectX500Principal() + "\n"), panel);
            assertTrue(panel.contains("SHA-256: " + CertificateSummary.fingerprint(server.leaf.getEncoded())), panel);
            assertTrue(panel.contains("Names (SAN): DNS:" + TlsEchoServer.HOST + ", DNS:localhost, IP:127.0.0.1"), panel);
            assertTrue(panel.contains("Subject: " + server.root.getSubjectX500Principal()), panel);

            StreamView view = fx(() -> window.view(1));
            waitUntil("the stream shows the decrypted bytes", () -> view.chunkCount() == 4);
            List<String> lines = fx(() -> java.util.stream.IntStream.range(0, view.lineCount()).mapToObj(view::lineText).toList());
            assertTrue(lines.contains("hello over tls\\n"), lines.toString());
            assertTrue(lines.contains("HELLO OVER TLS\\n"), lines.toString());
            assertTrue(lines.contains("GET /status HTTP/1.1\\r\\n"), lines.toString());

            fxRun(() -> window.connectionTab(1).show(ConnectionTab.Shown.TLS));
            Fx.screenshot(window.stage().getScene(), "tls-panel");
            fxRun(() -> ((javafx.scene.control.ScrollPane) window.tlsPanel(1).node()).setVvalue(1));
            Fx.screenshot(window.stage().getScene(), "tls-certificates");
            fxRun(() -> window.connectionTab(1).show(ConnectionTab.Shown.BYTES));
        }
        waitUntil("the row is closed", () -> window.connections().row(1).state() == ConnectionRow.State.CLOSED);
        assertEquals("TLSv1.3", fx(() -> window.connections().row(1).tlsText()), "the TLS column stays once closed");
        String livePanel = fx(() -> window.tlsPanel(1).text());

        // the capture file keeps the TLS facts: a viewer shows the same column and panel
        Path saved = base.resolve("tls.pcapng");
        fxRun(() -> window.saveCapture(saved));
        waitUntil("the capture is saved", () -> window.notifications().history().stream()
                .anyMatch(m -> m.startsWith("Saved the capture")));
        CaptureFile file = CaptureFile.open(saved);
        MainWindow viewer = fx(() -> {
            Stage stage = new Stage();
            MainWindow w = WirelensApp.viewer(stage, file, dialogs, p -> {});
            stage.show();
            return w;
        });
        try {
            assertEquals("TLSv1.3", fx(() -> viewer.connections().row(1).tlsText()));
            String banner = fx(() -> ((javafx.scene.control.Label) viewer.stage().getScene().lookup("#viewer-banner-text")).getText());
            assertTrue(banner.startsWith("Viewing tls.pcapng \u2014 recorded ") && banner.endsWith(", 1 connection. Nothing here is live."),
                    banner);
            fxRun(() -> viewer.openStream(viewer.connections().row(1)));
            waitUntil("the viewer's panel, parsed off the FX thread", () -> viewer.tlsPanel(1).text().equals(livePanel));
        } finally {
            fxRun(() -> viewer.stage().hide());
        }
    }

    @Test
    void theListenerFormTurnsInterceptionOffAndPassesHostsThroughAndSavesBoth(FxRobot robot) throws Exception {
        listenerPort(window);
        // Edit… opens on the first listener, selected when the window opened
        ListenerDialog dialog = ListenerDialog.open(robot, window, "#listener-edit");
        javafx.scene.control.CheckBox decrypt = dialog.node("#listener-tls-intercept", javafx.scene.control.CheckBox.class);
        fxRun(() -> decrypt.setSelected(false));
        assertTrue(dialog.save());
        int port = listenerPort(window);
        try (SSLSocket client = TlsEchoServer.connect(port, server.root)) {
            assertEquals(server.leaf, client.getSession().getPeerCertificates()[0], "interception off: the server's own");
            assertEquals("OFF\n", echo(client, "off\n"));
        }

        ListenerDialog again = ListenerDialog.open(robot, window, "#listener-edit");
        javafx.scene.control.CheckBox decryptAgain = again.node("#listener-tls-intercept",
                javafx.scene.control.CheckBox.class);
        javafx.scene.control.TextArea passthrough = again.node("#listener-tls-passthrough",
                javafx.scene.control.TextArea.class);
        assertFalse(fx(decryptAgain::isSelected), "the dialog shows the listener as saved");
        fxRun(() -> {
            decryptAgain.setSelected(true);
            passthrough.setText("^api\\.example\\.test:\n");
        });
        assertTrue(again.save());
        port = listenerPort(window);
        try (SSLSocket client = TlsEchoServer.connect(port, server.root)) {
            assertEquals(server.leaf, client.getSession().getPeerCertificates()[0], "a passthrough host: the server's own");
            assertEquals("PASSED\n", echo(client, "passed\n"));
        }
        waitUntil("the TLS column says passthrough", () -> window.connections().row(2) != null
                && "passthrough".equals(window.connections().row(2).tlsText()));
        ListenerSettings.Saved saved = new ListenerSettings(settingsFile).load().listeners().get(0);
        assertEquals(List.of("^api\\.example\\.test:"), saved.tlsPassthrough());
        assertTrue(saved.tlsIntercept());

        ListenerDialog bad = ListenerDialog.open(robot, window, "#listener-edit");
        javafx.scene.control.TextArea badList = bad.node("#listener-tls-passthrough", javafx.scene.control.TextArea.class);
        fxRun(() -> badList.setText("(oops"));
        assertFalse(bad.save(), "the dialog stays open and says why");
        String formError = bad.error();
        assertTrue(formError.contains("(oops") && formError.contains("not a regular expression"), formError);
        bad.cancel();
    }

    @Test
    void aServerThatFailsVerificationIsOfferedToTrustAlwaysOrToPassThrough(FxRobot robot) throws Exception {
        Path caDir = base.resolve("strict-ca");
        MainWindow strict = fx(() -> {
            Stage stage = new Stage();
            MainWindow w = open(stage, new TlsSettings(true, caDir, List.of(), List.of(), false, null));
            stage.show();
            return w;
        });
        try {
            int port = listenerPort(strict);
            X509Certificate wirelensCa = readPem(caDir.resolve("ca.pem"));
            assertThrows(SSLException.class, () -> TlsEchoServer.connect(port, wirelensCa).close(),
                    "the server's root is not trusted: the client's handshake ends with an alert");
            waitUntil("the offer is shown", () -> robot.from(strict.stage().getScene().getRoot())
                    .lookup("#tls-trust-always").tryQuery().isPresent());
            List<String> told = fx(() -> strict.notifications().history());
            assertEquals(1, told.stream().filter(m -> m.startsWith("the certificate of " + TlsEchoServer.HOST)).count(),
                    "told once, with the offer: " + told);
            robot.clickOn(fx(() -> robot.from(strict.stage().getScene().getRoot()).lookup("#tls-trust-always")
                    .<javafx.scene.Node>query()), javafx.scene.input.MouseButton.PRIMARY);
            waitUntil("trusted", () -> strict.notifications().history().stream()
                    .anyMatch(m -> m.startsWith("Trusting the certificate of " + TlsEchoServer.HOST)));
            try (SSLSocket client = TlsEchoServer.connect(port, wirelensCa)) {
                assertEquals("TRUSTED\n", echo(client, "trusted\n"));
            }
            assertTrue(Files.readString(caDir.resolve("trusted-upstream.pem")).contains("BEGIN CERTIFICATE"),
                    "always: kept next to the CA, read like --upstream-ca next time");
        } finally {
            fxRun(() -> strict.stage().hide());
        }

        Path otherCa = base.resolve("strict-ca-2");
        MainWindow passing = fx(() -> {
            Stage stage = new Stage();
            MainWindow w = open(stage, new TlsSettings(true, otherCa, List.of(), List.of(), false, null));
            stage.show();
            return w;
        });
        try {
            int port = listenerPort(passing);
            assertThrows(SSLException.class, () -> TlsEchoServer.connect(port, readPem(otherCa.resolve("ca.pem"))).close());
            waitUntil("the offer is shown", () -> robot.from(passing.stage().getScene().getRoot())
                    .lookup("#tls-pass-through").tryQuery().isPresent());
            robot.clickOn(fx(() -> robot.from(passing.stage().getScene().getRoot()).lookup("#tls-pass-through")
                    .<javafx.scene.Node>query()), javafx.scene.input.MouseButton.PRIMARY);
            waitUntil("passed through", () -> passing.notifications().history().stream()
                    .anyMatch(m -> m.endsWith("is passed through, untouched")));
            int again = listenerPort(passing);
            try (SSLSocket client = TlsEchoServer.connect(again, server.root)) {
                assertEquals(server.leaf, client.getSession().getPeerCertificates()[0]);
            }
            assertEquals(List.of("^\\Q" + TlsEchoServer.HOST + ":" + server.port() + "\\E$"),
                    fx(() -> passing.listenerPane().rows().get(0).config().tls().expressions()));
        } finally {
            fxRun(() -> passing.stage().hide());
        }
    }

    @Test
    void regeneratedCaSignsNewConnectionsAndClientsOfTheOldOneRefuse() throws Exception {
        int port = listenerPort(window);
        Path caPem = base.resolve("ca").resolve("ca.pem");
        X509Certificate oldCa = readPem(caPem);
        try (SSLSocket client = TlsEchoServer.connect(port, oldCa)) {
            assertEquals("BEFORE\n", echo(client, "before\n"));
        }
        fxRun(() -> window.tlsMenu().regenerate());
        waitUntil("the new CA is told", () -> window.notifications().history().stream()
                .anyMatch(m -> m.startsWith("Made a new Wirelens CA")));
        X509Certificate newCa = readPem(caPem);
        assertNotEquals(oldCa, newCa);
        assertTrue(fx(() -> window.tlsMenu().infoLines()).contains(
                "CA SHA-256 " + CertificateSummary.fingerprint(newCa.getEncoded())));
        assertTrue(fx(() -> window.tlsMenu().infoLines()).stream().anyMatch(l -> l.startsWith("TLS spoken by ")),
                "the menu says which library speaks TLS");
        assertThrows(SSLException.class, () -> TlsEchoServer.connect(port, oldCa).close());
        try (SSLSocket client = TlsEchoServer.connect(port, newCa)) {
            assertEquals("AFTER\n", echo(client, "after\n"));
        }
        waitUntil("the refusal is told once", () -> window.notifications().history().stream()
                .anyMatch(m -> m.contains("does not trust the Wirelens CA") && m.contains("How to install the CA")));
    }

    @Test
    void aCaKeyOthersCanReadIsAnErrorAndTlsIsRelayedAsItIs() throws Exception {
        Path caDir = base.resolve("open-ca");
        CertificateAuthority.loadOrCreate(caDir);
        Path key = caDir.resolve("ca-key.pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        MainWindow other = fx(() -> {
            Stage stage = new Stage();
            MainWindow w = open(stage, config(caDir));
            stage.show();
            return w;
        });
        try {
            waitUntil("the CA problem is told", () -> other.notifications().history().stream()
                    .anyMatch(m -> m.contains("TLS is not intercepted") && m.contains("accessible by others")));
            assertTrue(fx(() -> other.tlsMenu().infoLines()).get(0).startsWith("Not intercepting"));
            int port = listenerPort(other);
            // the client gets the server's own certificate: it trusts only the server's root, and that works
            try (SSLSocket client = TlsEchoServer.connect(port, server.root)) {
                assertEquals(server.leaf, client.getSession().getPeerCertificates()[0]);
                assertEquals("PLAIN RELAY\n", echo(client, "plain relay\n"));
            }
            waitUntil("the row is there", () -> other.connections().row(1) != null);
            assertEquals("", fx(() -> other.connections().row(1).tlsText()));

            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            fxRun(() -> other.tlsMenu().reload());
            waitUntil("interception is back", () -> other.notifications().history().stream()
                    .anyMatch(m -> m.startsWith("Loaded the Wirelens CA")));
            try (SSLSocket client = TlsEchoServer.connect(port, readPem(caDir.resolve("ca.pem")))) {
                assertEquals("INTERCEPTED\n", echo(client, "intercepted\n"));
            }
            waitUntil("the TLS column", () -> other.connections().row(2) != null
                    && other.connections().row(2).tlsText().equals("TLSv1.3"));
        } finally {
            fxRun(() -> other.stage().hide());
        }
    }
}
