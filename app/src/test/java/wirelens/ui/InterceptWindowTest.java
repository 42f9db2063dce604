package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;
import static wirelens.testkit.Loopback.send;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
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
import wirelens.intercept.Rule;
import wirelens.intercept.RulesFiles;
import wirelens.testkit.Fx;
import wirelens.testkit.Latin1;
import wirelens.testkit.Loopback;
import wirelens.testkit.RecordingServer;
import wirelens.testkit.Wait;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.intercept.InterceptPane;
import wirelens.ui.intercept.RulesPane;
import wirelens.ui.listeners.ListenerSettings;
import wirelens.ui.stream.StreamView;

/**
 * The live window with the hook chain: command-line rules, then the intercept hold. Ctrl+I turns
 * intercept on and shows the held chunk; the edit reaches the server and the stream view marks it.
 */
@ExtendWith(ApplicationExtension.class)
class InterceptWindowTest {
    @TempDir
    static Path configDir;
    private MainWindow window;
    private RecordingServer server;
    private Path rulesFile;

    private static final class NoDialogs implements FileDialogs {
        @Override
        public Optional<Path> open(Window owner, String title) {
            return Optional.empty();
        }

        @Override
        public Optional<Path> save(Window owner, String title, String suggestedName) {
            return Optional.empty();
        }
    }

