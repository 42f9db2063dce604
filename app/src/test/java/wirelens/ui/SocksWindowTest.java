package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerKind;
import wirelens.engine.SocksCredentials;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.connections.ConnectionRow;
import wirelens.ui.listeners.ListenerSettings;

/**
 * A SOCKS5 listener in the window: one added in the listener form with a login is saved (with its password,
 * in a file only its owner can read) and runs; a connection through the one from the command line shows the
 * target its client asked for and the handshake as one line.
 */
@ExtendWith(ApplicationExtension.class)
class SocksWindowTest {
    @TempDir
    static Path dir;

    private MainWindow window;
    private LoopbackServer echo;
    private Path settingsFile;

    @Start
    void start(Stage stage) throws Exception {
        echo = LoopbackServer.echo();
        settingsFile = Files.createTempDirectory(dir, "config").resolve("listeners.json");
        FileDialogs none = new LiveWindowTest.ScriptedDialogs();
        window = WirelensApp.live(stage, List.of(ListenerConfig.socks("127.0.0.1", 0, null)),
                dir.resolve("live-" + System.nanoTime() + ".pcapng"), new ListenerSettings(settingsFile), none,
                path -> {});
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        fxRun(() -> window.stage().hide());
        echo.close();
    }

    @Test
    void aConnectionShowsTheRequestedTargetAndTheHandshakeAsOneLine() throws Exception {
        waitUntil("the SOCKS5 listener is listening", () -> window.listenerPane().rows().stream()
                .anyMatch(r -> r.config().kind() == ListenerKind.SOCKS5 && r.bound() != null));
        int port = fx(() -> window.listenerPane().rows().get(0).bound().getPort());
        try (Socket s = Loopback.connect(port)) {
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.write(new byte[] {5, 1, 0});
            byte[] method = new byte[2];
            in.readFully(method);
            assertArrayEquals(new byte[] {5, 0}, method);
            byte[] name = "localhost".getBytes(StandardCharsets.US_ASCII);
            out.write(new byte[] {5, 1, 0, 3, (byte) name.length});
            out.write(name);
            out.write(new byte[] {(byte) (echo.port() >> 8), (byte) echo.port()});
            byte[] reply = new byte[10];
            in.readFully(reply);
            assertEquals(0, reply[1], "succeeded");
            assertArrayEquals("hello\n".getBytes(StandardCharsets.US_ASCII),
                    Loopback.roundTrip(s, "hello\n".getBytes(StandardCharsets.US_ASCII)));
        }
        waitUntil("the connection has ended in the list", () -> window.connections().row(1) != null
                && !window.connections().row(1).info().isOpen());
        ConnectionRow row = fx(() -> window.connections().row(1));
        assertEquals("localhost:" + echo.port() + " (127.0.0.1:" + echo.port() + ")", fx(row::targetText));
        assertEquals("closed", fx(row::stateText));
        fxRun(() -> window.openStream(row));
        String line = "SOCKS5 CONNECT localhost:" + echo.port() + " \u2192 succeeded";
        waitUntil("the tab shows the handshake", () -> fx(() -> window.stage().getScene().lookup("#proxy-handshake-1")
                instanceof Label l && line.equals(l.getText())));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aListenerAddedInTheFormWithALoginIsSavedForItsOwnerOnlyAndRuns(FxRobot robot) throws Exception {
        waitUntil("the SOCKS5 listener is listening", () -> window.listenerPane().rows().stream()
                .anyMatch(r -> r.bound() != null));
        ListenerDialog dialog = ListenerDialog.open(robot, window, "#listener-add");
        ChoiceBox<ListenerKind> kind = dialog.node("#listener-kind", ChoiceBox.class);
        fxRun(() -> kind.setValue(ListenerKind.SOCKS5));
        dialog.type("#name", "team socks").type("#bind-port", "0").type("#socks-user", "alice")
                .type("#socks-password", "s3:cret");
        assertTrue(dialog.save(), () -> "the dialog closes once the listener is added");
        waitUntil("the new listener runs", () -> window.listenerPane().rows().size() == 2
                && window.listenerPane().rows().get(1).bound() != null);
        ListenerConfig added = fx(() -> window.listenerPane().rows().get(1).config());
        assertEquals(new SocksCredentials("alice", "s3:cret"), added.socksAuth());
        String saved = Files.readString(settingsFile);
        assertTrue(saved.contains("\"socksPassword\" : \"s3:cret\""), saved);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(settingsFile)));
        assertEquals("alice", new ListenerSettings(settingsFile).load().listeners().get(1).socksUser());

        int port = fx(() -> window.listenerPane().rows().get(1).bound().getPort());
        try (Socket s = Loopback.connect(port)) {
            s.getOutputStream().write(new byte[] {5, 1, 0});
            byte[] method = new byte[2];
            new DataInputStream(s.getInputStream()).readFully(method);
            assertArrayEquals(new byte[] {5, (byte) 0xFF}, method, "a client without a login is turned away");
        }
    }
}
