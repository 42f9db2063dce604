package wirelens.ui.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.countLabeled;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.capture.Recorder;
import wirelens.engine.Direction;
import wirelens.engine.Engine;
import wirelens.engine.EngineEvent;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.proto.http.Exchange;
import wirelens.testkit.Fx;
import wirelens.ui.base.Pulse;
import wirelens.ui.base.Theme;

/**
 * The HTTP view on real exchanges: Java's HTTP client -> the engine's HTTP proxy listener (recorded to
 * a capture file) -> a small HTTP server on loopback that sends gzip'd chunked JSON, a PNG and a 404.
 * The view follows the live capture from before the connection exists; then the capture is reopened.
 */
@ExtendWith(ApplicationExtension.class)
class HttpViewTest {

    private static final String JSON = "{\"name\":\"wirelens\",\"items\":[1,2,3],\"nested\":{\"ok\":true,\"text\":\"gzip'd and chunked\"}}";

    @TempDir
    Path dir;

    private final StackPane holder = new StackPane();
    private Scene scene;
    private HttpServer server;
    private Engine engine;
    private Recorder recorder;
    private final List<HttpView> views = new ArrayList<>();
    /** The views follow a pulse as they do in the window. */
    private Pulse pulse;

    @Start
    void start(Stage stage) {
        Theme.install(); // the look of the window, for the screenshots
        pulse = new Pulse();
        pulse.start();
        scene = new Scene(holder, 1280, 800);
        stage.setScene(scene);
        stage.setTitle("Wirelens \u2013 HTTP view");
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        fxRun(() -> {
            views.forEach(HttpView::close);
            pulse.stop();
        });
        if (engine != null) {
            engine.close();
        }
        if (recorder != null) {
            recorder.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void exchangesAreListedGzipDecodedJsonPrettyPrintedAndImagesPreviewed(FxRobot robot) throws Exception {
        byte[] png = png(40, 20);
        startServer(png);
        EventQueue queue = new EventQueue(16L << 20);
        engine = new Engine(queue, EngineOptions.defaults());
        engine.start();
        recorder = Recorder.toFile(queue, dir.resolve("http.pcapng"));
        recorder.start();
        int proxyPort = engine.addListener(ListenerConfig.http("127.0.0.1", 0)).get(10, TimeUnit.SECONDS)
                .address().getPort();

        HttpView live = show(recorder.file().orElseThrow(), 1);
        String origin = "http://127.0.0.1:" + server.getAddress().getPort();
        try (HttpClientHolder client = new HttpClientHolder(proxyPort)) {
            HttpResponse<byte[]> json = client.get(origin + "/data.json?pretty=no");
            assertEquals(200, json.statusCode());
            assertEquals(200, client.get(origin + "/pixel.png").statusCode());
            assertEquals(404, client.get(origin + "/missing").statusCode());
        }
        waitUntil("three complete exchanges are listed", () -> live.table().getItems().size() == 3
                && live.table().getItems().stream().allMatch(e -> e.state() == Exchange.State.COMPLETE));
        assertEquals(1, recorder.index().connectionCount(), "the client kept one connection alive");

        List<Exchange> rows = fx(() -> List.copyOf(live.table().getItems()));
        assertEquals(List.of("GET", "GET", "GET"), rows.stream().map(Exchange::method).toList());
        assertEquals(List.of(origin + "/data.json?pretty=no", origin + "/pixel.png", origin + "/missing"),
                rows.stream().map(Exchange::url).toList());
        assertEquals(List.of(200, 200, 404), rows.stream().map(Exchange::status).toList());
        assertEquals(2, fx(() -> countLabeled(live, HttpView.STATUS_2XX, "200 OK")));
        assertEquals(1, fx(() -> countLabeled(live, HttpView.STATUS_4XX, "404 Not Found")));

        // The JSON: chunked and gzip undone, pretty-printed.
        fxRun(() -> live.table().getSelectionModel().select(0));
        waitUntil("the JSON body is shown", () -> live.response().body().getText().contains("\"name\" : \"wirelens\""));
        String shown = fx(() -> live.response().body().getText());
        assertTrue(shown.startsWith("{\n  \"name\" : \"wirelens\",\n  \"items\" : [ 1, 2, 3 ],"), shown);
        assertTrue(shown.contains("\"text\" : \"gzip'd and chunked\""), shown);
        assertTrue(fx(() -> live.response().body().getStyleOfChar(shown.indexOf("\"name\"") + 1)).contains(BodyText.KEY),
                "JSON keys are styled as keys");
        String head = fx(() -> live.response().head().getText());
        assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
        assertTrue(fx(() -> live.response().head().getStyleOfChar(10)).contains(HeadText.STATUS_PREFIX + "2xx"),
                "the status code is coloured as a success");
        int nameAt = head.toLowerCase(java.util.Locale.ROOT).indexOf("\ncontent-encoding") + 2;
        assertTrue(fx(() -> live.response().head().getStyleOfChar(nameAt)).contains(HeadText.NAME),
                "header names are styled as names");
        String lower = head.toLowerCase(java.util.Locale.ROOT);
        assertTrue(lower.contains("\ncontent-encoding: gzip") && lower.contains("\ntransfer-encoding: chunked"), head);
        assertTrue(fx(() -> live.response().note().getText()).contains("gzip decoded: " + JSON.length() + " B"),
                fx(() -> live.response().note().getText()));
        assertTrue(fx(() -> live.request().head().getText()).startsWith("GET " + origin + "/data.json?pretty=no HTTP/1.1"));
        Fx.screenshot(scene, "http-view-alone");

        // Hex of the decoded body.
        robot.clickOn("#http-response-hex");
        waitUntil("hex is shown", () -> live.response().body().getText().startsWith("00000000  7b 22 6e 61 6d 65"));

        // The PNG: previewed as an image of the right size.
        fxRun(() -> live.table().getSelectionModel().select(1));
        waitUntil("the PNG is previewed", () -> live.response().mode() == HttpView.Mode.IMAGE
                && live.response().image().getImage() != null);
        assertEquals(40, fx(() -> live.response().image().getImage().getWidth()));
        assertEquals(20, fx(() -> live.response().image().getImage().getHeight()));

        // Reopened from disk: the same exchanges and the same decoded JSON.
        engine.close();
        recorder.close();
        try (CaptureFile reopened = CaptureFile.open(dir.resolve("http.pcapng"))) {
            fxRun(live::close);
            HttpView again = show(reopened, 1);
            waitUntil("the reopened exchanges are listed", () -> again.table().getItems().size() == 3);
            assertEquals(rows.stream().map(Exchange::url).toList(),
                    fx(() -> again.table().getItems().stream().map(Exchange::url).toList()));
            waitUntil("the reopened JSON is shown", () -> again.response().body().getText().equals(shown));
        }
    }

    @Test
    void aBigBodyIsReadBackCappedAndSaysSo() throws Exception {
        startServer(png(2, 2));
        EventQueue queue = new EventQueue(16L << 20);
        engine = new Engine(queue, EngineOptions.defaults());
        engine.start();
        recorder = Recorder.toFile(queue, dir.resolve("big.pcapng"));
        recorder.start();
        int proxyPort = engine.addListener(ListenerConfig.http("127.0.0.1", 0)).get(10, TimeUnit.SECONDS)
                .address().getPort();
        HttpView view = show(recorder.file().orElseThrow(), 1);
        byte[] big = bigText();
        try (HttpClientHolder client = new HttpClientHolder(proxyPort)) {
            HttpResponse<byte[]> r = client.get("http://127.0.0.1:" + server.getAddress().getPort() + "/big.txt");
            assertEquals(big.length, r.body().length);
        }
        waitUntil("the big exchange is complete", () -> view.table().getItems().size() == 1
                && view.table().getItems().get(0).state() == Exchange.State.COMPLETE);
        waitUntil("the body is shown", () -> view.response().note().getText().contains("showing the first"));
        String text = fx(() -> view.response().body().getText());
        assertTrue(text.startsWith("line 0 of a big body"), text.substring(0, 40));
        assertTrue(text.length() <= HttpView.MAX_TEXT_CHARS + 200, "rendered " + text.length() + " chars");
        assertTrue(text.endsWith(")"), "says it was cut");
        assertTrue(fx(() -> view.response().note().getText()).contains(Units.bytes(big.length) + " on the wire"));
        fxRun(() -> view.response().setMode(HttpView.Mode.HEX));
        String hex = fx(() -> view.response().body().getText());
        assertTrue(hex.split("\n").length <= HttpView.MAX_HEX_BYTES / 16 + 1, "hex is capped");
    }

    @Test
    void aDecryptedTunnelsExchangesAreListedLikePlainOnesWithHttpsUrls() throws Exception {
        Path file = dir.resolve("tunnel.pcapng");
        EventQueue queue = new EventQueue(16L << 20);
        try (Recorder tunnel = Recorder.toFile(queue, file)) {
            tunnel.start();
            long time = 1_763_700_000_000_000_000L;
            ListenerConfig proxy = ListenerConfig.http("127.0.0.1", 8080);
            queue.publish(new EngineEvent.Opened(1, 1, proxy, new InetSocketAddress("127.0.0.1", 50000),
                    new InetSocketAddress("127.0.0.1", 8443), time));
            String[] talk = {
                "CONNECT localhost:8443 HTTP/1.1\r\nHost: localhost:8443\r\n\r\n",
                "HTTP/1.1 200 Connection established\r\n\r\n",
                "GET /a HTTP/1.1\r\nHost: localhost:8443\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nfirst\n",
                "GET /b HTTP/1.1\r\nHost: localhost:8443\r\n\r\n",
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"};
            for (int k = 0; k < talk.length; k++) {
                if (k == 2) { // the client's handshake with Wirelens: what follows was decrypted
                    queue.publish(EngineEvent.Tls.done(1, time += 500_000, wirelens.engine.Side.CLIENT,
                            new wirelens.tls.TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", "localhost", "http/1.1",
                                    1_000_000, List.of(), true), false));
                }
                byte[] bytes = talk[k].getBytes(StandardCharsets.US_ASCII);
                queue.publish(new EngineEvent.Chunk(1, k % 2 == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT,
                        time += 1_000_000, bytes, bytes));
            }
            queue.publish(new EngineEvent.Closed(1, time + 1_000_000, 0, 0, false));
        }
        try (CaptureFile reopened = CaptureFile.open(file)) {
            HttpView view = show(reopened, 1);
            waitUntil("three exchanges are listed", () -> view.table().getItems().size() == 3);
            List<Exchange> rows = fx(() -> List.copyOf(view.table().getItems()));
            assertEquals(List.of("https://localhost:8443/", "https://localhost:8443/a", "https://localhost:8443/b"),
                    rows.stream().map(Exchange::url).toList());
            assertEquals(1, fx(() -> countLabeled(view, HttpView.STATUS_2XX, "200 tunnel, TLS decrypted")));
            assertEquals(1, fx(() -> countLabeled(view, HttpView.STATUS_2XX, "200 OK")));
            assertEquals(1, fx(() -> countLabeled(view, HttpView.STATUS_4XX, "404 Not Found")));
            fxRun(() -> view.table().getSelectionModel().select(1));
            waitUntil("the decrypted body is shown", () -> view.response().body().getText().equals("first\n"));
            fxRun(() -> view.table().getSelectionModel().select(0));
            waitUntil("the CONNECT says its exchanges follow",
                    () -> view.response().note().getText().equals("tunnel: TLS decrypted, its exchanges follow"));
        }
    }

    @Test
    void hexDumpHasOffsetsBytesAndAscii() {
        String dump = HttpView.hexDump("Hello, world!\n\0\1xyz".getBytes(StandardCharsets.ISO_8859_1), 1024);
        assertEquals("00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  Hello, world!...\n"
                + "00000010  78 79 7a                                          xyz\n", dump);
    }

    private HttpView show(CaptureFile file, long connectionId) throws Exception {
        return fx(() -> {
            HttpView view = new HttpView(file, connectionId, pulse);
            views.add(view);
            holder.getChildren().setAll(view);
            return view;
        });
    }

    private void startServer(byte[] png) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/data.json", ex -> {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(JSON.getBytes(StandardCharsets.UTF_8));
            }
            ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            ex.getResponseHeaders().add("Content-Encoding", "gzip");
            send(ex, 200, gz.toByteArray(), true);
        });
        server.createContext("/pixel.png", ex -> {
            ex.getResponseHeaders().add("Content-Type", "image/png");
            send(ex, 200, png, false);
        });
        server.createContext("/big.txt", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            send(ex, 200, bigText(), false);
        });
        server.createContext("/", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            send(ex, 404, "not here\n".getBytes(StandardCharsets.US_ASCII), false);
        });
        server.start();
    }

    /** Sends the body chunked (length 0 tells the JDK server to use chunked encoding) or with a length. */
    private static void send(HttpExchange ex, int status, byte[] body, boolean chunked) throws IOException {
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(status, chunked ? 0 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (chunked) {
                int half = body.length / 2;
                out.write(body, 0, half);
                out.flush();
                out.write(body, half, body.length - half);
            } else {
                out.write(body);
            }
        }
    }

    /** About 6 MiB of numbered lines. */
    private static byte[] bigText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 6 << 20; i++) {
            sb.append("line ").append(i).append(" of a big body that the view must not render whole\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] png(int width, int height) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                img.setRGB(x, y, x < width / 2 ? 0x1a56b0 : 0xb3261e);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** Java's HTTP client through the proxy, one request at a time (so it keeps one connection). */
    private static final class HttpClientHolder implements AutoCloseable {
        private final HttpClient client;

        HttpClientHolder(int proxyPort) {
            client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)))
                    .connectTimeout(Duration.ofSeconds(10)).build();
        }

        HttpResponse<byte[]> get(String url) throws Exception {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        @Override
        public void close() {
            // HttpClient has no close() before Java 21; its connections go with it.
        }
    }
}
