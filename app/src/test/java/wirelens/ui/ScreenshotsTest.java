package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.Fx;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Styles;
import wirelens.ui.base.Theme;
import wirelens.ui.connections.ConnectionRow;
import wirelens.ui.listeners.ListenerSettings;
import wirelens.ui.protocol.ConnectionTab;
import wirelens.ui.stream.StreamView;

/**
 * The README's pictures: the window while a mail client talks to a (scripted) SMTP server through a
 * forward listener, next to a few other connections, in the text and the hex view. Also checks that
 * what the pictures show is what was sent. Each picture also in the dark theme ({@code NAME-dark.png}),
 * and switching the theme restyles the open window: the direction colours change and keep their contrast.
 */
@ExtendWith(ApplicationExtension.class)
class ScreenshotsTest {
    @TempDir
    static Path configDir;

    private MainWindow window;
    private LoopbackServer smtp;
    private int refusedPort;

    @Start
    void start(Stage stage) throws Exception {
        smtp = new LoopbackServer(ScreenshotsTest::serveSmtp);
        refusedPort = Loopback.freePort();
        Path config = Files.createTempDirectory(configDir, "config");
        List<ListenerConfig> listeners = List.of(
                new ListenerConfig("smtp", wirelens.engine.ListenerKind.FORWARD, "127.0.0.1", 0, "127.0.0.1", smtp.port()),
                new ListenerConfig("billing api", wirelens.engine.ListenerKind.FORWARD, "127.0.0.1", 0, "127.0.0.1", refusedPort));
        window = WirelensApp.live(stage, listeners, null, new ListenerSettings(config.resolve("listeners.json")),
                FileDialogs.NATIVE, p -> {});
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fxRun(() -> Theme.apply(Theme.Choice.LIGHT));
        fxRun(() -> window.stage().hide());
        smtp.close();
    }

    /** The same picture in the dark theme, named NAME-dark; the window is light again afterwards. */
    private static void screenshotDark(javafx.scene.Scene scene, String name) throws Exception {
        fxRun(() -> Theme.apply(Theme.Choice.DARK));
        try {
            Fx.screenshot(scene, name + "-dark");
        } finally {
            fxRun(() -> Theme.apply(Theme.Choice.LIGHT));
        }
    }

    /**
     * Selected rows keep their text at 4.5:1 (WCAG AA) against the selection's background in both themes:
     * the failed connection's red row and an open one, with the table focused and not (AtlantaFX paints
     * a subtle background then), and the listeners' selected row.
     */
    private void assertSelectedRowsReadableInBothThemes() throws Exception {
        javafx.scene.control.TableView<ConnectionRow> connections = fx(() -> window.connections().table());
        javafx.scene.control.ListView<?> listeners = fx(() -> (javafx.scene.control.ListView<?>)
                window.listenerPane().node().lookup("#listeners"));
        for (Theme.Choice theme : List.of(Theme.Choice.LIGHT, Theme.Choice.DARK)) {
            fxRun(() -> Theme.apply(theme));
            for (boolean focused : List.of(false, true)) {
                for (long id : List.of(2L, 3L)) {
                    fxRun(() -> {
                        connections.getSelectionModel().select(window.connections().row(id));
                        (focused ? connections : window.view(3).node()).requestFocus();
                    });
                    assertTrue(fx(() -> connections.isFocused() == focused));
                    assertReadable(theme + (focused ? ", focused" : ", unfocused") + ", row " + id, connections,
                            window.connections().row(id));
                }
            }
            for (boolean focused : List.of(false, true)) {
                fxRun(() -> {
                    listeners.getSelectionModel().select(1);
                    (focused ? listeners : window.view(3).node()).requestFocus();
                });
                assertListReadable(theme + (focused ? ", focused" : ", unfocused") + ", listeners", listeners,
                        fx(() -> listeners.getItems().get(1)));
            }
        }
        fxRun(() -> {
            Theme.apply(Theme.Choice.LIGHT);
            connections.getSelectionModel().select(window.connections().row(3));
        });
    }

