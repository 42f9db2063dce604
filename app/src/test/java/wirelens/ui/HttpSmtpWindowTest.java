package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.countLabeled;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
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
import wirelens.engine.ListenerKind;
import wirelens.testkit.Aiosmtpd;
import wirelens.testkit.Commands;
import wirelens.testkit.Fx;
import wirelens.testkit.Loopback;
import wirelens.testkit.Swaks;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.listeners.ListenerSettings;
import wirelens.ui.protocol.ConnectionTab;
import wirelens.ui.protocol.HttpView;
import wirelens.ui.protocol.SmtpView;

/**
 * The SMTP and HTTP views inside the real window: a forward listener in front of aiosmtpd and an HTTP
 * proxy listener, both given on the "command line"; swaks and Java's HTTP client through them; the
 * connection tabs offer SMTP and HTTP beside the bytes; File → Export writes HAR and .eml files.
 */
@ExtendWith(ApplicationExtension.class)
class HttpSmtpWindowTest {
    private static final String JSON = "{\"user\":{\"id\":7,\"name\":\"Ada\"},\"roles\":[\"admin\",\"dev\"]}";

    @TempDir
    static Path configDir;
    @TempDir
    Path dir;

    private MainWindow window;
    private Stage stage;
    private int smtpPort;
    private Aiosmtpd smtpServer;
    private HttpServer httpServer;
    private final Deque<Path> answers = new ArrayDeque<>();

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        smtpPort = Loopback.freePort();
        Path config = Files.createTempDirectory(configDir, "config");
        FileDialogs dialogs = new FileDialogs() {
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
        };
        window = WirelensApp.live(stage, List.of(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", smtpPort),
                ListenerConfig.http("127.0.0.1", 0)), null, new ListenerSettings(config.resolve("listeners.json")),
                dialogs, path -> {});
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        fxRun(() -> window.stage().hide());
        if (smtpServer != null) {
            smtpServer.close();
        }
        if (httpServer != null) {
            httpServer.stop(0);
        }
    }

    @Test
    void connectionTabsOfferSmtpAndHttpViewsAndTheCaptureExports(FxRobot robot) throws Exception {
        Aiosmtpd.assumeInstalled();
        Swaks.assumeInstalled();
        smtpServer = Aiosmtpd.start(dir, smtpPort);
        int forwardPort = boundPort(ListenerKind.FORWARD);
        int proxyPort = boundPort(ListenerKind.HTTP);

        Path attachment = Files.writeString(dir.resolve("notes.txt"), "meeting notes\n");
        Commands.Result swaks = Swaks.run("--server", "127.0.0.1:" + forwardPort,
                "--helo", "client.test", "--from", "alice@example.test", "--to", "bob@example.test",
                "--header", "Subject: minutes", "--body", "see attached", "--attach", attachment.toString());
        assertEquals(0, swaks.exit(), swaks.text());
        startHttpServer();
        String origin = "http://127.0.0.1:" + httpServer.getAddress().getPort();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort))).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(origin + "/api/user"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        waitUntil("both connections are in the table", () -> window.connections().row(1) != null
                && window.connections().row(2) != null && !window.connections().row(1).info().isOpen());

        // The SMTP connection's tab opens in the SMTP view by itself; the view shows the transcript.
        fxRun(() -> window.openStream(window.connections().row(1)));
        waitUntil("the SMTP view is shown", () -> window.connectionTab(1).shown() == ConnectionTab.Shown.SMTP);
        assertFalse(fx(() -> window.connectionTab(1).offers(ConnectionTab.Shown.HTTP)));
        waitUntil("the tab is named by the envelope", () -> window.connectionTab(1).title().get()
                .equals("#1 SMTP alice@example.test \u2192 bob@example.test"));
        SmtpView smtp = fx(() -> window.connectionTab(1).smtpView());
        waitUntil("the transcript is shown", () -> smtp.session() != null && !smtp.session().messages().isEmpty()
                && smtp.transcript().getItems().size() == smtp.session().exchanges().size()
                && smtp.session().exchanges().stream().noneMatch(e -> e.waiting()));
        assertEquals(1, fx(() -> countLabeled(smtp, SmtpView.REPLY_3XX, "354")));
        fxRun(() -> smtp.details().getSelectionModel().select(1));
        waitUntil("the attachment is listed", () -> !smtp.attachments().getItems().isEmpty());
        fxRun(() -> smtp.attachments().getSelectionModel().select(0));
        giveTheTabsRoom();
        Fx.screenshot(stage.getScene(), "smtp-view");

        // The HTTP proxy connection's tab opens in the HTTP view at once; the view decodes the gzip'd JSON.
        fxRun(() -> window.openStream(window.connections().row(2)));
        assertEquals(ConnectionTab.Shown.HTTP, fx(() -> window.connectionTab(2).shown()));
        waitUntil("the tab is named by the request", () -> window.connectionTab(2).title().get()
                .equals("#2 GET /api/user"));
        HttpView http = fx(() -> window.connectionTab(2).httpView());
        waitUntil("the JSON is shown", () -> http.response().body().getText().contains("\"name\" : \"Ada\""));
        assertTrue(fx(() -> http.response().body().getText()).startsWith("{\n  \"user\" : {\n    \"id\" : 7,"));
        Fx.screenshot(stage.getScene(), "http-view");

        // File → Export → HAR… and Messages (.eml)… for the whole capture.
        Path har = dir.resolve("capture.har");
        answers.add(har);
        clickMenu(robot, "#menu-export-har");
        waitUntil("the HAR is written", () -> Files.exists(har));
        JsonNode entries = new ObjectMapper().readTree(har.toFile()).path("log").path("entries");
        assertEquals(1, entries.size());
        assertEquals(origin + "/api/user", entries.get(0).path("request").path("url").asText());
        assertEquals(JSON, entries.get(0).path("response").path("content").path("text").asText());

        Path emlDir = dir.resolve("eml");
        answers.add(emlDir);
        clickMenu(robot, "#menu-export-eml");
        Path eml = emlDir.resolve("conn-1-msg-1.eml");
        waitUntil("the .eml is written", () -> Files.exists(eml) && Files.size(eml) > 0);
        byte[] expected = fx(() -> smtp.session().messages().get(0).bytes());
        waitUntil("the .eml is complete", () -> Files.size(eml) == expected.length);
        assertArrayEquals(expected, Files.readAllBytes(eml));
        assertTrue(new String(expected, StandardCharsets.UTF_8).contains("Subject: minutes"));

        // A user who switches an HTTP tab to its bytes gets the next HTTP connection's tab in bytes too.
        robot.clickOn("#show-bytes-2");
        HttpClient another = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort))).build();
        assertEquals(200, another.send(HttpRequest.newBuilder(URI.create(origin + "/api/user"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        waitUntil("the third connection is in the table", () -> window.connections().row(3) != null);
        fxRun(() -> window.openStream(window.connections().row(3)));
        assertEquals(ConnectionTab.Shown.BYTES, fx(() -> window.connectionTab(3).shown()));
        assertTrue(fx(() -> window.connectionTab(3).offers(ConnectionTab.Shown.HTTP)));
    }

    /** Fires a menu item of the window's menu bar, found by id (menu popups are not nodes TestFX can query). */
    private void clickMenu(FxRobot robot, String itemId) throws Exception {
        fxRun(() -> {
            javafx.scene.control.MenuBar bar = (javafx.scene.control.MenuBar) stage.getScene().getRoot()
                    .lookup(".menu-bar");
            javafx.scene.control.MenuItem item = find(bar.getMenus(), itemId.substring(1));
            if (item == null) {
                throw new AssertionError("no menu item " + itemId);
            }
            item.fire();
        });
    }

    private static javafx.scene.control.MenuItem find(List<? extends javafx.scene.control.MenuItem> items, String id) {
        for (javafx.scene.control.MenuItem item : items) {
            if (id.equals(item.getId())) {
                return item;
            }
            if (item instanceof javafx.scene.control.Menu m) {
                javafx.scene.control.MenuItem found = find(m.getItems(), id);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** As a user would drag the dividers: a narrow listener pane, a short connection table. */
    private void giveTheTabsRoom() throws Exception {
        fxRun(() -> {
            for (javafx.scene.Node n : stage.getScene().getRoot().lookupAll(".split-pane")) {
                javafx.scene.control.SplitPane pane = (javafx.scene.control.SplitPane) n;
                if (pane.getItems().stream().anyMatch(i -> i.lookup("#streams") != null || i.getId() != null
                        && i.getId().equals("streams")) && pane.getDividers().size() == 1) {
                    pane.setDividerPositions(pane.getOrientation() == javafx.geometry.Orientation.VERTICAL ? 0.17 : 0.16);
                }
            }
            stage.getScene().getRoot().layout();
        });
    }

    private int boundPort(ListenerKind kind) throws Exception {
        waitUntil(kind + " listener is listening", () -> window.listenerPane().rows().stream()
                .anyMatch(r -> r.config().kind() == kind && r.bound() != null));
        return fx(() -> window.listenerPane().rows().stream().filter(r -> r.config().kind() == kind && r.bound() != null)
                .findFirst().orElseThrow().bound().getPort());
    }

    private void startHttpServer() throws Exception {
        httpServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        httpServer.createContext("/api/user", ex -> {
            ex.getRequestBody().readAllBytes();
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(JSON.getBytes(StandardCharsets.UTF_8));
            }
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("Content-Encoding", "gzip");
            ex.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = ex.getResponseBody()) {
                out.write(gz.toByteArray());
            }
        });
        httpServer.start();
    }
}
