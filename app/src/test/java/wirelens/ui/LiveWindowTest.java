package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;
import static wirelens.testkit.Loopback.roundTrip;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javafx.scene.Node;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Styles;
import wirelens.ui.connections.ConnectionRow;
import wirelens.ui.listeners.ListenerPane;
import wirelens.ui.listeners.ListenerSettings;
import wirelens.ui.stream.StreamText;
import wirelens.ui.stream.StreamView;

/**
 * The live window end to end: a listener added through the form, real traffic on loopback through it,
 * and what the user then sees in the table, the text and hex views, follow mode, and saved files.
 */
@ExtendWith(ApplicationExtension.class)
class LiveWindowTest {
    @TempDir
    static Path configDir;
    @TempDir
    Path dir;

    private MainWindow window;
    private volatile MainWindow viewer;
    private final ScriptedDialogs dialogs = new ScriptedDialogs();

    /** Answers file dialogs from a queue the test fills (a native chooser cannot run headless). */
    static final class ScriptedDialogs implements FileDialogs {
        final Deque<Path> answers = new ArrayDeque<>();

        @Override
        public Optional<Path> open(Window owner, String title) {
            return Optional.ofNullable(answers.poll());
        }

        @Override
        public Optional<Path> save(Window owner, String title, String suggestedName) {
            return Optional.ofNullable(answers.poll());
        }

        @Override
        public Optional<Path> folder(Window owner, String title) {
            return Optional.ofNullable(answers.poll());
        }
    }

    @Start
    void start(Stage stage) throws Exception {
        Path config = Files.createTempDirectory(configDir, "config");
        settingsPath = config.resolve("listeners.json");
        window = WirelensApp.live(stage, List.of(), null, new ListenerSettings(settingsPath),
                dialogs, path -> WirelensApp.openViewerWindow(path, dialogs, p -> {}, w -> viewer = w,
                        message -> window.notifications().error(message)));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fxRun(() -> window.stage().hide());
    }

    private int addListener(FxRobot robot, String name, String targetHost, int targetPort) throws Exception {
        ListenerDialog dialog = ListenerDialog.open(robot, window, "#listener-add");
        dialog.type("#name", name).type("#bind-host", "127.0.0.1").type("#bind-port", "0")
                .type("#target-host", targetHost).type("#target-port", Integer.toString(targetPort));
        assertTrue(dialog.save(), () -> "the dialog closes once the listener is added: " + error(dialog));
        waitUntil("the listener is listening", () -> listener(name).map(r -> r.bound() != null).orElse(false));
        return fx(() -> listener(name).orElseThrow().bound().getPort());
    }

