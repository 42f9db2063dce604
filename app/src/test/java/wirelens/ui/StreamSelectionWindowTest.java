package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;
import static wirelens.testkit.Loopback.roundTrip;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.DialogPane;
import javafx.scene.input.Clipboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import wirelens.capture.CaptureFile;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.Fx;
import wirelens.testkit.Latin1;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.listeners.ListenerSettings;
import wirelens.ui.stream.StreamView;

/**
 * Selecting bytes with the mouse in the text and hex views and copying exactly them, across chunk
 * boundaries and while traffic goes on; and File → Clear, which drops finished connections only.
 */
@ExtendWith(ApplicationExtension.class)
class StreamSelectionWindowTest {
    @TempDir
    static Path configDir;
    @TempDir
    Path dir;

    private MainWindow window;
    private LoopbackServer echo;

    /** Answers a save dialog with the next queued path, or as if cancelled. */
    private static final class NoDialogs implements FileDialogs {
        final java.util.Deque<Path> answers = new java.util.ArrayDeque<>();

        @Override
        public Optional<Path> open(Window owner, String title) {
            return Optional.empty();
        }

        @Override
        public Optional<Path> save(Window owner, String title, String suggestedName) {
            return Optional.ofNullable(answers.poll());
        }
    }

    private final NoDialogs dialogs = new NoDialogs();

