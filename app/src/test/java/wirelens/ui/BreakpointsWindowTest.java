package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.engine.ListenerConfig;
import wirelens.intercept.Resender;
import wirelens.testkit.Commands;
import wirelens.testkit.Fx;
import wirelens.testkit.HttpEchoServer;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.listeners.ListenerSettings;
import wirelens.ui.protocol.ConnectionTab;

/**
 * Breakpoints and edit-and-resend in the live window: curl through the window's HTTP proxy to an origin that
 * echoes what it read; a held POST edited in the Breakpoints tab, and a request resent from the HTTP view's
 * context menu with an edited header.
 */
@ExtendWith(ApplicationExtension.class)
class BreakpointsWindowTest {
    @TempDir
    static Path configDir;
    private MainWindow window;
    private HttpEchoServer origin;

    @Start
    void start(Stage stage) throws Exception {
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        origin = new HttpEchoServer();
        Path config = Files.createTempDirectory(configDir, "config");
        FileDialogs none = new LiveWindowTest.ScriptedDialogs();
        window = WirelensApp.live(stage, List.of(ListenerConfig.http("127.0.0.1", 0).withName("proxy")), null,
                new ListenerSettings(config.resolve("listeners.json")), none, path -> {});
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fxRun(() -> {
            for (Window w : new ArrayList<>(Window.getWindows())) {
                if (w instanceof Stage s && s != window.stage()) {
                    s.close();
                }
            }
            window.stage().hide();
        });
        origin.close();
    }

    private String proxy() throws Exception {
        waitUntil("the proxy to listen", () -> window.listenerPane().rows().stream().anyMatch(r -> r.bound() != null));
        return "http://127.0.0.1:" + fx(() -> window.listenerPane().rows().get(0).bound().getPort());
    }

    private static CompletableFuture<Commands.Result> curl(String proxy, String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-x", proxy));
        command.addAll(List.of(args));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Commands.run(command.toArray(String[]::new));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aHeldPostEditedInTheBreakpointsTabReachesTheOriginWithItsNewLength(FxRobot robot) throws Exception {
        String proxy = proxy();
        robot.clickOn("#tab-breakpoints");
        robot.clickOn("#breakpoints-toggle");
        javafx.scene.control.ToggleButton toggle = robot.lookup("#breakpoints-toggle").queryAs(
                javafx.scene.control.ToggleButton.class);
        waitUntil("breakpoints on", () -> toggle.isSelected() && toggle.getText().equals("Breakpoints ON"));
        CompletableFuture<Commands.Result> run = curl(proxy, "-H", "Content-Type: application/json",
                "--data", "{\"n\":1}", "http://127.0.0.1:" + origin.port() + "/api");
        TableView<?> held = robot.lookup("#breakpoints-held").queryTableView();
        waitUntil("the held request", () -> held.getItems().size() == 1);
        TextArea body = robot.lookup("#breakpoint-text").queryAs(TextArea.class);
        assertEquals("{\"n\":1}", fx(body::getText));
        assertEquals(0, origin.requests.size(), "the origin has not seen it yet");
        fxRun(() -> body.setText("{\"n\":1,\"edited\":\"in the window\"}"));
        Fx.screenshot(window.stage().getScene(), "breakpoints");
        robot.clickOn("#breakpoint-continue");
        Commands.Result result = run.get(60, TimeUnit.SECONDS);
        assertEquals(0, result.exit(), result.err());
        String atOrigin = origin.requests.get(0);
        assertTrue(atOrigin.contains("\r\nContent-Length: 32\r\n"), atOrigin);
        assertTrue(atOrigin.endsWith("\r\n\r\n{\"n\":1,\"edited\":\"in the window\"}"), atOrigin);
        waitUntil("the list empties", () -> held.getItems().isEmpty());
    }

    @Test
    void editAndResendFromTheHttpViewSendsTheEditedHeaderAndTheResentExchangeIsCaptured(FxRobot robot)
            throws Exception {
        String proxy = proxy();
        Commands.Result first = curl(proxy, "-H", "X-Original: 1", "http://127.0.0.1:" + origin.port() + "/again")
                .get(60, TimeUnit.SECONDS);
        assertEquals(0, first.exit(), first.err());
        waitUntil("the connection's row", () -> window.connections().row(1) != null);
        fxRun(() -> window.openStream(window.connections().row(1)));
        waitUntil("the HTTP view", () -> window.connectionTab(1).shown() == ConnectionTab.Shown.HTTP);
        // the view says HTTP a pulse before its table is in the scene
        waitUntil("the exchanges table", () -> robot.lookup("#http-exchanges").tryQuery().isPresent());
        TableView<?> exchanges = robot.lookup("#http-exchanges").queryTableView();
        waitUntil("the exchange", () -> exchanges.getItems().size() == 1);
        fxRun(() -> {
            exchanges.getSelectionModel().select(0);
            exchanges.getContextMenu().getItems().get(0).fire();
        });
        waitUntil("the resend editor", () -> editor() != null);
        Node editor = fx(this::editor);
        TextArea headers = (TextArea) editor.lookup("#resend-headers");
        String shown = fx(headers::getText);
        assertTrue(shown.contains("X-Original: 1\n"), shown);
        fxRun(() -> headers.setText(headers.getText().replace("X-Original: 1", "X-Edited: yes")));
        fxRun(() -> ((javafx.scene.control.Button) editor.lookup("#resend-send")).fire());
        waitUntil("the origin gets the resent request", () -> origin.requests.size() == 2);
        assertTrue(origin.requests.get(1).contains("\r\nX-Edited: yes\r\n"), origin.requests.get(1));
        TextArea response = (TextArea) editor.lookup("#resend-response");
        waitUntil("the response shows", () -> response.getText().startsWith("HTTP/1.1 200 OK\n"));
        Fx.screenshot(editor.getScene(), "resend-editor");
        waitUntil("the resent exchange is a connection of the Resend listener", () -> window.connections().table()
                .getItems().stream().anyMatch(r -> r.info().listenerName().equals(Resender.LISTENER_NAME)));
        fxRun(() -> ((javafx.scene.control.Button) editor.lookup("#resend-again")).fire());
        waitUntil("Send again sends it once more", () -> origin.requests.size() == 3);
        waitUntil("the history lists both", () -> ((javafx.scene.control.ListView<?>) editor.lookup("#resend-history"))
                .getItems().size() == 2);
    }

    private Node editor() {
        for (Window w : Window.getWindows()) {
            if (w.getScene() != null && w.getScene().getRoot().getId() != null
                    && w.getScene().getRoot().getId().equals("resend-editor")) {
                return w.getScene().getRoot();
            }
        }
        return null;
    }
}
