package wirelens.ui.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.engine.TlsOptions;
import wirelens.testkit.Fx;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.TlsSettings;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Theme;

/**
 * The TLS menu on its own (the engine replaced by a list of the options it was given): Export as PEM and
 * DER, the install instructions with the real path, Regenerate, and a CA that cannot be used until mended.
 */
@ExtendWith(ApplicationExtension.class)
class TlsMenuTest {
    @TempDir
    Path dir;

    private Stage stage;
    private final Deque<Path> answers = new ArrayDeque<>();
    /** What the engine was given, in order (null: interception off). */
    private final List<TlsOptions> given = Collections.synchronizedList(new ArrayList<>());
    /** What the menu told the user (FX thread). */
    private final List<String> told = new ArrayList<>();

    private final FileDialogs dialogs = new FileDialogs() {
        @Override
        public Optional<Path> open(Window owner, String title) {
            return Optional.ofNullable(answers.poll());
        }

        @Override
        public Optional<Path> save(Window owner, String title, String suggestedName) {
            return Optional.ofNullable(answers.poll());
        }
    };

    private final Notifier notifier = new Notifier() {
        @Override
        public void info(String message) {
            told.add(message);
        }

        @Override
        public void error(String message) {
            told.add("error: " + message);
        }
    };

    @Start
    void start(Stage stage) {
        Theme.install(); // the look of the window, for the screenshots
        this.stage = stage;
        stage.setScene(new Scene(new StackPane(), 300, 200));
        stage.show();
    }

    private TlsMenu menu(WindowTls tls) throws Exception {
        return fx(() -> new TlsMenu(tls, stage, dialogs, notifier));
    }

    private void waitTold(String start) throws Exception {
        waitUntil("told: " + start, () -> told.stream().anyMatch(m -> m.startsWith(start)));
    }

    private WindowTls intercepting(Path caDir) {
        return WindowTls.start(new TlsSettings(true, caDir, List.of(), List.of(), false, null), given::add);
    }

    @Test
    void exportsTheCaAsPemAndDerAndNamesItInTheMenu() throws Exception {
        WindowTls tls = intercepting(dir.resolve("ca"));
        assertTrue(tls.intercepting());
        assertEquals(1, given.size());
        assertNotNull(given.get(0));
        CertificateAuthority ca = tls.loadedCa();
        TlsMenu menu = menu(tls);
        assertEquals(List.of("Intercepting TLS (clients must trust the CA)", "TLS spoken by " + tls.library(),
                "CA SHA-256 " + ca.sha256Fingerprint(), "Valid " + CertificateSummary.of(ca.certificate()).validity(),
                "In " + ca.certificateFile()), fx(menu::infoLines));
        // the default library, unless this run of the tests asked for JSSE (mvn test -Dwirelens.tls=jdk)
        String expected = "jdk".equals(System.getProperty("wirelens.tls")) ? "the JDK's JSSE" : "BoringSSL ";
        assertTrue(tls.library().startsWith(expected), tls.library());

        Path pem = dir.resolve("out/wirelens-ca.pem");
        answers.add(pem);
        fxRun(() -> menu.export(TlsMenu.Format.PEM));
        waitTold("Exported the Wirelens CA certificate (PEM) to " + pem);
        assertEquals(ca.certificatePem(), Files.readString(pem));

        Path der = dir.resolve("out/wirelens-ca.cer");
        answers.add(der);
        fxRun(() -> menu.export(TlsMenu.Format.DER));
        waitTold("Exported the Wirelens CA certificate (DER) to " + der);
        byte[] bytes = Files.readAllBytes(der);
        assertArrayEquals(ca.certificateDer(), bytes);
        assertEquals(ca.certificate(), CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(bytes)));

        fxRun(() -> menu.export(TlsMenu.Format.PEM)); // the user cancels the chooser: nothing happens
        assertFalse(fx(() -> told.stream().anyMatch(m -> m.startsWith("error"))), told.toString());