    private static String error(ListenerDialog dialog) {
        try {
            return dialog.error();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Queries within this test's window only (other test classes may leave windows with the same ids). */
    private org.testfx.service.query.NodeQuery here(FxRobot robot) {
        return robot.from(window.stage().getScene().getRoot());
    }

    /** Empties a text field and types into it, as a user would after selecting its text. */
    private void type(FxRobot robot, String query, String text) throws Exception {
        // focus on the FX thread: TestFX's clickOn(query) computes scene bounds off the FX thread, racing
        // with notifications that come and go
        fxRun(() -> {
            var field = here(robot).lookup(query).queryAs(javafx.scene.control.TextInputControl.class);
            field.clear();
            field.requestFocus();
        });
        if (!text.isEmpty()) {
            robot.write(text);
        }
    }

    private Optional<ListenerPane.Row> listener(String name) {
        return window.listenerPane().rows().stream().filter(r -> r.config().name().equals(name)).findFirst();
    }

    private static List<String> lines(StreamView view) {
        return java.util.stream.IntStream.range(0, view.lineCount()).mapToObj(view::lineText).toList();
    }

    @Test
    void firstStartRunsAnHttpProxyShowsTheTemplateAndAHint(FxRobot robot) throws Exception {
        List<ListenerPane.Row> rows = fx(() -> window.listenerPane().rows());
        assertEquals(2, rows.size());
        assertEquals(ListenerPane.TEMPLATE, rows.get(0).config());
        assertFalse(rows.get(0).running());
        assertEquals(ListenerPane.DEFAULT_PROXY, rows.get(1).config());
        ListenerPane.Row proxy = rows.get(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fx(() -> proxy.status()).startsWith("starting") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String status = fx(() -> proxy.status());
        String hint = fx(() -> here(robot).lookup("#empty-hint").queryLabeled().getText());
        if (status.equals("listening")) {
            assertTrue(hint.contains("HTTP proxy to 127.0.0.1:8080"), hint);
            assertTrue(hint.contains("curl -x http://127.0.0.1:8080"), hint);
        } else {
            // something else holds 8080 on this machine: the row says so and the hint asks for a listener
            assertTrue(status.startsWith("failed: cannot listen on 127.0.0.1:8080"), status);
            assertTrue(hint.contains("No listener is running"), hint);
        }
    }

    @Test
    void liveTrafficShowsInTheTableAndInTextAndHexViews(FxRobot robot) throws Exception {
        try (LoopbackServer echo = LoopbackServer.upperCaseEcho()) {
            int port = addListener(robot, "echo", "127.0.0.1", echo.port());
            String hint = fx(() -> here(robot).lookup("#empty-hint").queryLabeled().getText());
            assertTrue(hint.contains("127.0.0.1:" + port), hint);

            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            try (Socket client = Loopback.connect(port)) {
                byte[] first = "hello wirelens\r\n".getBytes(StandardCharsets.US_ASCII);
                assertEquals("HELLO WIRELENS\r\n", new String(roundTrip(client, first), StandardCharsets.US_ASCII));
                sent.write(first);
                byte[] binary = {'b', 'i', 'n', 0, 1, '\t', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, '\n'};
                roundTrip(client, binary);
                sent.write(binary);

                waitUntil("the row counts both chunks each way", () -> {
                    ConnectionRow r = window.connections().row(1);
                    return r != null && r.info().bytesClientToServer() == sent.size()
                            && r.info().bytesServerToClient() == sent.size();
                });
                ConnectionRow row = fx(() -> window.connections().row(1));
                assertEquals("echo", row.info().listenerName());
                assertEquals("open", fx(row::stateText));
                assertEquals("127.0.0.1:" + echo.port(), fx(row::targetText));
                assertEquals(4, row.info().chunkCount());
                // the byte counts as the user sees them in the table's cells
                Set<String> cells = fx(() -> here(robot).lookup("#connections .table-cell").queryAll().stream()
                        .map(n -> ((javafx.scene.control.TableCell<?, ?>) n).getText()).filter(t -> t != null)
                        .collect(Collectors.toSet()));
                assertTrue(cells.contains(Integer.toString(sent.size())), cells.toString());
                assertTrue(cells.contains("echo"), cells.toString());

                // open the stream: select the row and press Enter (double-click does the same)
                robot.clickOn(shown(robot, "#connections .table-row-cell", 0));
                robot.push(KeyCode.ENTER);
                waitUntil("the text view shows all four chunks", () -> window.view(1) != null
                        && lines(window.view(1)).stream().filter(l -> l.startsWith("\u2500\u2500 #")).count() == 4);
                StreamView view = fx(() -> window.view(1));
                List<String> text = fx(() -> lines(view));
                assertTrue(text.get(0).contains("client \u2192 server  16 bytes"), text.get(0));
                assertEquals("hello wirelens\\r\\n", text.get(1));
                assertTrue(text.get(2).contains("server \u2192 client  16 bytes"), text.get(2));
                assertEquals("HELLO WIRELENS\\r\\n", text.get(3));
                assertEquals("bin\\x00\\x01\\t\u00e9\\xff\\n", text.get(5));

                // style classes per direction, escapes dimmed
                try {
                    waitUntil("the rows are drawn", () -> hasText(texts(robot), "hello wirelens", Styles.CLIENT_TO_SERVER));
                } catch (AssertionError e) {
                    throw new AssertionError(fx(() -> "view " + view.list().getWidth() + "x" + view.list().getHeight()
                            + " visible=" + view.list().isVisible() + " scene=" + (view.list().getScene() != null)
                            + " lines=" + view.lineCount() + " last=" + view.lastVisibleLine() + " texts="
                            + texts(robot).stream().map(Text::getText).toList() + " stage="
                            + window.stage().getWidth() + "x" + window.stage().getHeight()), e);
                }
                List<Text> shown = fx(() -> texts(robot));
                assertTrue(hasText(shown, "hello wirelens", Styles.CLIENT_TO_SERVER), "c2s text styled");
                assertTrue(hasText(shown, "HELLO WIRELENS", Styles.SERVER_TO_CLIENT), "s2c text styled");
                assertTrue(shown.stream().anyMatch(t -> t.getText().equals("\\r\\n")
                        && t.getStyleClass().contains(Styles.ESCAPE)
                        && t.getStyleClass().contains(Styles.CLIENT_TO_SERVER)), "escapes are dimmed");
                assertTrue(shown.stream().anyMatch(t -> t.getStyleClass().contains(Styles.SEPARATOR)), "separators");

                // charset ISO-8859-1 shows the two bytes of é as two characters
                fxRun(() -> ((javafx.scene.control.ChoiceBox<StreamText.Charset>) here(robot).lookup("#charset").query())
                        .setValue(StreamText.Charset.ISO_8859_1));
                assertEquals("bin\\x00\\x01\\t\u00c3\u00a9\u00ff\\n", fx(() -> view.lineText(5)));

                // hex view
                robot.clickOn(fx(() -> here(robot).lookup("#mode-hex").<Node>query()), javafx.scene.input.MouseButton.PRIMARY);
                List<String> hex = fx(() -> lines(view));
                assertTrue(hex.get(1).startsWith("00000000  68 65 6c 6c 6f 20 77 69  72 65 6c 65 6e 73 0d 0a"),
                        hex.get(1));
                assertTrue(hex.get(1).endsWith("hello wirelens.."), hex.get(1));
                assertTrue(hex.get(3).startsWith("00000000  48 45 4c 4c 4f"), hex.get(3));
                assertTrue(hex.get(5).startsWith("00000010  62 69 6e 00 01 09 c3 a9  ff 0a"), hex.get(5));
                waitUntil("the hex rows are drawn", () -> hasText(texts(robot), "48 45 4c 4c 4f", Styles.SERVER_TO_CLIENT));
                List<Text> hexTexts = fx(() -> texts(robot));
                assertTrue(hasText(hexTexts, "48 45 4c 4c 4f", Styles.SERVER_TO_CLIENT), "s2c hex styled");
                assertTrue(hasText(hexTexts, "68 65 6c 6c 6f", Styles.CLIENT_TO_SERVER), "c2s hex styled");

                // save the client's bytes through the stream's Save menu
                Path c2s = dir.resolve("c2s.bin");
                dialogs.answers.add(c2s);
                robot.clickOn(fx(() -> here(robot).lookup("#save-stream").<Node>query()), javafx.scene.input.MouseButton.PRIMARY).clickOn("Save client \u2192 server bytes\u2026");
                waitUntil("the saved file is complete", () -> Files.exists(c2s) && Files.size(c2s) == sent.size());
                assertArrayEquals(sent.toByteArray(), Files.readAllBytes(c2s));
            }
            waitUntil("the row says closed", () -> "closed".equals(window.connections().row(1).stateText()));
        }
    }

    /** The n-th node matching the query that is in a scene and shows an item (VirtualFlow keeps spare cells). */
    private Node shown(FxRobot robot, String query, int n) throws Exception {
        return fx(() -> here(robot).lookup(query).match((Node node) -> node.getScene() != null && node.isVisible()
                && node instanceof javafx.scene.control.IndexedCell<?> c && !c.isEmpty() && c.getIndex() >= 0)
                .queryAll().stream()
                .sorted(java.util.Comparator.comparingInt(node -> ((javafx.scene.control.IndexedCell<?>) node).getIndex()))
                .skip(n).findFirst().orElseThrow());
    }

    /** The Text nodes of the rows the stream view draws now (walks its node tree on the FX thread). */
    private List<Text> texts(FxRobot robot) {
        List<Text> out = new java.util.ArrayList<>();
        StreamView view = window.view(1);
        if (view != null) {
            collect(view.list(), out);
        }
        return out;
    }

    private static void collect(javafx.scene.Parent parent, List<Text> out) {
        for (Node n : parent.getChildrenUnmodifiable()) {
            if (!n.isVisible()) {
                continue;
            }
            if (n instanceof Text t) {
                out.add(t);
            } else if (n instanceof javafx.scene.Parent p) {
                collect(p, out);
            }
        }
    }

    private static boolean hasText(List<Text> texts, String content, String styleClass) {
        return texts.stream().anyMatch(t -> t.getText().contains(content) && t.getStyleClass().contains(styleClass));
    }

    @Test
    void followModeSticksToTheEndUntilTheUserScrollsUp(FxRobot robot) throws Exception {
        try (LoopbackServer echo = LoopbackServer.upperCaseEcho();
                Socket client = Loopback.connect(addListener(robot, "follow", "127.0.0.1", echo.port()))) {
            for (int i = 0; i < 40; i++) {
                roundTrip(client, ("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            waitUntil("the row shows 80 chunks", () -> window.connections().row(1) != null
                    && window.connections().row(1).info().chunkCount() == 80);
            fxRun(() -> window.openStream(window.connections().row(1)));
            StreamView view = fx(() -> window.view(1));
            waitUntil("the view follows to its last line", () -> view.lineCount() == 160
                    && view.lastVisibleLine() == view.lineCount() - 1);
            assertTrue(fx(view::following));

            // the user goes to the top: the view stays there while traffic goes on
            robot.clickOn(fx(() -> here(robot).lookup("#stream-1").<Node>query()), javafx.scene.input.MouseButton.PRIMARY);
            robot.push(KeyCode.HOME);
            waitUntil("follow mode is off", () -> !view.following());
            for (int i = 40; i < 50; i++) {
                roundTrip(client, ("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            waitUntil("the view has the new lines", () -> view.lineCount() == 200);
            org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
            assertEquals(0, fx(view::firstVisibleLine));
            assertFalse(fx(view::following));

            // End brings the user back to the end, and the view follows again
            robot.push(KeyCode.END);
            waitUntil("follow mode is on again", view::following);
            for (int i = 50; i < 60; i++) {
                roundTrip(client, ("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            waitUntil("the view follows the new lines", () -> view.lineCount() == 240
                    && view.lastVisibleLine() == 239);
        }
    }

    @Test
    void errorsAreNotificationsAndShowInTheRow(FxRobot robot) throws Exception {
        int closedPort = Loopback.freePort();
        int port = addListener(robot, "nowhere", "127.0.0.1", closedPort);
        try (Socket client = Loopback.connect(port)) {
            assertEquals(-1, client.getInputStream().read(), "the client is closed when the target refuses");
        }
        waitUntil("the row shows the error", () -> window.connections().row(1) != null
                && window.connections().row(1).state() == ConnectionRow.State.ERROR);
        String state = fx(() -> window.connections().row(1).stateText());
        assertTrue(state.startsWith("error: "), state);
        waitUntil("a notification names the failure", () -> window.notifications().history().stream()
                .anyMatch(m -> m.contains("#1") && m.contains("failed")));

        // a port in use: the listener says so, and so does a notification
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ListenerDialog dialog = ListenerDialog.open(robot, window, "#listener-add");
            dialog.type("#name", "busy").type("#target-port", "25").type("#bind-port", Integer.toString(busy.getLocalPort()));
            assertTrue(dialog.save());
            waitUntil("the listener failed", () -> listener("busy").map(r -> r.status().startsWith("failed"))
                    .orElse(false));
            String status = fx(() -> listener("busy").orElseThrow().status());
            assertTrue(status.contains("already in use"), status);
            assertTrue(fx(() -> window.notifications().history().stream().anyMatch(m -> m.contains("already in use"))));
        }
        // a port another listener of this window has is refused in the dialog, before anything is saved
        int taken = port;
        ListenerDialog dialog = ListenerDialog.open(robot, window, "#listener-add");
        dialog.type("#name", "twin").type("#target-port", "25").type("#bind-port", Integer.toString(taken));
        assertFalse(dialog.save(), "the dialog stays open and says why");
        String clash = dialog.error();
        assertTrue(clash.startsWith("Port " + taken + " is already used by the listener \u201cnowhere\u201d"), clash);
        assertTrue(listener("twin").isEmpty(), "no listener was added");
        assertTrue(new ListenerSettings(settingsPath).load().listeners().stream().noneMatch(l -> l.name().equals("twin")));

        // a bad port is explained in the dialog
        dialog.type("#bind-port", "70000");
        assertFalse(dialog.save());
        String formError = dialog.error();
        assertTrue(formError.contains("0 to 65535"), formError);
        dialog.cancel();
        assertTrue(listener("twin").isEmpty(), "Cancel adds nothing");
    }

    @Test
    void theListenersHideAndStayHiddenInTheNextWindow(FxRobot robot) throws Exception {
        ListenersSide side = fx(() -> window.listenersSide());
        javafx.scene.Node pane = fx(() -> window.listenerPane().node());
        assertTrue(fx(() -> pane.getScene() != null), "shown on first start");
        robot.clickOn(fx(() -> here(robot).lookup("#listeners-hide").<Node>query()), javafx.scene.input.MouseButton.PRIMARY);
        assertTrue(fx(() -> pane.getScene() == null && !side.menuItem().isSelected() && !side.button().isSelected()),
                "the pane's own button hides it, and the menu and the toggle say so");
        Path windowFile = settingsPath.resolveSibling("window.properties");
        assertEquals("false", wirelens.ui.base.WindowProperties.load(windowFile).getProperty(ListenersSide.KEY));

        MainWindow next = fx(() -> {
            Stage stage = new Stage();
            MainWindow w = WirelensApp.live(stage, List.of(), null, new ListenerSettings(settingsPath), dialogs,
                    p -> {});
            stage.show();
            return w;
        });
        try {
            assertTrue(fx(() -> next.listenerPane().node().getScene() == null), "hidden in the next window too");
            assertFalse(fx(() -> next.listenersSide().menuItem().isSelected()));
        } finally {
            fxRun(() -> next.stage().hide());
        }

        fxRun(() -> window.stage().requestFocus());
        robot.push(KeyCode.SHORTCUT, KeyCode.SHIFT, KeyCode.L);
        waitUntil("Shortcut+Shift+L shows the listeners again", () -> pane.getScene() != null);
        assertEquals("true", wirelens.ui.base.WindowProperties.load(windowFile).getProperty(ListenersSide.KEY));
    }

    @Test
    void listenersAreSavedAndFilterAndSearchFindConnections(FxRobot robot) throws Exception {
        try (LoopbackServer echo = LoopbackServer.upperCaseEcho()) {
            int port = addListener(robot, "saved one", "127.0.0.1", echo.port());
            ListenerSettings.Loaded saved = new ListenerSettings(settingsPath).load();
            assertTrue(saved.listeners().stream().anyMatch(s -> s.name().equals("saved one") && s.running()
                    && s.targetPort() == echo.port()), saved.toString());

            for (String word : List.of("apple\n", "banana\n")) {
                try (Socket client = Loopback.connect(port)) {
                    roundTrip(client, word.getBytes(StandardCharsets.US_ASCII));
                }
            }
            waitUntil("two closed rows", () -> window.connections().shownCount() == 2
                    && window.connections().row(2) != null && !window.connections().row(2).info().isOpen());
            TableView<?> table = fx(() -> window.connections().table());
            type(robot, "#filter", "saved one");
            assertEquals(2, (int) fx(() -> table.getItems().size()));
            type(robot, "#filter", "no such thing");
            assertEquals(0, (int) fx(() -> table.getItems().size()));
            type(robot, "#filter", "");

            type(robot, "#content-search", "BANANA");
            robot.push(KeyCode.ENTER);
            waitUntil("the search keeps one row", () -> table.getItems().size() == 1);
            assertEquals(2L, (long) fx(() -> ((ConnectionRow) table.getItems().get(0)).id()));
            fxRun(() -> ((javafx.scene.control.ChoiceBox<String>) here(robot).lookup("#content-search-kind").query())
                    .setValue("Hex"));
            type(robot, "#content-search", "61 70 70");
            robot.push(KeyCode.ENTER);
            waitUntil("the hex search keeps the other row", () -> table.getItems().size() == 1
                    && ((ConnectionRow) table.getItems().get(0)).id() == 1);
        }
    }

    @Test
    void aSavedCaptureReopensInAViewerWindow(FxRobot robot) throws Exception {
        byte[] hello = "EHLO wirelens.test\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] quit = "QUIT\r\n".getBytes(StandardCharsets.US_ASCII);
        try (LoopbackServer echo = LoopbackServer.upperCaseEcho()) {
            int port = addListener(robot, "mail", "127.0.0.1", echo.port());
            try (Socket client = Loopback.connect(port)) {
                roundTrip(client, hello);
                roundTrip(client, quit);
            }
            waitUntil("the row says closed", () -> window.connections().row(1) != null
                    && "closed".equals(window.connections().row(1).stateText()));
        }
        Path saved = dir.resolve("session.pcapng");
        dialogs.answers.add(saved);
        robot.push(KeyCode.SHORTCUT, KeyCode.S);
        waitUntil("the capture is saved", () -> window.notifications().history().stream()
                .anyMatch(m -> m.startsWith("Saved the capture") && m.contains(saved.toString())));
        assertTrue(Files.size(saved) > hello.length + quit.length);

        dialogs.answers.add(saved);
        robot.push(KeyCode.SHORTCUT, KeyCode.O);
        waitUntil("a viewer window shows the connection", () -> viewer != null && viewer.connections().row(1) != null);
        try {
            ConnectionRow row = fx(() -> viewer.connections().row(1));
            assertEquals("closed", fx(row::stateText));
            assertEquals("mail", row.info().listenerName());
            assertEquals(hello.length + quit.length, row.info().bytesClientToServer());
            assertEquals(hello.length + quit.length, row.info().bytesServerToClient());
            assertTrue(fx(() -> viewer.stage().getTitle()).contains("session.pcapng"));
            fxRun(() -> viewer.openStream(row));
            StreamView view = fx(() -> viewer.view(1));
            waitUntil("the viewer shows the four chunks", () -> view.lineCount() == 8);
            assertEquals("EHLO WIRELENS.TEST\\r\\n", fx(() -> view.lineText(3)));
            assertEquals("QUIT\\r\\n", fx(() -> view.lineText(5)));
        } finally {
            fxRun(() -> viewer.stage().hide());
        }
    }

    private Path settingsPath;
}
