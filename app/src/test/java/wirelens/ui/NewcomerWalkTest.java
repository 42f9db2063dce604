package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
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
import org.testfx.util.WaitForAsyncUtils;
import wirelens.intercept.DirectionFilter;
import wirelens.testkit.Aiosmtpd;
import wirelens.testkit.Commands;
import wirelens.testkit.Loopback;
import wirelens.testkit.Nginx;
import wirelens.testkit.Swaks;
import wirelens.ui.connections.ConnectionRow;
import wirelens.ui.intercept.InterceptPane;
import wirelens.ui.listeners.ListenerPane;
import wirelens.ui.listeners.ListenerSettings;
import wirelens.ui.protocol.ConnectionTab;

/**
 * A newcomer's first hour, as one walk through the window with real peers, asserting at each step what
 * the user sees: a fresh config folder starts the default HTTP proxy; curl through it to nginx opens in
 * the HTTP view; a forward listener added in the dialog in front of aiosmtpd, and swaks through it, opens
 * in the SMTP view; intercept holds only the request, one Forward lets curl finish; Quit with unsaved
 * traffic asks first; the saved capture is named in the status bar and reopens in a viewer that says
 * nothing there is live.
 */
@ExtendWith(ApplicationExtension.class)
class NewcomerWalkTest {
    @TempDir
    static Path configDirs;
    @TempDir
    Path dir;

    private MainWindow window;
    private volatile MainWindow viewer;
    private final LiveWindowTest.ScriptedDialogs dialogs = new LiveWindowTest.ScriptedDialogs();

    @Start
    void start(Stage stage) throws Exception {
        Path fresh = Files.createTempDirectory(configDirs, "fresh");
        window = WirelensApp.live(stage, List.of(), null, new ListenerSettings(fresh.resolve("listeners.json")),
                dialogs, path -> WirelensApp.openViewerWindow(path, dialogs, p -> {}, w -> viewer = w,
                        message -> window.notifications().error(message)));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        if (viewer != null) {
            fxRun(() -> viewer.stage().hide());
        }
        fxRun(() -> window.stage().hide());
    }