        fxRun(menu::showCertificate);
        waitUntil("the CA dialog", () -> dialog("tls-ca-dialog") != null);
        DialogPane pane = fx(() -> dialog("tls-ca-dialog"));
        String shown = fx(() -> pane.lookupAll(".wl-tls-value").stream()
                .map(n -> ((javafx.scene.control.TextField) n).getText()).collect(java.util.stream.Collectors.joining("\n")));
        assertTrue(shown.contains(ca.sha256Fingerprint()), shown);
        assertTrue(shown.contains(ca.certificateFile().toString()), shown);
        Fx.screenshot(pane.getScene(), "tls-ca");
        fxRun(() -> pane.getScene().getWindow().hide());
    }

    @Test
    void installInstructionsNameTheRealPathAndCopyASnippet() throws Exception {
        Path caDir = dir.resolve("my CA");
        WindowTls tls = WindowTls.start(new TlsSettings(false, caDir, List.of(), List.of(), false, null), given::add);
        assertNull(tls.loadedCa(), "with interception off the CA waits until it is needed");
        TlsMenu menu = menu(tls);
        assertTrue(fx(menu::infoLines).get(0).startsWith("Not intercepting (--no-tls-intercept)"));
        assertTrue(fx(menu::infoLines).stream().noneMatch(l -> l.startsWith("TLS spoken by")), "no library while relaying");

        fxRun(menu::showInstall);
        waitUntil("the install dialog", () -> dialog("tls-install-dialog") != null);
        DialogPane pane = fx(() -> dialog("tls-install-dialog"));
        Path caPem = caDir.resolve("ca.pem");
        assertTrue(Files.exists(caPem), "the CA is made when the instructions need it");
        String quoted = "'" + caPem + "'";
        assertEquals("curl --cacert " + quoted + " https://example.com/",
                fx(() -> ((TextArea) pane.lookup("#snippet-curl")).getText().lines().findFirst().orElseThrow()));
        assertEquals("export NODE_EXTRA_CA_CERTS=" + quoted, fx(() -> ((TextArea) pane.lookup("#snippet-node")).getText()));
        assertTrue(fx(() -> ((TextArea) pane.lookup("#snippet-windows")).getText()).contains("\"" + caPem + "\""));
        fxRun(() -> ((Button) pane.lookup("#copy-python")).fire());
        assertEquals("export REQUESTS_CA_BUNDLE=" + quoted + "\nexport SSL_CERT_FILE=" + quoted,
                fx(() -> Clipboard.getSystemClipboard().getString()));
        assertTrue(given.isEmpty(), "the engine is not told anything with interception off");
        Fx.screenshot(pane.getScene(), "tls-install");
        fxRun(() -> pane.getScene().getWindow().hide());
    }

    /** The showing dialog whose pane has that id, or null. */
    private static DialogPane dialog(String id) {
        for (Window w : Window.getWindows()) {
            if (w.isShowing() && w.getScene() != null && w.getScene().getRoot() instanceof DialogPane p
                    && id.equals(p.getId())) {
                return p;
            }
        }
        return null;
    }

    @Test
    void regenerateMakesANewCaForTheEngine() throws Exception {
        Path caDir = dir.resolve("ca");
        WindowTls tls = intercepting(caDir);
        String before = tls.loadedCa().sha256Fingerprint();
        TlsMenu menu = menu(tls);
        fxRun(menu::regenerate);
        waitTold("Made a new Wirelens CA");
        CertificateAuthority now = tls.loadedCa();
        assertNotEquals(before, now.sha256Fingerprint());
        assertEquals(now.certificatePem(), Files.readString(caDir.resolve("ca.pem")));
        assertEquals(now.certificatePem(), CertificateAuthority.loadOrCreate(caDir).certificatePem(), "a restart reuses it");
        assertEquals(2, given.size());
        assertNotNull(given.get(1));
        assertNotEquals(given.get(0), given.get(1));
        assertTrue(fx(menu::infoLines).contains("CA SHA-256 " + now.sha256Fingerprint()));
    }

    @Test
    void aKeyOthersCanReadTurnsInterceptionOffUntilMended() throws Exception {
        Path caDir = dir.resolve("ca");
        CertificateAuthority.loadOrCreate(caDir);
        Path key = caDir.resolve("ca-key.pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));
        WindowTls tls = intercepting(caDir);
        assertFalse(tls.intercepting());
        assertTrue(tls.problem().startsWith("TLS is not intercepted (relayed as it is): the private key in "), tls.problem());
        assertTrue(tls.problem().contains("chmod 600"), tls.problem());
        assertEquals(Collections.singletonList(null), given);
        TlsMenu menu = menu(tls);
        assertTrue(fx(menu::infoLines).get(0).startsWith("Not intercepting: the CA cannot be used"));

        fxRun(menu::reload);
        waitTold("error: TLS is not intercepted");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        fxRun(menu::reload);
        waitTold("Loaded the Wirelens CA");
        assertTrue(tls.intercepting());
        assertNull(tls.problem());
        assertNotNull(given.get(given.size() - 1));
    }
}