    /** The selected cell of {@code item}: each of its labels against the cell's background. */
    private static void assertListReadable(String what, javafx.scene.control.ListView<?> list, Object item)
            throws Exception {
        List<Color[]> pairs = fx(() -> {
            list.applyCss();
            list.layout();
            javafx.scene.control.ListCell<?> cell = list.lookupAll(".list-cell").stream()
                    .map(n -> (javafx.scene.control.ListCell<?>) n)
                    .filter(c -> c.getItem() == item).findFirst().orElseThrow();
            assertTrue(cell.isSelected(), what + ": selected");
            var fills = cell.getBackground().getFills();
            Color background = (Color) fills.get(fills.size() - 1).getFill();
            return cell.lookupAll(".label").stream()
                    .map(n -> (javafx.scene.control.Labeled) n)
                    .filter(l -> l.isVisible() && l.getText() != null && !l.getText().isEmpty())
                    .map(l -> new Color[] {(Color) l.getTextFill(), background}).toList();
        });
        assertTrue(pairs.size() >= 3, what + ": name, state and addresses shown");
        for (Color[] p : pairs) {
            double contrast = Contrast.ratio(p[0], p[1]);
            assertTrue(contrast >= 4.5, what + ": " + p[0] + " on " + p[1] + " is " + contrast);
        }
    }

    /** The selected row of {@code item}: each cell's text against the row's background. */
    private static void assertReadable(String what, javafx.scene.control.TableView<?> table, Object item)
            throws Exception {
        List<Color[]> pairs = fx(() -> {
            table.applyCss();
            table.layout();
            javafx.scene.control.TableRow<?> row = table.lookupAll(".table-row-cell").stream()
                    .map(n -> (javafx.scene.control.TableRow<?>) n)
                    .filter(r -> r.getItem() == item).findFirst().orElseThrow();
            assertTrue(row.isSelected(), what + ": selected");
            var fills = row.getBackground().getFills();
            Color background = (Color) fills.get(fills.size() - 1).getFill();
            return row.lookupAll(".table-cell").stream()
                    .map(n -> (javafx.scene.control.Labeled) n)
                    .filter(c -> c.getText() != null && !c.getText().isEmpty())
                    .map(c -> new Color[] {(Color) c.getTextFill(), background}).toList();
        });
        assertTrue(!pairs.isEmpty(), what + ": cells with text");
        for (Color[] p : pairs) {
            double contrast = Contrast.ratio(p[0], p[1]);
            assertTrue(contrast >= 4.5, what + ": " + p[0] + " on " + p[1] + " is " + contrast);
        }
    }

    /** The Add… dialog of the listeners, in both themes; every label of its form whole. */
    private void listenerDialogPictures() throws Exception {
        fxRun(() -> ((javafx.scene.control.Button) window.listenerPane().node().lookup("#listener-add")).fire());
        waitUntil("the dialog is open", () -> window.listenerPane().dialog() != null
                && window.listenerPane().dialog().getScene().getWindow().isShowing());
        javafx.scene.control.DialogPane dialog = fx(() -> window.listenerPane().dialog());
        List<String> cut = fx(() -> {
            dialog.applyCss();
            dialog.layout();
            return dialog.lookupAll(".label").stream().map(n -> (javafx.scene.control.Label) n)
                    .filter(l -> l.isVisible() && l.getText() != null && !l.getText().isEmpty()
                            && l.getWidth() + 0.5 < l.prefWidth(-1))
                    .map(javafx.scene.control.Label::getText).toList();
        });
        assertEquals(List.of(), cut, "labels cut in the listener dialog");
        Fx.screenshot(dialog.getScene(), "listener-dialog");
        screenshotDark(dialog.getScene(), "listener-dialog");
        fxRun(() -> ((javafx.scene.control.Button) dialog.lookupButton(javafx.scene.control.ButtonType.CANCEL)).fire());
    }

    /** The colours a stream view paints its lines in, and its background, as rendered. */
    record DirectionColours(Color clientToServer, Color serverToClient, Color background) {}

    private static DirectionColours directionColours(StreamView view) throws Exception {
        return fx(() -> {
            Node root = view.node();
            root.applyCss();
            Region stream = (Region) root.lookup("." + Styles.STREAM);
            Color background = (Color) stream.getBackground().getFills().get(0).getFill();
            return new DirectionColours(payloadFill(root, Styles.CLIENT_TO_SERVER),
                    payloadFill(root, Styles.SERVER_TO_CLIENT), background);
        });
    }

    /** The fill of a line's bytes in that direction (not the separator or an escape, which are dimmed). */
    private static Color payloadFill(Node root, String direction) {
        return root.lookupAll("." + direction).stream()
                .filter(n -> n instanceof Text && !n.getStyleClass().contains(Styles.SEPARATOR)
                        && !n.getStyleClass().contains(Styles.ESCAPE))
                .map(n -> (Color) ((Text) n).getFill())
                .findFirst().orElseThrow(() -> new AssertionError("no " + direction + " text shown"));
    }

