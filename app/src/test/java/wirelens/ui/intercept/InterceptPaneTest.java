package wirelens.ui.intercept;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;
import static wirelens.testkit.Loopback.send;

import java.net.Socket;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.TextArea;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.intercept.DirectionFilter;
import wirelens.intercept.HoldQueue;
import wirelens.intercept.HoldQueue.HeldChunk;
import wirelens.intercept.InterceptHook;
import wirelens.intercept.Rule;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Fx;
import wirelens.testkit.Latin1;
import wirelens.testkit.Loopback;
import wirelens.testkit.RecordingServer;
import wirelens.testkit.Wait;
import wirelens.ui.base.Pulse;
import wirelens.ui.base.Theme;

/** The intercept pane driven like a user would, with a real engine and server on 127.0.0.1. */
@ExtendWith(ApplicationExtension.class)
class InterceptPaneTest {
    private EngineRig rig;
    private HoldQueue holdQueue;
    private InterceptPane pane;
    private Scene scene;
    /** The pane follows a pulse as it does in the window. */
    private Pulse pulse;

    @Start
    void start(Stage stage) {
        Theme.install(); // the look of the window, for the screenshots
        rig = new EngineRig();
        holdQueue = new HoldQueue(rig.engine);
        rig.onEvent(holdQueue::onEngineEvent);
        rig.engine.setHooks(List.of(new InterceptHook(holdQueue)));
        pulse = new Pulse();
        pulse.start();
        pane = new InterceptPane(holdQueue, rig.engine, pulse);
        scene = new Scene((javafx.scene.Parent) pane.node(), 1180, 640);
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        fxRun(() -> {
            pane.dispose();
            pulse.stop();
        });
        rig.close();
    }

    private void awaitHeld(int n) throws Exception {
        waitUntil(n + " held chunk(s) in the table", () -> pane.table().getItems().size() == n);
    }

    /** Replaces the whole editor content the way a user does: select all, type. */
    private void typeInto(FxRobot robot, TextArea area, String text) throws Exception {
        robot.clickOn(area);
        fxRun(area::selectAll);
        robot.write(text);
    }

    @Test
    void heldChunkEditedInTheTextEditorReachesTheServerExactlyAsEdited(FxRobot robot) throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            int port = rig.forward(server.port(), "smtp-test");
            robot.clickOn("#intercept-toggle");
            assertTrue(holdQueue.isEnabled(), "the toggle turned intercept on");