    @Test
    void theFirstHour(FxRobot robot) throws Exception {
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        Aiosmtpd.assumeInstalled();
        Swaks.assumeInstalled();
        Nginx.assumeInstalled();

        // 1. The default HTTP proxy starts (8080, or, where something else has 8080, edited to a free port).
        waitUntil("the default proxy has started or failed", () -> !proxyRow().status().startsWith("starting")
                && !proxyRow().status().equals("stopped"));
        if (!fx(() -> proxyRow().status()).equals("listening")) {
            ListenerDialog edit = openOn(robot, proxyRow());
            edit.type("#bind-port", "0");
            assertTrue(edit.save());
            waitUntil("the proxy listens on a free port", () -> proxyRow().status().equals("listening"));
        }
        int proxy = fx(() -> proxyRow().bound().getPort());
        String hint = fx(() -> here(robot).lookup("#empty-hint").queryLabeled().getText());
        assertTrue(hint.contains("curl -x http://127.0.0.1:" + proxy), hint);

        // 2. curl through it to nginx: a row, and its tab opens in the HTTP view, titled by the request.
        int web = Loopback.freePort();
        Path root = Files.createDirectories(dir.resolve("www"));
        root.toFile().setReadable(true, false);
        root.toFile().setExecutable(true, false);
        Files.writeString(root.resolve("hello.txt"), "hello, newcomer\n");
        try (Nginx nginx = Nginx.start(dir, "server { listen 127.0.0.1:" + web + "; root " + root
                + "; access_log off; }", web)) {
            assertEquals("hello, newcomer\n", curl(proxy, "http://127.0.0.1:" + web + "/hello.txt"));
            waitUntil("the row of the request", () -> row(1) != null && !row(1).info().isOpen());
            assertEquals("127.0.0.1:" + web, fx(() -> row(1).targetText()));
            assertEquals("closed", fx(() -> row(1).stateText()));
            robot.doubleClickOn(rowNode(robot, 1));
            waitUntil("the HTTP view opens by itself", () -> window.connectionTab(1) != null
                    && window.connectionTab(1).shown() == ConnectionTab.Shown.HTTP);
            assertEquals("#1 GET /hello.txt", tabTitle(1));

            // 3. A forward listener in front of aiosmtpd, added in the dialog; swaks through it: the SMTP view.
            int smtp = Loopback.freePort();
            try (Aiosmtpd server = Aiosmtpd.start(dir, smtp)) {
                ListenerDialog add = ListenerDialog.open(robot, window, "#listener-add");
                add.type("#name", "mail").type("#bind-port", "0").type("#target-host", "127.0.0.1")
                        .type("#target-port", Integer.toString(smtp));
                assertTrue(add.save(), "the dialog closes once the listener is added");
                waitUntil("the mail listener listens", () -> listener("mail") != null && listener("mail").bound() != null);
                int mail = fx(() -> listener("mail").bound().getPort());
                Commands.Result swaks = Swaks.run("--server", "127.0.0.1:" + mail, "--helo", "laptop.test",
                        "--from", "ana@example.test", "--to", "ops@example.test", "--header", "Subject: first hour");
                assertEquals(0, swaks.exit(), swaks.text());
                waitUntil("the mail row", () -> row(2) != null && !row(2).info().isOpen());
                assertEquals("mail", fx(() -> row(2).info().listenerName()));
                robot.doubleClickOn(rowNode(robot, 2));
                waitUntil("the SMTP view opens by itself", () -> window.connectionTab(2) != null
                        && window.connectionTab(2).shown() == ConnectionTab.Shown.SMTP);
                assertEquals("#2 SMTP ana@example.test \u2192 ops@example.test", tabTitle(2));
            }

            // 4. Intercept on: only the request is held; one Forward and curl has its answer.
            fxRun(() -> window.stage().requestFocus());
            robot.clickOn("#status-connections");
            robot.push(KeyCode.SHORTCUT, KeyCode.I);
            waitUntil("the intercept tab", () -> window.workspace().getSelectionModel().getSelectedItem().getId()
                    .equals("tab-intercept"));
            assertEquals(DirectionFilter.C2S, fx(() -> window.interceptPane().direction()));
            CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return curl(proxy, "http://127.0.0.1:" + web + "/hello.txt");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            InterceptPane pane = fx(() -> window.interceptPane());
            waitUntil("the request is held", () -> pane.table().getItems().size() == 1);
            waitUntil("the tab counts it", () -> window.workspace().getTabs().get(1).getText().equals("Intercept (1)"));
            robot.clickOn(fx(() -> here(robot).lookup("#intercept-forward").<Node>query()));
            assertEquals("hello, newcomer\n", held.get(60, TimeUnit.SECONDS), "one Forward: the answer is not held");
            assertEquals(0, (int) fx(() -> pane.table().getItems().size()));
            waitUntil("the tab counts none", () -> window.workspace().getTabs().get(1).getText().equals("Intercept"));
            robot.push(KeyCode.SHORTCUT, KeyCode.I);
            waitUntil("intercept is off", () -> !window.interceptPane().enabledProperty().get());
            waitUntil("the intercepted request's row", () -> row(3) != null && !row(3).info().isOpen());
        }

        // 5. Quit with traffic recorded nowhere else asks first; Cancel keeps the window and its traffic.
        Platform.runLater(window::quit);
        DialogPane ask = StreamSelectionWindowTest.quitDialog(robot);
        assertEquals("Save the capture before quitting?", fx(ask::getHeaderText));
        robot.clickOn(StreamSelectionWindowTest.button(ask, "Cancel"));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(fx(() -> window.stage().isShowing()), "Cancel keeps the window");

        // 6. Save: the status bar names the file.
        Path saved = dir.resolve("first-hour.pcapng");
        dialogs.answers.add(saved);
        fxRun(() -> window.workspace().getSelectionModel().select(0));
        robot.push(KeyCode.SHORTCUT, KeyCode.S);
        waitUntil("the status bar names the saved file", () -> ((Label) window.stage().getScene()
                .lookup("#status-capture")).getText().startsWith("saved: " + saved + " at "));

        // 7. Reopen: a viewer with a banner that says what it is, and the same rows.
        dialogs.answers.add(saved);
        robot.push(KeyCode.SHORTCUT, KeyCode.O);
        waitUntil("a viewer with the three connections", () -> viewer != null && viewer.connections().row(3) != null);
        String banner = fx(() -> ((Label) viewer.stage().getScene().lookup("#viewer-banner-text")).getText());
        assertTrue(banner.startsWith("Viewing first-hour.pcapng \u2014 recorded ")
                && banner.endsWith(", 3 connections. Nothing here is live."), banner);
        assertEquals("127.0.0.1:" + web, fx(() -> viewer.connections().row(1).targetText()));
        assertEquals("mail", fx(() -> viewer.connections().row(2).info().listenerName()));
        fxRun(() -> viewer.openStream(viewer.connections().row(2)));
        waitUntil("the viewer opens the mail in the SMTP view", () -> viewer.connectionTab(2) != null
                && viewer.connectionTab(2).shown() == ConnectionTab.Shown.SMTP);
    }

    private ListenerPane.Row proxyRow() {
        return listener(ListenerPane.DEFAULT_PROXY.name());
    }

    private ListenerPane.Row listener(String name) {
        return window.listenerPane().rows().stream().filter(r -> r.config().name().equals(name)).findFirst()
                .orElse(null);
    }

    /** Selects the listener's cell and opens Edit…. */
    private ListenerDialog openOn(FxRobot robot, ListenerPane.Row row) throws Exception {
        fxRun(() -> ((javafx.scene.control.ListView<?>) here(robot).lookup("#listeners").query())
                .getSelectionModel().select(window.listenerPane().rows().indexOf(row)));
        return ListenerDialog.open(robot, window, "#listener-edit");
    }

    private ConnectionRow row(long id) {
        return window.connections().row(id);
    }

    private Node rowNode(FxRobot robot, long id) throws Exception {
        return fx(() -> here(robot).lookup("#connections .table-row-cell").queryAll().stream()
                .filter(n -> ((TableRow<?>) n).getItem() instanceof ConnectionRow r && r.id() == id)
                .findFirst().orElseThrow());
    }

    /** The title of connection {@code id}'s tab as the tab shows it. */
    private String tabTitle(long id) throws Exception {
        return fx(() -> window.tabs().getTabs().stream()
                .map(t -> t.getGraphic() instanceof Label l ? l.getText() : t.getText())
                .filter(t -> t != null && t.startsWith("#" + id + " ")).findFirst().orElse(null));
    }

    private org.testfx.service.query.NodeQuery here(FxRobot robot) {
        return robot.from(window.stage().getScene().getRoot());
    }

    private static String curl(int proxy, String url) throws Exception {
        return Commands.check("curl", "-sS", "--max-time", "60", "-x", "http://127.0.0.1:" + proxy, url);
    }
}