    /** Answers like a small mail server, one reply per command line, until QUIT. */
    private static void serveSmtp(Socket s) throws IOException {
        s.setSoTimeout(120_000); // the test takes screenshots mid-session; a loaded machine is slow
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        reply(out, "220 mail.example.test ESMTP ready\r\n");
        String line;
        boolean data = false;
        boolean quit = false;
        while (!quit && (line = in.readLine()) != null) {
            if (data) {
                if (line.equals(".")) {
                    data = false;
                    reply(out, "250 2.0.0 Ok: queued as 4F2A1C\r\n");
                }
                continue;
            }
            String verb = line.split(" ")[0].toUpperCase(java.util.Locale.ROOT);
            switch (verb) {
                case "EHLO" -> reply(out, "250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
                        + "250-8BITMIME\r\n250 SMTPUTF8\r\n");
                case "MAIL" -> reply(out, "250 2.1.0 Ok\r\n");
                case "RCPT" -> reply(out, "250 2.1.5 Ok\r\n");
                case "DATA" -> {
                    data = true;
                    reply(out, "354 End data with <CR><LF>.<CR><LF>\r\n");
                }
                case "QUIT" -> {
                    reply(out, "221 2.0.0 Bye\r\n");
                    quit = true;
                }
                default -> reply(out, "502 5.5.2 Error: command not recognized\r\n");
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(Socket client, String text, String expectReplyStart) throws IOException {
        client.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().flush();
        if (expectReplyStart != null) {
            byte[] buffer = new byte[4096];
            int n = client.getInputStream().read(buffer);
            String reply = new String(buffer, 0, Math.max(n, 0), StandardCharsets.UTF_8);
            if (!reply.startsWith(expectReplyStart)) {
                throw new IOException("expected " + expectReplyStart + " but got " + reply);
            }
        }
    }

    @Test
    void mailSessionInTheTextAndHexViews() throws Exception {
        waitUntil("both listeners are up", () -> window.listenerPane().rows().stream().allMatch(r -> r.bound() != null));
        int smtpPort = fx(() -> window.listenerPane().rows().get(0).bound().getPort());
        int billingPort = fx(() -> window.listenerPane().rows().get(1).bound().getPort());

        // an earlier mail session, closed
        try (Socket client = Loopback.connect(smtpPort)) {
            send(client, "", "220 ");
            send(client, "EHLO build-7.ci.example.test\r\n", "250-");
            send(client, "QUIT\r\n", "221 ");
        }
        // a client of a service that is down
        try (Socket client = Loopback.connect(billingPort)) {
            client.getInputStream().read();
        }
        // the session in the pictures, still open
        try (Socket client = Loopback.connect(smtpPort)) {
            send(client, "", "220 ");
            send(client, "EHLO laptop.example.test\r\n", "250-");
            send(client, "MAIL FROM:<ana@example.test> SIZE=412\r\n", "250 ");
            send(client, "RCPT TO:<ops@example.test>\r\n", "250 ");
            send(client, "DATA\r\n", "354 ");
            send(client, "From: Ana <ana@example.test>\r\nTo: ops@example.test\r\nSubject: Nightly report \u2713\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n\r\nAll 212 checks passed.\r\nCaf\u00e9 opens at 9.\r\n"
                    + "\t-- sent through Wirelens\r\n.\r\n", "250 ");

            waitUntil("three rows", () -> window.connections().shownCount() == 3
                    && window.connections().row(3) != null && window.connections().row(3).info().chunkCount() == 11);
            fxRun(() -> {
                window.connections().table().getSelectionModel().select(window.connections().row(3));
                window.openStream(window.connections().row(3));
            });
            // the tab opens in the SMTP view by itself; these pictures are of the bytes
            waitUntil("the SMTP view is shown", () -> window.connectionTab(3).shown() == ConnectionTab.Shown.SMTP);
            fxRun(() -> window.connectionTab(3).show(ConnectionTab.Shown.BYTES));
            StreamView view = fx(() -> window.view(3));
            waitUntil("the view shows all chunks", () -> view.chunkCount() == 11 && view.lastVisibleLine() == view.lineCount() - 1);
            List<String> lines = fx(() -> java.util.stream.IntStream.range(0, view.lineCount()).mapToObj(view::lineText).toList());
            assertEquals("220 mail.example.test ESMTP ready\\r\\n", lines.get(1));
            assertTrue(lines.contains("Subject: Nightly report \u2713\\r\\n"), lines.toString());
            assertTrue(lines.contains("\\t-- sent through Wirelens\\r\\n"), lines.toString());
            waitUntil("the failed row", () -> window.connections().row(2).state() == ConnectionRow.State.ERROR);
            Thread.sleep(300); // let the status bar catch up (it refreshes 4 times a second)
            Fx.screenshot(window.stage().getScene(), "main-window");
            screenshotDark(window.stage().getScene(), "main-window");
            assertSelectedRowsReadableInBothThemes();
            listenerDialogPictures();
            fxRun(() -> {
                window.connections().table().getSelectionModel().clearSelection();
                window.notifications().node().getChildren().clear(); // shown in main-window.png already
            });
            Fx.screenshot(window.stage().getScene(), "text-view");
            DirectionColours light = directionColours(view);
            screenshotDark(window.stage().getScene(), "text-view");
            fxRun(() -> Theme.apply(Theme.Choice.DARK));
            DirectionColours dark = directionColours(view);
            fxRun(() -> Theme.apply(Theme.Choice.LIGHT));
            assertNotEquals(light.clientToServer(), dark.clientToServer(), "client → server restyled");
            assertNotEquals(light.serverToClient(), dark.serverToClient(), "server → client restyled");
            assertNotEquals(light.clientToServer(), light.serverToClient(), "the directions differ");
            assertNotEquals(dark.clientToServer(), dark.serverToClient(), "the directions differ");
            for (DirectionColours c : List.of(light, dark)) {
                assertTrue(Contrast.ratio(c.clientToServer(), c.background()) >= 4.5, c.toString());
                assertTrue(Contrast.ratio(c.serverToClient(), c.background()) >= 4.5, c.toString());
            }
            fxRun(() -> view.setMode(StreamView.Mode.HEX));
            waitUntil("the hex view is at the end", () -> view.lastVisibleLine() == view.lineCount() - 1);
            assertTrue(fx(() -> view.lineText(1)).startsWith("00000000  32 32 30 20 6d 61 69 6c"));
            Fx.screenshot(window.stage().getScene(), "hex-view");
            screenshotDark(window.stage().getScene(), "hex-view");
            send(client, "QUIT\r\n", "221 ");
        }
    }

    @Test
    void theShortcutsAreAGridWhoseColumnsNeverRunTogether(org.testfx.api.FxRobot robot) throws Exception {
        robot.clickOn("#status-connections");
        robot.press(javafx.scene.input.KeyCode.F1).release(javafx.scene.input.KeyCode.F1);
        waitUntil("the shortcuts", () -> robot.lookup("#shortcuts-grid").tryQuery().isPresent());
        javafx.scene.layout.GridPane grid = fx(() -> robot.lookup("#shortcuts-grid").queryAs(javafx.scene.layout.GridPane.class));
        waitUntil("laid out", () -> grid.getWidth() > 0);
        List<javafx.scene.Node> cells = fx(() -> List.copyOf(grid.getChildren()));
        assertEquals(2 * HelpDialogs.SHORTCUTS.size(), cells.size());
        double keysEnd = fx(() -> cells.stream().filter(n -> javafx.scene.layout.GridPane.getColumnIndex(n) == 0)
                .mapToDouble(n -> n.getBoundsInParent().getMaxX()).max().orElseThrow());
        double actionsStart = fx(() -> cells.stream().filter(n -> javafx.scene.layout.GridPane.getColumnIndex(n) == 1)
                .mapToDouble(n -> n.getBoundsInParent().getMinX()).min().orElseThrow());
        assertTrue(keysEnd < actionsStart, "keys end at " + keysEnd + ", actions start at " + actionsStart);
        for (javafx.scene.Node n : cells) {
            javafx.scene.control.Label l = (javafx.scene.control.Label) n;
            assertTrue(fx(() -> l.getWidth() + 0.5 >= l.prefWidth(-1) || l.isWrapText()), "cut: " + l.getText());
        }
        javafx.scene.Scene dialog = fx(grid::getScene);
        Fx.screenshot(dialog, "shortcuts");
        screenshotDark(dialog, "shortcuts");
        fxRun(() -> dialog.getWindow().hide());
    }
}