    @Start
    void start(Stage stage) throws Exception {
        echo = LoopbackServer.upperCaseEcho();
        Path config = Files.createTempDirectory(configDir, "config");
        LiveCapture live = LiveCapture.start(null);
        window = new MainWindow(stage, new MainWindow.Setup(live, null,
                new ListenerSettings(config.resolve("listeners.json")),
                List.of(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", echo.port()).withName("sel")),
                dialogs, p -> {}));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fxRun(() -> window.stage().hide());
        echo.close();
    }

    private int listenerPort() throws Exception {
        waitUntil("the listener to listen", () -> window.listenerPane().rows().stream()
                .anyMatch(r -> r.config().name().equals("sel") && r.bound() != null));
        return fx(() -> window.listenerPane().rows().stream().filter(r -> r.config().name().equals("sel"))
                .findFirst().orElseThrow().bound().getPort());
    }

    /** A point inside the character drawing stream byte {@code p}, {@code fraction} of the way across it. */
    private static Point2D at(StreamView view, long p, boolean asciiColumn, double fraction) throws Exception {
        Bounds b = fx(() -> view.screenBoundsOf(p, asciiColumn));
        assertNotNull(b, "byte " + p + " is on screen");
        return new Point2D(b.getMinX() + b.getWidth() * fraction, b.getCenterY());
    }

    private static void drag(FxRobot robot, Point2D from, Point2D to) {
        robot.moveTo(from).press(MouseButton.PRIMARY);
        robot.moveTo(new Point2D((from.getX() + to.getX()) / 2, (from.getY() + to.getY()) / 2));
        robot.moveTo(to).release(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static void ctrlC(FxRobot robot) {
        robot.press(KeyCode.CONTROL, KeyCode.C).release(KeyCode.C, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static String clipboard() throws Exception {
        return fx(() -> Clipboard.getSystemClipboard().getString());
    }

    @Test
    void draggingSelectsExactBytesAcrossChunksInTextAndHexAndCopyCopiesThem(FxRobot robot) throws Exception {
        int port = listenerPort();
        try (Socket client = Loopback.connect(port)) {
            // four chunks: "hello wirelens\r\n" [0,16), its echo [16,32), "tail\tend\n" [32,41), its echo [41,50)
            roundTrip(client, Latin1.bytes("hello wirelens\r\n"));
            roundTrip(client, Latin1.bytes("tail\tend\n"));
            waitUntil("the row counts four chunks", () -> window.connections().row(1) != null
                    && window.connections().row(1).info().chunkCount() == 4);
            fxRun(() -> window.openStream(window.connections().row(1)));
            StreamView view = fx(() -> window.view(1));
            waitUntil("the view lays out four chunks", () -> view.chunkCount() == 4);
            waitUntil("the rows are drawn", () -> view.screenBoundsOf(45, false) != null);

            // text view: from the left half of "w" (byte 6) to the right half of the echo's first "O" (byte 20)
            drag(robot, at(view, 6, false, 0.25), at(view, 20, false, 0.75));
            assertArrayEquals(new long[] {6, 21}, fx(view::selection));
            assertEquals(List.of("wirelens", "\\r\\n", "HELLO"), fx(view::highlightedTexts),
                    "the selected characters are highlighted, escapes included");
            ctrlC(robot);
            assertEquals("wirelens\r\nHELLO", clipboard(), "Ctrl+C in the text view copies the bytes as text");

            // shift+click extends the selection to the tab of the third chunk (byte 36), shift+right one more byte
            Point2D tab = at(view, 36, false, 0.1);
            robot.moveTo(tab).press(KeyCode.SHIFT).clickOn(MouseButton.PRIMARY).release(KeyCode.SHIFT);
            robot.press(KeyCode.SHIFT, KeyCode.RIGHT).release(KeyCode.RIGHT, KeyCode.SHIFT);
            WaitForAsyncUtils.waitForFxEvents();
            assertArrayEquals(new long[] {6, 37}, fx(view::selection));
            ctrlC(robot);
            assertEquals("wirelens\r\nHELLO WIRELENS\r\ntail\t", clipboard());

            // the context menu copies the same bytes as hex
            robot.moveTo(at(view, 10, false, 0.5)).clickOn(MouseButton.SECONDARY);
            robot.clickOn("Copy as hex");
            assertEquals("77 69 72 65 6c 65 6e 73 0d 0a 48 45 4c 4c 4f 20\n57 49 52 45 4c 45 4e 53 0d 0a 74 61 69 6c 09\n",
                    clipboard());

            // hex view: press on the hex digits of 0d (byte 14), drag to those of "E" in the echo (byte 17)
            fxRun(() -> view.setMode(StreamView.Mode.HEX));
            waitUntil("hex rows are drawn", () -> view.screenBoundsOf(17, false) != null);
            drag(robot, at(view, 14, false, 0.5), at(view, 17, false, 0.5));
            assertArrayEquals(new long[] {14, 18}, fx(view::selection));
            assertEquals(List.of("0d 0a", "..", "48 45", "HE"), fx(view::highlightedTexts),
                    "the bytes are highlighted in the hex and in the ASCII column");
            Fx.screenshot(window.stage().getScene(), "hex-selection");
            ctrlC(robot);
            assertEquals("0d 0a 48 45\n", clipboard(), "Ctrl+C in the hex view copies hex");

            // in the ASCII column: from "W" (byte 22) back to " " (byte 21), then "Copy as text"
            drag(robot, at(view, 22, true, 0.5), at(view, 21, true, 0.5));
            assertArrayEquals(new long[] {21, 23}, fx(view::selection));
            assertEquals(List.of("20 57", " W"), fx(view::highlightedTexts));
            robot.moveTo(at(view, 22, true, 0.5)).clickOn(MouseButton.SECONDARY);
            robot.clickOn("Copy as text");
            assertEquals(" W", clipboard());

            // the selection stays while traffic goes on and the view follows it
            assertTrue(fx(view::following));
            for (int i = 0; i < 30; i++) {
                roundTrip(client, Latin1.bytes("more " + i + "\n"));
            }
            waitUntil("the view has every chunk", () -> view.chunkCount() == 64);
            waitUntil("the view followed to the end", () -> view.lastVisibleLine() == view.lineCount() - 1);
            assertTrue(fx(view::following));
            assertArrayEquals(new long[] {21, 23}, fx(view::selection));
            fxRun(() -> view.copy(false));
            assertEquals("20 57\n", clipboard());
        }
    }

    @Test
    void clearDropsFinishedConnectionsAndKeepsOpenOnesLive(FxRobot robot) throws Exception {
        int port = listenerPort();
        try (Socket open = Loopback.connect(port)) {
            roundTrip(open, Latin1.bytes("still here\n"));
            try (Socket finished = Loopback.connect(port)) {
                roundTrip(finished, Latin1.bytes("gone soon\n"));
            }
            waitUntil("one open and one closed row", () -> window.connections().row(1) != null
                    && window.connections().row(2) != null && !window.connections().row(2).info().isOpen()
                    && window.connections().row(1).info().chunkCount() == 2);
            fxRun(() -> window.openStream(window.connections().row(1)));
            fxRun(() -> window.openStream(window.connections().row(2)));
            assertEquals(2, (int) fx(() -> window.tabs().getTabs().size()));

            // File → Clear asks, saying what the capture file keeps
            robot.clickOn("#status-connections");
            robot.press(KeyCode.CONTROL, KeyCode.L).release(KeyCode.L, KeyCode.CONTROL);
            waitUntil("the question", () -> robot.lookup("#clear-dialog").tryQuery().isPresent());
            DialogPane ask = fx(() -> robot.lookup("#clear-dialog").queryAs(DialogPane.class));
            String question = fx(ask::getContentText);
            assertTrue(question.contains("\"Save capture as\" still saves all traffic since the start"), question);
            assertEquals("Clear 1 finished connection?", fx(ask::getHeaderText));
            Node clearButton = fx(() -> ask.getButtonTypes().stream()
                    .filter(b -> b.getText().equals("Clear")).map(ask::lookupButton).findFirst().orElseThrow());
            robot.clickOn(clearButton);
            WaitForAsyncUtils.waitForFxEvents();

            assertEquals(1, (int) fx(() -> window.connections().shownCount()));
            assertTrue(fx(() -> window.connections().row(2)) == null, "the finished row left");
            assertTrue(fx(() -> window.connections().row(1)) != null, "the open row stayed");
            assertEquals(1, (int) fx(() -> window.tabs().getTabs().size()), "the finished tab closed");
            assertTrue(fx(() -> window.view(2)) == null);
            assertFalse(fx(() -> window.index().connection(2).isPresent()),
                    "the capture index let go of the finished connection");
            assertEquals("1 open / 1 connection", fx(() -> robot.lookup("#status-connections").queryLabeled().getText()));

            // the open connection keeps updating, in the table and in its tab; new connections appear
            roundTrip(open, Latin1.bytes("and more\n"));
            StreamView view = fx(() -> window.view(1));
            waitUntil("the open row counts the new chunks", () -> window.connections().row(1).info().chunkCount() == 4);
            waitUntil("its tab shows them", () -> view.chunkCount() == 4 && view.lineText(7).equals("AND MORE\\n"));
            try (Socket later = Loopback.connect(port)) {
                roundTrip(later, Latin1.bytes("later\n"));
            }
            // until it has ended: the file has a connection from its first packet on, which comes after the
            // row (the row appears with the connection's opening, before its target has answered)
            waitUntil("a new row, ended", () -> window.connections().row(3) != null
                    && !window.connections().row(3).info().isOpen() && window.connections().shownCount() == 2);

            // as the question said, the saved capture still holds everything since the start
            Path saved = dir.resolve("after-clear.pcapng");
            fxRun(() -> window.saveCapture(saved));
            waitUntil("the capture to be saved", () -> window.notifications().history().stream()
                    .anyMatch(m -> m.contains("Saved the capture")));
            try (CaptureFile reopened = CaptureFile.open(saved)) {
                assertEquals(3, reopened.index().connectionCount());
                assertEquals("gone soon\n", Latin1.text(reopened.forwarded(reopened.index().chunk(2, 0))));
            }
        }
    }

    @Test
    void aSingleClickPreviewsAConnectionInOneTabThatADoubleClickKeeps(FxRobot robot) throws Exception {
        int port = listenerPort();
        for (int i = 1; i <= 3; i++) {
            try (Socket c = Loopback.connect(port)) {
                roundTrip(c, Latin1.bytes("hello " + i + "\n"));
            }
        }
        waitUntil("three finished rows", () -> window.connections().row(3) != null
                && !window.connections().row(3).info().isOpen());
        robot.clickOn(rowNode(robot, 1));
        waitUntil("a preview of #1", () -> window.tabs().getTabs().size() == 1 && window.view(1) != null);
        robot.clickOn(rowNode(robot, 2));
        waitUntil("#2 replaced the preview", () -> window.tabs().getTabs().size() == 1 && window.view(2) != null
                && window.view(1) == null);
        robot.doubleClickOn(rowNode(robot, 2));
        robot.clickOn(rowNode(robot, 3));
        waitUntil("#2 was kept and #3 previewed beside it", () -> window.tabs().getTabs().size() == 2
                && window.view(2) != null && window.view(3) != null);
        javafx.scene.control.Label title = fx(() -> (javafx.scene.control.Label) window.tabs().getTabs().get(1).getGraphic());
        assertTrue(fx(() -> title.getStyleClass().contains(StreamTabs.PREVIEW)), "the preview's title is marked");
        assertTrue(fx(() -> title.getText().startsWith("#3 ")), fx(title::getText));

        // the tabs' context menu: Close others keeps the chosen one
        fxRun(() -> window.tabs().getTabs().get(1).getContextMenu().getItems().stream()
                .filter(m -> m.getText().equals("Close others")).findFirst().orElseThrow().fire());
        assertEquals(1, (int) fx(() -> window.tabs().getTabs().size()));
        assertNotNull(fx(() -> window.view(3)));
    }

    @Test
    void quittingWithUnsavedTrafficAsksAndTheStatusBarNamesTheSavedFile(FxRobot robot) throws Exception {
        int port = listenerPort();
        try (Socket c = Loopback.connect(port)) {
            roundTrip(c, Latin1.bytes("keep me\n"));
        }
        waitUntil("the row", () -> window.connections().row(1) != null && !window.connections().row(1).info().isOpen());

        // Quit asks; Cancel keeps the window
        Platform.runLater(window::quit);
        DialogPane ask = quitDialog(robot);
        assertEquals("Save the capture before quitting?", fx(ask::getHeaderText));
        assertTrue(fx(ask::getContentText).contains("1 connection"), fx(ask::getContentText));
        robot.clickOn(button(ask, "Cancel"));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(fx(() -> window.stage().isShowing()));

        // saved: the status bar names the saved file, and quitting without new traffic does not ask
        Path saved = configDir.resolve("quit-" + System.nanoTime() + ".pcapng");
        fxRun(() -> window.saveCapture(saved));
        waitUntil("the status bar names the saved file", () -> ((javafx.scene.control.Label) window.stage().getScene()
                .lookup("#status-capture")).getText().startsWith("saved: " + saved + " at "));
        assertTrue(Files.size(saved) > 0);

        // more traffic after the save: asked again; Save… writes the file, then the window closes
        try (Socket c = Loopback.connect(port)) {
            roundTrip(c, Latin1.bytes("and me\n"));
        }
        waitUntil("the second row", () -> window.connections().row(2) != null && !window.connections().row(2).info().isOpen());
        Path second = configDir.resolve("quit2-" + System.nanoTime() + ".pcapng");
        dialogs.answers.add(second);
        Platform.runLater(window::quit);
        robot.clickOn(button(quitDialog(robot), "Save\u2026"));
        waitUntil("the window closed after saving", () -> !window.stage().isShowing());
        try (CaptureFile reopened = CaptureFile.open(second)) {
            assertEquals(2, reopened.index().connections().size());
        }
    }

    /** The Save / Discard / Cancel question Quit asks (also the newcomer's walk's). */
    static DialogPane quitDialog(FxRobot robot) throws Exception {
        waitUntil("the question", () -> robot.lookup("#quit-dialog").tryQuery().isPresent());
        return fx(() -> robot.lookup("#quit-dialog").queryAs(DialogPane.class));
    }

    static Node button(DialogPane pane, String text) throws Exception {
        return fx(() -> pane.getButtonTypes().stream().filter(b -> b.getText().equals(text))
                .map(pane::lookupButton).findFirst().orElseThrow());
    }

    private static Node rowNode(FxRobot robot, long id) throws Exception {
        return fx(() -> robot.lookup(".table-row-cell").queryAll().stream()
                .filter(n -> n instanceof javafx.scene.control.TableRow<?> r && r.getItem() instanceof
                        wirelens.ui.connections.ConnectionRow row && row.id() == id)
                .findFirst().orElseThrow());
    }
}