            try (Socket client = Loopback.connect(port)) {
                send(client, Latin1.bytes("HELLO"));
                awaitHeld(1);
                HeldChunk row = fx(() -> pane.table().getItems().get(0));
                assertEquals(5, row.size());
                assertEquals("smtp-test", row.listener());
                assertEquals(Direction.CLIENT_TO_SERVER, row.direction());
                assertEquals("HELLO", fx(() -> pane.editor().textArea().getText()), "the editor shows the selected chunk");
                assertEquals(0, server.receivedBytes().length, "nothing reaches the server while the chunk is held");

                TextArea text = fx(() -> pane.editor().textArea());
                robot.clickOn(text);
                fxRun(() -> text.positionCaret(text.getLength()));
                robot.write(" WORLD");
                waitUntil("the edit to be checked", () -> pane.editor().status().startsWith("11 bytes to send"));
                robot.clickOn("#intercept-forward");

                Wait.until("the server to receive 11 bytes", () -> server.receivedBytes().length >= 11);
                client.shutdownOutput();
                Wait.until("the server to see the client's EOF", server::sawEof);
                assertEquals("HELLO WORLD", server.receivedText());
                awaitHeld(0);
                assertTrue(fx(pane::message).contains("forwarded 11 edited bytes"), fx(pane::message));
                Wait.until("the chunk event", () -> !rig.all(EngineEvent.Chunk.class).isEmpty());
                EngineEvent.Chunk chunk = rig.all(EngineEvent.Chunk.class).get(0);
                assertEquals("HELLO", Latin1.text(chunk.original()));
                assertEquals("HELLO WORLD", Latin1.text(chunk.forwarded()));
            }
        }
    }

    @Test
    void binaryChunkEditedInHexAndABadDigitIsShownWithItsPlaceAndKeepsTheChunkHeld(FxRobot robot) throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            int port = rig.forward(server.port(), "bin");
            fxRun(pane::toggleIntercept);
            try (Socket client = Loopback.connect(port)) {
                send(client, new byte[] {0x00, 0x01, (byte) 0xfe, (byte) 0xff});
                awaitHeld(1);

                robot.clickOn("Hex");
                TextArea hex = fx(() -> pane.editor().hexArea());
                assertEquals("00 01 fe ff", fx(hex::getText));

                typeInto(robot, hex, "01 7f 8g");
                robot.clickOn("#intercept-forward");
                String status = fx(() -> pane.editor().status());
                assertTrue(status.contains("line 1, column 8") && status.contains("'g'"), status);
                assertTrue(fx(() -> hex.getStyleClass().contains(InterceptStyles.INVALID)));
                assertEquals(1, holdQueue.size(), "a chunk whose edit does not parse stays held");
                assertEquals("g", fx(hex::getSelectedText), "the faulty digit is selected");

                // overwrite, insert and append pairs; a line break is just whitespace
                typeInto(robot, hex, "41 7f 80 ff\n0d 0a 42");
                assertEquals("000000\n000004", fx(() -> robot.lookup("#intercept-hex-offsets").queryAs(TextArea.class).getText()),
                        "each line's offset follows the edit");
                assertEquals("A...\n..B", fx(() -> robot.lookup("#intercept-hex-ascii").queryAs(TextArea.class).getText()));
                typeInto(robot, hex, "01 7f 80 ff\n0d 0a");
                robot.press(KeyCode.CONTROL, KeyCode.ENTER).release(KeyCode.ENTER, KeyCode.CONTROL);

                Wait.until("the server to receive 6 bytes", () -> server.receivedBytes().length >= 6);
                client.shutdownOutput();
                Wait.until("the server to see the client's EOF", server::sawEof);
                assertArrayEquals(new byte[] {0x01, 0x7f, (byte) 0x80, (byte) 0xff, 0x0d, 0x0a}, server.receivedBytes());
            }
        }
    }

    @Test
    void droppedChunkNeverReachesTheServerAndTheNextChunkFlows(FxRobot robot) throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            int port = rig.forward(server.port(), "drop");
            robot.clickOn("#intercept-toggle");
            try (Socket client = Loopback.connect(port)) {
                send(client, Latin1.bytes("SECRET"));
                awaitHeld(1);
                robot.clickOn("#intercept-drop");
                awaitHeld(0);
                assertTrue(fx(pane::message).contains("dropped 6 bytes"), fx(pane::message));

                robot.clickOn("#intercept-held");
                robot.press(KeyCode.CONTROL, KeyCode.I).release(KeyCode.I, KeyCode.CONTROL); // intercept off
                Wait.until("intercept to be off", () -> !holdQueue.isEnabled());
                send(client, Latin1.bytes("NEXT"));
                Wait.until("the server to receive the next chunk", () -> server.receivedBytes().length >= 4);
                client.shutdownOutput();
                Wait.until("the server to see the client's EOF", server::sawEof);
                assertEquals("NEXT", server.receivedText());
                Wait.until("the chunk event", () -> !rig.all(EngineEvent.Chunk.class).isEmpty());
                EngineEvent.Chunk dropped = rig.all(EngineEvent.Chunk.class).get(0);
                assertTrue(dropped.dropped());
                assertEquals("SECRET", Latin1.text(dropped.original()), "the capture keeps what was dropped");
            }
        }
    }

    @Test
    void laterChunksWaitBehindTheHeldOneAndFollowItUnchangedWhileTheOtherDirectionFlows(FxRobot robot)
            throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            int port = rig.forward(server.port(), "order");
            // hold only client -> server, chosen in the filter bar
            @SuppressWarnings("unchecked")
            ChoiceBox<DirectionFilter> direction = (ChoiceBox<DirectionFilter>) robot.lookup("#intercept-direction").query();
            fxRun(() -> direction.setValue(DirectionFilter.C2S));
            assertEquals(DirectionFilter.C2S, holdQueue.filter().direction());
            robot.clickOn("#intercept-toggle");

            try (Socket client = Loopback.connect(port)) {
                send(client, Latin1.bytes("FIRST"));
                awaitHeld(1);
                send(client, Latin1.bytes("second"));
                send(client, Latin1.bytes("third"));
                server.send("220 ready\r\n");
                assertEquals("220 ready\r\n", Latin1.text(client.getInputStream().readNBytes(11)), "server to client flows");
                assertEquals(1, holdQueue.size(), "only the first chunk is held; the rest wait behind it");
                assertEquals(0, server.receivedBytes().length, "nothing overtakes the held chunk");

                robot.clickOn("#intercept-forward-original");
                // later chunks are held one at a time while intercept is on; forward them as they come
                for (int i = 0; i < 4 && server.receivedBytes().length < 16; i++) {
                    waitUntil("another held chunk or everything received",
                            () -> !pane.table().getItems().isEmpty() || server.receivedBytes().length >= 16);
                    fxRun(pane::forwardOriginal);
                }
                Wait.until("the server to receive everything", () -> server.receivedBytes().length >= 16);
                client.shutdownOutput();
                Wait.until("the server to see the client's EOF", server::sawEof);
                assertEquals("FIRSTsecondthird", server.receivedText());
                Wait.until("the chunk events", () -> rig.all(EngineEvent.Chunk.class).stream()
                        .filter(c -> c.direction() == Direction.CLIENT_TO_SERVER).mapToInt(c -> c.original().length).sum() >= 16);
                assertTrue(rig.all(EngineEvent.Chunk.class).stream().noneMatch(EngineEvent.Chunk::edited),
                        "every chunk went on unchanged");
            }
        }
    }

    @Test
    void aBadFilterPatternIsShownInlineAndTheFilterInUseStays(FxRobot robot) throws Exception {
        @SuppressWarnings("unchecked")
        ChoiceBox<Rule.Kind> kind = (ChoiceBox<Rule.Kind>) robot.lookup("#intercept-pattern-kind").query();
        fxRun(() -> kind.setValue(Rule.Kind.REGEX));
        robot.clickOn("#intercept-pattern").write("MAIL (FROM");
        String error = fx(pane::filterError);
        assertTrue(error.startsWith("Pattern: ") && error.toLowerCase().contains("unclosed group"), error);
        assertTrue(fx(() -> robot.lookup("#intercept-pattern").query().getStyleClass().contains(InterceptStyles.INVALID)));
        robot.type(KeyCode.ENTER);
        assertEquals(null, holdQueue.filter().pattern(), "the bad pattern is not applied, even on Enter");
        assertTrue(fx(pane::filterError).startsWith("Pattern: "));

        robot.write(")");
        assertEquals(null, holdQueue.filter().pattern(), "a pattern applies on Enter, not while typing");
        robot.type(KeyCode.ENTER);
        assertEquals("", fx(pane::filterError));
        assertEquals("MAIL (FROM)", holdQueue.filter().pattern());
        assertEquals(Rule.Kind.REGEX, holdQueue.filter().kind());
        assertFalse(fx(() -> robot.lookup("#intercept-pattern").query().getStyleClass().contains(InterceptStyles.INVALID)));
    }

    @Test
    void screenshotsOfHeldChunksInTheTextAndHexEditors(FxRobot robot) throws Exception {
        try (RecordingServer mail = new RecordingServer(); RecordingServer game = new RecordingServer()) {
            int mailPort = rig.forward(mail.port(), "smtp 2525");
            int gamePort = rig.forward(game.port(), "game 7000");
            robot.clickOn("#intercept-toggle");
            try (Socket mailClient = Loopback.connect(mailPort); Socket gameClient = Loopback.connect(gamePort)) {
                send(mailClient, Latin1.bytes(
                        "EHLO client.example\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\n"));
                awaitHeld(1);
                mail.send("220 mail.example ESMTP ready\r\n");
                awaitHeld(2);
                byte[] binary = new byte[40];
                for (int i = 0; i < binary.length; i++) {
                    binary[i] = (byte) (i * 37 + 3);
                }
                send(gameClient, binary);
                awaitHeld(3);
                fxRun(() -> pane.table().getSelectionModel().select(0));
                TextArea text = fx(() -> pane.editor().textArea());
                robot.clickOn(text);
                fxRun(() -> text.positionCaret(text.getText().indexOf("bob")));
                robot.write("carol@example.net>\\r\\n\nRCPT TO:<");
                waitUntil("the edit to be checked", () -> pane.editor().status().contains("edited"));
                Fx.screenshot(scene, "intercept-pane");

                fxRun(() -> pane.table().getSelectionModel().select(2));
                robot.clickOn("Hex");
                Fx.screenshot(scene, "intercept-hex");

                typeInto(robot, fx(() -> pane.editor().hexArea()), "03 28 4d 72\n97 zz");
                robot.clickOn("#intercept-forward");
                Fx.screenshot(scene, "intercept-error");
                assertEquals(3, holdQueue.size());

                fxRun(() -> pane.table().getSelectionModel().select(0));
                robot.clickOn("#intercept-forward");
                Wait.until("the mail server to receive the edited commands", () -> mail.receivedBytes().length >= 99);
                assertEquals("EHLO client.example\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<carol@example.net>\r\n"
                        + "RCPT TO:<bob@example.net>\r\n", mail.receivedText());
            }
        }
    }

    @Test
    void injectSendsTextOrHexIntoALiveConnectionAndCloseConnectionEndsIt(FxRobot robot) throws Exception {
        try (RecordingServer server = new RecordingServer();
                Socket client = Loopback.connect(rig.forward(server.port(), "inject"))) {
            send(client, Latin1.bytes("hi\n"));
            Wait.until("the server to receive the first line", () -> server.receivedBytes().length >= 3);
            Wait.until("the connection's Opened event", () -> !rig.all(EngineEvent.Opened.class).isEmpty());
            long id = rig.all(EngineEvent.Opened.class).get(0).connectionId();

            robot.clickOn("#intercept-inject-connection").write(Long.toString(id));
            robot.clickOn("#intercept-inject-bytes").write("NOOP\\r\\n");
            robot.clickOn("#intercept-inject");
            Wait.until("the server to receive the injected command", () -> server.receivedBytes().length >= 9);
            assertEquals("hi\nNOOP\r\n", server.receivedText());
            assertTrue(fx(pane::message).startsWith("Injected 6 bytes"), fx(pane::message));

            @SuppressWarnings("unchecked")
            ChoiceBox<String> kind = (ChoiceBox<String>) robot.lookup("#intercept-inject-kind").query();
            @SuppressWarnings("unchecked")
            ChoiceBox<Direction> toward = (ChoiceBox<Direction>) robot.lookup("#intercept-inject-direction").query();
            fxRun(() -> {
                kind.setValue("hex");
                toward.setValue(Direction.SERVER_TO_CLIENT);
            });
            fxRun(() -> robot.lookup("#intercept-inject-bytes").queryAs(javafx.scene.control.TextField.class).clear());
            robot.clickOn("#intercept-inject-bytes").write("32 35 30 zz");
            robot.type(KeyCode.ENTER);
            assertTrue(fx(pane::message).startsWith("Inject: not a hex digit"), fx(pane::message));
            fxRun(() -> robot.lookup("#intercept-inject-bytes").queryAs(javafx.scene.control.TextField.class)
                    .setText("32 35 30 0d 0a"));
            robot.clickOn("#intercept-inject");
            assertEquals("250\r\n", Latin1.text(client.getInputStream().readNBytes(5)), "the client got the injected reply");

            // hold the next chunk, then close the connection from the pane: nothing more reaches the server
            robot.clickOn("#intercept-toggle");
            send(client, Latin1.bytes("QUIT\r\n"));
            awaitHeld(1);
            robot.clickOn("#intercept-close");
            Wait.until("the server to see the connection end", server::sawEof);
            awaitHeld(0);
            assertEquals("hi\nNOOP\r\n", server.receivedText(), "the held chunk was never sent");
            int end;
            try {
                end = client.getInputStream().read();
            } catch (java.net.SocketException reset) {
                end = -1; // the engine aborts both sides: a reset is how the client learns it
            }
            assertEquals(-1, end, "the client's side is closed too");
        }
    }
}