    @Start
    void start(Stage stage) throws Exception {
        server = new RecordingServer();
        Path config = Files.createTempDirectory(configDir, "config");
        rulesFile = config.resolve("rules.json");
        RulesFiles.save(rulesFile, List.of(Rule.parse("c2s:text:/pong/PONG/")));
        LiveCapture live = LiveCapture.start(null, List.of(Rule.parse("c2s:text:/ping/pong/")), List.of());
        window = new MainWindow(stage, new MainWindow.Setup(live, null,
                new ListenerSettings(config.resolve("listeners.json")),
                List.of(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", server.port()).withName("held")),
                new NoDialogs(), p -> {}));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fxRun(() -> window.stage().hide());
        server.close();
    }

    private int listenerPort() throws Exception {
        waitUntil("the listener to listen", () -> window.listenerPane().rows().stream()
                .anyMatch(r -> r.config().name().equals("held") && r.bound() != null));
        return fx(() -> window.listenerPane().rows().stream().filter(r -> r.config().name().equals("held"))
                .findFirst().orElseThrow().bound().getPort());
    }

    @Test
    void ctrlIHoldsTheRewrittenChunkTheEditReachesTheServerAndTheStreamMarksIt(FxRobot robot) throws Exception {
        int port = listenerPort();
        RulesPane rules = fx(() -> window.rulesPane());
        assertEquals(List.of("ping", "pong"), fx(() -> rules.rules().stream().map(Rule::pattern).toList()),
                "the command line's rule first, then the saved one");

        robot.clickOn("#status-connections");
        robot.press(KeyCode.CONTROL, KeyCode.I).release(KeyCode.I, KeyCode.CONTROL);
        waitUntil("the intercept tab to show", () -> window.workspace().getSelectionModel().getSelectedItem().getId()
                .equals("tab-intercept"));
        assertTrue(fx(() -> window.interceptPane().enabledProperty().get()));
        // the window holds requests only, and the empty list says so
        assertEquals(wirelens.intercept.DirectionFilter.C2S, fx(() -> window.interceptPane().direction()));
        waitUntil("the placeholder tells intercept is on", () -> window.interceptPane().placeholder()
                .equals("Intercept is on: waiting for chunks from clients."));

        try (Socket client = Loopback.connect(port)) {
            send(client, Latin1.bytes("ping\r\n"));
            InterceptPane pane = fx(() -> window.interceptPane());
            waitUntil("the held chunk", () -> pane.table().getItems().size() == 1);
            TextArea text = fx(() -> pane.editor().textArea());
            assertEquals("PONG\\r\\n\n", fx(text::getText), "the rules ran before the hold, in their order");
            waitUntil("the tab to count it", () -> window.workspace().getTabs().get(1).getText().equals("Intercept (1)"));
            robot.clickOn(text);
            fxRun(() -> text.positionCaret(4));
            robot.write(" from wirelens");
            Fx.screenshot(window.stage().getScene(), "intercept-window");
            robot.press(KeyCode.CONTROL, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.CONTROL);
            Wait.until("the server to receive the edit", () -> server.receivedBytes().length >= 20);
            assertTrue(fx(() -> pane.table().isFocused()), "after Forward the list has the focus, not a button");
            server.send("ok\r\n");
            assertEquals("ok\r\n", Latin1.text(client.getInputStream().readNBytes(4)), "a reply is not held");
            assertEquals(0, fx(() -> pane.table().getItems().size()));
            client.shutdownOutput();
            Wait.until("the server to see the client's EOF", server::sawEof);
            assertEquals("PONG from wirelens\r\n", server.receivedText());
        }

        // the traffic tab's stream view marks the chunk as edited
        robot.press(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.T).release(KeyCode.T, KeyCode.SHIFT, KeyCode.CONTROL);
        waitUntil("the connection row", () -> window.connections().shownCount() == 1);
        fxRun(() -> window.openStream(window.connections().table().getItems().get(0)));
        waitUntil("the stream view to show the edited chunk", () -> {
            StreamView v = window.view(window.connections().table().getItems().get(0).id());
            return v != null && v.lineCount() >= 2 && v.lineText(0).contains("edited");
        });
        // selecting a line of it shows the original and the forwarded bytes side by side
        StreamView view = fx(() -> window.view(window.connections().table().getItems().get(0).id()));
        assertTrue(!fx(() -> view.compare().isShowing()), "hidden until an edited chunk is selected");
        // the toolbar offers it by name: Compare goes to the edited chunk and shows both
        waitUntil("the Compare button", () -> window.stage().getScene().lookup("#compare-next").isVisible());
        robot.clickOn("#compare-next");
        waitUntil("the comparison is shown", () -> view.compare().isShowing());
        assertEquals("ping\\r\\n\n", fx(() -> robot.lookup("#compare-original").queryAs(TextArea.class).getText()));
        assertEquals("PONG from wirelens\\r\\n\n",
                fx(() -> robot.lookup("#compare-forwarded").queryAs(TextArea.class).getText()));
        assertTrue(fx(() -> robot.lookup("#compare-title").queryLabeled().getText())
                .contains("edited: 6 bytes read, 20 bytes sent"));
        Fx.screenshot(window.stage().getScene(), "intercept-compare");

        // the saved capture reopens with both: what the client sent and what the server got
        Path saved = configDir.resolve("edited-" + System.nanoTime() + ".pcapng");
        fxRun(() -> window.saveCapture(saved));
        waitUntil("the capture to be saved", () -> window.notifications().history().stream()
                .anyMatch(m -> m.contains("Saved the capture")));
        Wait.until("the copy to be readable", () -> {
            try (wirelens.capture.CaptureFile reopened = wirelens.capture.CaptureFile.open(saved)) {
                return reopened.index().chunks(1).size() == 2; // the edited request and the reply
            } catch (java.io.IOException e) {
                return false; // still being written
            }
        });
        try (wirelens.capture.CaptureFile reopened = wirelens.capture.CaptureFile.open(saved)) {
            wirelens.capture.ChunkInfo chunk = reopened.index().chunk(1, 0);
            assertTrue(chunk.edited());
            assertEquals("ping\r\n", Latin1.text(reopened.original(chunk)));
            assertEquals("PONG from wirelens\r\n", Latin1.text(reopened.forwarded(chunk)));
        }
    }

    @Test
    void afterInterceptIsTurnedOffTheHeldChunkAndLaterOnesFlowThroughTheRules(FxRobot robot) throws Exception {
        int port = listenerPort();
        fxRun(() -> window.interceptPane().toggleIntercept());
        try (Socket client = Loopback.connect(port)) {
            send(client, Latin1.bytes("ping 1\n"));
            InterceptPane pane = fx(() -> window.interceptPane());
            waitUntil("the held chunk", () -> pane.table().getItems().size() == 1);
            fxRun(pane::toggleIntercept); // off: the held chunk stays held until the user acts
            waitUntil("the status bar to say intercept is off", () -> window.stage().getScene()
                    .lookup("#status-intercept").toString().contains("Intercept off"));
            send(client, Latin1.bytes("ping 2\n"));
            fxRun(pane::forwardOriginal);
            Wait.until("the server to receive both", () -> server.receivedBytes().length >= 14);
            client.shutdownOutput();
            Wait.until("the server to see the client's EOF", server::sawEof);
            assertEquals("PONG 1\nPONG 2\n", server.receivedText(), "in order, rules applied, nothing held");
        }
    }
}
