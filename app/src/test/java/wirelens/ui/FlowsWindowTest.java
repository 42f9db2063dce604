package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.scene.input.Clipboard;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.capture.CaptureFile;
import wirelens.cli.Main;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerKind;
import wirelens.flows.Flow;
import wirelens.flows.FlowExports;
import wirelens.testkit.Commands;
import wirelens.testkit.Fx;
import wirelens.testkit.HarValidator;
import wirelens.testkit.Loopback;
import wirelens.testkit.Nginx;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.flows.FlowsView;
import wirelens.ui.listeners.ListenerSettings;

/**
 * The Flows list in the real window: curl through the HTTP proxy listener to nginx and to a small echo
 * origin; the rows, each filter form, the detail, copy as curl run again against the origin, a reopened
 * capture, and {@code --read CAPTURE --flows} / {@code --curl N} on the same capture.
 */
@ExtendWith(ApplicationExtension.class)
class FlowsWindowTest {
    @TempDir
    static Path configDir;
    @TempDir
    Path dir;

    private MainWindow window;
    private MainWindow viewer;
    private Stage stage;
    private Path capture;
    private Nginx nginx;
    private HttpServer echo;
    private final Deque<Path> answers = new ArrayDeque<>();

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        Path config = Files.createTempDirectory(configDir, "config");
        capture = config.resolve("flows.pcapng");
        FileDialogs dialogs = new FileDialogs() {
            @Override
            public Optional<Path> open(Window owner, String title) {
                return Optional.ofNullable(answers.poll());
            }

            @Override
            public Optional<Path> save(Window owner, String title, String suggestedName) {
                return Optional.ofNullable(answers.poll());
            }
        };
        window = WirelensApp.live(stage, List.of(ListenerConfig.http("127.0.0.1", 0)), capture,
                new ListenerSettings(config.resolve("listeners.json")), dialogs, path -> {});
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        fxRun(() -> window.stage().hide());
        if (viewer != null) {
            fxRun(() -> viewer.stage().hide());
        }
        if (nginx != null) {
            nginx.close();
        }
        if (echo != null) {
            echo.stop(0);
        }
    }

    /** One expected row: method, URL, status. */
    private record Row(String method, String url, int status) {}

    @Test
    void fiftyRequestsOverThreeConnectionsAreFiftyRowsInOrderAndEachFilterFindsItsOwn() throws Exception {
        Nginx.assumeInstalled();
        int proxy = proxyPort();
        Path root = Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(root.resolve("api"));
        root.toFile().setReadable(true, false);
        for (int i = 1; i <= 17; i++) {
            Files.writeString(root.resolve("f" + i + ".txt"), "file " + i + " says needle-" + i + "\n");
            Files.writeString(root.resolve("api/item" + i + ".json"), "{\"item\":" + i + "}\n");
        }
        int port = Loopback.freePort();
        nginx = Nginx.start(dir, """
                server {
                  listen 127.0.0.1:%d;
                  access_log off;
                  types { text/plain txt; application/json json; }
                  root %s;
                  location = /api/submit {
                    default_type application/json;
                    return 201 '{"created":true}';
                  }
                }
                """.formatted(port, root), port);
        String origin = "http://127.0.0.1:" + port;
        List<Row> expected = new ArrayList<>();
        // three curl runs, one after the other, each on one keep-alive connection through the proxy
        List<String> first = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-x", "127.0.0.1:" + proxy));
        for (int i = 1; i <= 16; i++) {
            first.add(origin + "/f" + i + ".txt");
            expected.add(new Row("GET", origin + "/f" + i + ".txt", 200));
        }
        first.add(origin + "/missing.txt");
        expected.add(new Row("GET", origin + "/missing.txt", 404));
        List<String> second = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-x", "127.0.0.1:" + proxy));
        for (int i = 1; i <= 16; i++) {
            second.add(origin + "/api/item" + i + ".json?n=" + i);
            expected.add(new Row("GET", origin + "/api/item" + i + ".json?n=" + i, 200));
        }
        second.addAll(List.of("--next", "-sS", "-o", "/dev/null", "-x", "127.0.0.1:" + proxy,
                "-H", "Content-Type: application/json", "--data-binary", "{\"name\":\"new\"}", origin + "/api/submit"));
        expected.add(new Row("POST", origin + "/api/submit", 201));
        List<String> third = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-x", "127.0.0.1:" + proxy));
        for (int i = 1; i <= 16; i++) {
            third.add(origin + "/f" + i + ".txt?third");
            expected.add(new Row("GET", origin + "/f" + i + ".txt?third", 200));
        }
        for (List<String> run : List.of(first, second, third)) {
            Commands.Result r = Commands.run(dir, run);
            assertEquals(0, r.exit(), r.err());
        }
        assertEquals(50, expected.size());
        FlowsView flows = fx(() -> window.flows());
        waitUntil("50 flows, all answered", () -> flows.all().size() == 50 && flows.all().stream().noneMatch(Flow::pending));
        List<Flow> rows = fx(flows::all);
        for (int i = 0; i < 50; i++) {
            Flow f = rows.get(i);
            Row want = expected.get(i);
            assertEquals(i + 1, f.number());
            assertEquals(want, new Row(f.method(), f.url(), f.status()), "row " + (i + 1));
        }
        assertEquals(3, rows.stream().mapToLong(Flow::connectionId).distinct().count(), "three connections");
        assertEquals("text/plain", rows.get(0).contentType());
        assertEquals(21, rows.get(0).responseBodyBytes(), "'file 1 says needle-1\\n'");

        // each filter form
        assertEquals(50, shownFor(flows, "host:127.0.0.1"));
        assertEquals(1, shownFor(flows, "method:POST"));
        assertEquals(49, shownFor(flows, "!method:POST"));
        assertEquals(1, shownFor(flows, "status:404"));
        assertEquals(1, shownFor(flows, "status:4xx"));
        assertEquals(49, shownFor(flows, "status:2xx"));
        assertEquals(17, shownFor(flows, "type:json"));
        assertEquals(17, shownFor(flows, "path:/api"));
        assertEquals(16, shownFor(flows, "path:/api method:GET"));
        assertEquals(32, shownFor(flows, "path:~^/f\\d+\\.txt"));
        // text in bodies: only the files of needle-7 (twice: the first and the third run)
        assertEquals(2, searchedFor(flows, "\"says needle-7\""));
        assertEquals(2, searchedFor(flows, "needle-7"));
        assertEquals(14, searchedFor(flows, "~needle-1[0-6]\\b"));
        assertEquals(1, searchedFor(flows, "~\"created\":true"));
        assertEquals(49, searchedFor(flows, "!created"));
        fxRun(() -> flows.filter().setText("status:abc"));
        assertTrue(fx(() -> flows.filterError().getText()).startsWith("at 1: status: wants a code"),
                fx(() -> flows.filterError().getText()));
        assertEquals(49, fx(() -> flows.shown().size()), "a wrong filter leaves the last good one (!created)");
        fxRun(() -> flows.filter().setText("method:GET ~(unclosed"));
        assertTrue(fx(() -> flows.filterError().getText()).matches("at 2[12]: bad regular expression: Unclosed group.*"),
                fx(() -> flows.filterError().getText()));
        fxRun(() -> flows.filter().setText(""));
        assertEquals("", fx(() -> flows.filterError().getText()));
        assertEquals(50, fx(() -> flows.shown().size()));

        // the detail of the POST: both heads and the JSON body, and the timing
        fxRun(() -> {
            window.showFlows();
            flows.table().getSelectionModel().select(33);
            flows.table().scrollTo(26);
            // as a user would drag the divider: a narrow listener pane
            for (javafx.scene.Node n : stage.getScene().getRoot().lookupAll(".split-pane")) {
                javafx.scene.control.SplitPane pane = (javafx.scene.control.SplitPane) n;
                if (pane.getItems().size() == 2 && pane.getItems().get(0) == window.listenerPane().node()) {
                    pane.setDividerPositions(0.1);
                }
                if (pane.getItems().size() == 2 && pane.getItems().get(0) == flows.table()) {
                    pane.setDividerPositions(0.72);
                }
            }
        });
        waitUntil("the POST's response is shown", () -> flowResponseBody(flows).contains("\"created\" : true"));
        assertTrue(fx(() -> flowRequestHead(flows)).startsWith("POST " + origin + "/api/submit HTTP/1.1"));
        Fx.screenshot(stage.getScene(), "flows-view");

        // the same list from the capture file, in the window and headless
        CaptureFile reopened = CaptureFile.open(capture);
        fxRun(() -> {
            viewer = WirelensApp.viewer(new Stage(), reopened, FileDialogs.NATIVE, p -> {});
            viewer.stage().show();
        });
        waitUntil("the reopened capture lists 50 flows", () -> viewer.flows().all().size() == 50);
        List<Flow> again = fx(() -> viewer.flows().all());
        for (int i = 0; i < 50; i++) {
            assertEquals(expected.get(i), new Row(again.get(i).method(), again.get(i).url(), again.get(i).status()));
        }
        String listed = cli("--read", capture.toString(), "--flows");
        String[] lines = listed.split("\n");
        assertEquals(50, lines.length, listed);
        assertTrue(lines[16].matches("#17 GET " + origin + "/missing.txt 404 \\d+ \\d+\\.\\dms"), lines[16]);
        assertTrue(lines[0].matches("#1 GET " + origin + "/f1.txt 200 21 \\d+\\.\\dms"), lines[0]);
        assertEquals("#34 POST " + origin + "/api/submit 201 16 ",
                cli("--read", capture.toString(), "--flows", "method:POST").replaceAll("\\d+\\.\\dms\\n$", ""));
        assertEquals(2, cli("--read", capture.toString(), "--flows", "needle-7").split("\n").length);
        assertEquals("", cli("--read", capture.toString(), "--flows", "status:5xx"));

        // Clear lets go of the finished connections, and their flows leave the list
        fxRun(() -> window.clear());
        assertEquals(0, fx(() -> flows.all().size()));
    }

    @Test
    void copyAsCurlReproducesABinaryBodyAndHeadersWithQuotes() throws Exception {
        int proxy = proxyPort();
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        List<String> quotes = new CopyOnWriteArrayList<>();
        echo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        echo.createContext("/echo", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            bodies.add(body);
            quotes.add(ex.getRequestHeaders().getFirst("X-Quote"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write((ex.getRequestMethod() + " " + ex.getRequestURI() + "\nX-Quote: "
                    + ex.getRequestHeaders().getFirst("X-Quote") + "\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, out.size());
            ex.getResponseBody().write(out.toByteArray());
            ex.close();
        });
        echo.start();
        byte[] binary = new byte[600];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 7);
        }
        byte[] quoteChars = "'\"$`\\%\n".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(quoteChars, 0, binary, 100, quoteChars.length);
        Path bodyFile = Files.write(dir.resolve("body.bin"), binary);
        String quote = "it's \"quoted\" $HOME `id` \\n 100%";
        String url = "http://127.0.0.1:" + echo.getAddress().getPort() + "/echo?q=a&b=[1]";
        Commands.Result viaProxy = Commands.run(dir, List.of("curl", "-sS", "-g", "-x", "127.0.0.1:" + proxy,
                "-X", "PUT", "-H", "X-Quote: " + quote, "--data-binary", "@" + bodyFile, url));
        assertEquals(0, viaProxy.exit(), viaProxy.err());
        FlowsView flows = fx(() -> window.flows());
        waitUntil("the PUT is a flow", () -> flows.all().size() == 1 && !flows.all().get(0).pending());
        Flow flow = fx(() -> flows.all().get(0));
        assertEquals("PUT", flow.method());
        assertEquals(600, flow.requestBodyBytes());

        fxRun(() -> Clipboard.getSystemClipboard().clear());
        fxRun(() -> flows.actions().copyAsCurl(List.of(flow)));
        waitUntil("a curl command is copied", () -> Clipboard.getSystemClipboard().hasString()
                && Clipboard.getSystemClipboard().getString().contains("curl"));
        String command = fx(() -> Clipboard.getSystemClipboard().getString());
        assertTrue(command.startsWith("printf '"), "a body with NUL bytes is piped in: " + command);
        // the copied command, run by a shell against the origin directly, gets the same response
        Commands.Result direct = Commands.run(dir, List.of("bash", "-c", command + " -sS"));
        assertEquals(0, direct.exit(), direct.err());
        Path flowResponse = dir.resolve("response.bin");
        FlowExports.saveBody(CaptureFile.open(capture), flow, FlowExports.Side.RESPONSE, flowResponse);
        assertArrayEquals(Files.readAllBytes(flowResponse), direct.out());
        assertArrayEquals(viaProxy.out(), direct.out());
        assertEquals(2, bodies.size());
        assertArrayEquals(binary, bodies.get(1));
        assertEquals(List.of(quote, quote), quotes);
        // the dash shell reads it the same way
        Commands.Result dash = Commands.run(dir, List.of("sh", "-c", command + " -sS"));
        assertEquals(0, dash.exit(), dash.err());
        assertArrayEquals(viaProxy.out(), dash.out());

        assertEquals(command, cli("--read", capture.toString(), "--curl", "1").stripTrailing());

        // save the request body; export the flow as HAR
        Path savedRequest = dir.resolve("request.bin");
        fxRun(() -> flows.actions().saveBody(flow, FlowExports.Side.REQUEST, savedRequest));
        waitUntil("the request body is saved", () -> Files.exists(savedRequest));
        assertArrayEquals(binary, Files.readAllBytes(savedRequest));
        Path har = dir.resolve("flow.har");
        fxRun(() -> flows.actions().exportHar(List.of(flow), har));
        waitUntil("the HAR is written", () -> Files.exists(har));
        com.fasterxml.jackson.databind.JsonNode entries = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(har.toFile()).at("/log/entries");
        assertEquals(1, entries.size());
        assertEquals(url, entries.get(0).at("/request/url").asText());
        assertEquals("PUT", entries.get(0).at("/request/method").asText());
        assertEquals(quote, java.util.stream.StreamSupport.stream(entries.get(0).at("/request/headers").spliterator(), false)
                .filter(h -> h.at("/name").asText().equals("X-Quote")).findFirst().orElseThrow().at("/value").asText());
        HarValidator.validate(har);
    }

    private int shownFor(FlowsView flows, String filter) throws Exception {
        fxRun(() -> flows.filter().setText(filter));
        assertEquals("", fx(() -> flows.filterError().getText()), filter);
        return fx(() -> flows.shown().size());
    }

    /** The count once the background search of heads and bodies is done. */
    private int searchedFor(FlowsView flows, String filter) throws Exception {
        fxRun(() -> flows.filter().setText(filter));
        assertEquals("", fx(() -> flows.filterError().getText()), filter);
        waitUntil("the search of " + filter + " is done", () -> flows.searchStatus().getText().startsWith("searched"));
        return fx(() -> flows.shown().size());
    }

    private static String flowResponseBody(FlowsView flows) {
        return ((org.fxmisc.richtext.StyleClassedTextArea) flows.node().lookup("#flow-response-body")).getText();
    }

    private static String flowRequestHead(FlowsView flows) {
        return ((org.fxmisc.richtext.StyleClassedTextArea) flows.node().lookup("#flow-request-head")).getText();
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        assertFalse(err.toString().contains("Exception"), err.toString());
        return out.toString();
    }

    private int proxyPort() throws Exception {
        waitUntil("the HTTP proxy is listening", () -> window.listenerPane().rows().stream()
                .anyMatch(r -> r.config().kind() == ListenerKind.HTTP && r.bound() != null));
        return fx(() -> window.listenerPane().rows().stream().filter(r -> r.bound() != null)
                .findFirst().orElseThrow().bound().getPort());
    }
}
