package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableRow;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.Commands;
import wirelens.testkit.Loopback;
import wirelens.testkit.Nginx;
import wirelens.ui.base.Styles;
import wirelens.ui.connections.ConnectionRow;
import wirelens.ui.listeners.ListenerSettings;

/**
 * Where an HTTP proxy connection goes, as the user sees it: curl through the proxy to two nginx origins
 * on one kept-alive connection and to a closed port; the rows name the origins the client asked for
 * (not the proxy's own address), the failed connect is a red error that says why, and a saved capture
 * reopens saying the same.
 */
@ExtendWith(ApplicationExtension.class)
class ProxyOriginWindowTest {
    @TempDir
    static Path configDir;
    @TempDir
    Path dir;

    private MainWindow window;
    private volatile MainWindow viewer;
    private final LiveWindowTest.ScriptedDialogs dialogs = new LiveWindowTest.ScriptedDialogs();

    @Start
    void start(Stage stage) throws Exception {
        Path config = Files.createTempDirectory(configDir, "config");
        window = WirelensApp.live(stage, List.of(ListenerConfig.http("127.0.0.1", 0)), null,
                new ListenerSettings(config.resolve("listeners.json")), dialogs,
                path -> WirelensApp.openViewerWindow(path, dialogs, p -> {}, w -> viewer = w,
                        message -> window.notifications().error(message)));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fxRun(() -> window.stage().hide());
        if (viewer != null) {
            fxRun(() -> viewer.stage().hide());
        }
    }

    @Test
    void rowsNameTheOriginAndAFailedOriginConnectIsAnError(FxRobot robot) throws Exception {
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        int first = Loopback.freePort();
        int second = Loopback.freePort();
        Path root = Files.createDirectories(dir.resolve("www"));
        root.toFile().setReadable(true, false);
        root.toFile().setExecutable(true, false);
        Files.writeString(root.resolve("a.txt"), "first\n");
        String server = "server { listen 127.0.0.1:%d; root " + root + "; access_log off; }\n";
        int proxy = fx(() -> window.listenerPane().rows().stream().filter(r -> r.bound() != null).findFirst()
                .orElseThrow().bound().getPort());
        try (Nginx nginx = Nginx.start(dir, server.formatted(first) + server.formatted(second), first, second)) {
            // one client connection to the proxy, two origins one after the other
            String both = Commands.check("curl", "-sS", "--max-time", "20", "-x", "http://127.0.0.1:" + proxy,
                    "http://localhost:" + first + "/a.txt", "http://127.0.0.1:" + second + "/a.txt");
            assertEquals("first\nfirst\n", both);
        }
        int closed = Loopback.freePort();
        Commands.Result refused = Commands.run("curl", "-sS", "--max-time", "20", "-o", "/dev/null",
                "-w", "%{http_code}", "-x", "http://127.0.0.1:" + proxy, "http://127.0.0.1:" + closed + "/");
        assertEquals("502", refused.text().strip());

        waitUntil("both connections ended", () -> window.connections().row(2) != null
                && !window.connections().row(1).info().isOpen() && !window.connections().row(2).info().isOpen());
        ConnectionRow kept = fx(() -> window.connections().row(1));
        assertEquals("127.0.0.1:" + second, fx(kept::targetText), "the latest origin, as the client named it");
        assertEquals("closed", fx(kept::stateText));
        ConnectionRow failed = fx(() -> window.connections().row(2));
        assertEquals("127.0.0.1:" + closed, fx(failed::targetText));
        assertEquals("error: connect to 127.0.0.1:" + closed + " failed: connection refused", fx(failed::stateText));

        // what the table's cells show: the origins in a tooltip, the failure in red
        TableCell<?, ?> keptTarget = targetCell(robot, "127.0.0.1:" + second);
        assertEquals("Origins, in order:\nlocalhost:" + first + "\n127.0.0.1:" + second,
                fx(() -> keptTarget.getTooltip().getText()));
        TableCell<?, ?> failedTarget = targetCell(robot, "127.0.0.1:" + closed);
        assertNull(fx(failedTarget::getTooltip), "one origin needs no list");
        assertTrue(fx(() -> failedTarget.getTableRow().getStyleClass().contains(Styles.ROW_ERROR)));
        assertTrue(fx(() -> !((TableRow<?>) keptTarget.getTableRow()).getStyleClass().contains(Styles.ROW_ERROR)));
        waitUntil("a notification names the origin", () -> window.notifications().history().stream()
                .anyMatch(m -> m.startsWith("Connection #2 to 127.0.0.1:" + closed + " failed: connect to")));

        // saved and reopened, the rows say the same
        Path saved = dir.resolve("proxy.pcapng");
        dialogs.answers.add(saved);
        robot.push(KeyCode.SHORTCUT, KeyCode.S);
        waitUntil("the capture is saved", () -> window.notifications().history().stream()
                .anyMatch(m -> m.startsWith("Saved the capture") && m.contains(saved.toString())));
        dialogs.answers.add(saved);
        robot.push(KeyCode.SHORTCUT, KeyCode.O);
        waitUntil("a viewer window shows both connections", () -> viewer != null
                && viewer.connections().row(2) != null);
        ConnectionRow keptAgain = fx(() -> viewer.connections().row(1));
        assertEquals(List.of("localhost:" + first, "127.0.0.1:" + second), keptAgain.info().origins());
        assertEquals("127.0.0.1:" + second, fx(keptAgain::targetText));
        ConnectionRow failedAgain = fx(() -> viewer.connections().row(2));
        assertEquals(ConnectionRow.State.ERROR, fx(failedAgain::state));
        assertEquals("error: connect to 127.0.0.1:" + closed + " failed: connection refused",
                fx(failedAgain::stateText));
    }

    /** The target cell of this window's table that shows {@code text}. */
    private TableCell<?, ?> targetCell(FxRobot robot, String text) throws Exception {
        return fx(() -> robot.from(window.stage().getScene().getRoot()).lookup("#connections .table-cell")
                .queryAll().stream().map(n -> (TableCell<?, ?>) n).filter(c -> text.equals(c.getText()))
                .findFirst().orElseThrow());
    }
}
