package wirelens.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.CaptureFile;
import wirelens.capture.Recorder;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.Wait;

/**
 * Live flows from the recorder's updates, through a real HTTP proxy to a real origin over two connections:
 * a waiting request shows as pending until its response comes, and once everything ended the live rows are
 * the rows read back from the capture file, number for number.
 */
class FlowFeedTest {
    @TempDir
    Path dir;

    @Test
    void liveRowsFollowTheExchangesAndMatchTheCaptureFile() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        origin.createContext("/a", ex -> {
            byte[] got = ex.getRequestBody().readAllBytes();
            byte[] body = ("hello " + got.length).getBytes(StandardCharsets.US_ASCII);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        origin.createContext("/slow", ex -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        ExecutorService handlers = Executors.newCachedThreadPool(); // the slow answer must not hold up the others
        origin.setExecutor(handlers);
        origin.start();
        String host = "127.0.0.1:" + origin.getAddress().getPort();

        Path capture = dir.resolve("flows.pcapng");
        EventQueue queue = new EventQueue(1L << 26);
        Engine engine = new Engine(queue, EngineOptions.defaults().withRecordChunks(true));
        Recorder recorder = Recorder.toFile(queue, capture);
        FlowFeed feed = new FlowFeed();
        recorder.subscribe(feed);
        Map<Flow.Key, Flow> live = new LinkedHashMap<>();
        engine.start();
        recorder.start();
        try {
            int port = engine.addListener(ListenerConfig.http("127.0.0.1", 0)).get(5, TimeUnit.SECONDS).address().getPort();
            try (Socket one = new Socket("127.0.0.1", port); Socket two = new Socket("127.0.0.1", port)) {
                one.setSoTimeout(20_000);
                two.setSoTimeout(20_000);
                two.getOutputStream().write(("GET http://" + host + "/slow HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                Wait.until("the slow request is a pending flow", () -> {
                    drain(feed, live);
                    return live.values().stream().anyMatch(f -> f.path().equals("/slow") && f.pending());
                });
                OutputStream out = one.getOutputStream();
                out.write(("GET http://" + host + "/a?x=1 HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
                        + "POST http://" + host + "/a HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 5\r\n\r\nabcde"
                        + "GET http://" + host + "/nothing-here HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String replies = new String(one.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(replies.contains("404"), replies);
                release.countDown();
                InputStream in = two.getInputStream();
                byte[] head = new byte[12];
                assertEquals(12, in.readNBytes(head, 0, 12));
                assertEquals("HTTP/1.1 204", new String(head, StandardCharsets.US_ASCII));
            }
            Wait.until("both connections ended", () -> recorder.index().connections().size() == 2
                    && recorder.index().connections().stream().noneMatch(c -> c.isOpen()));
            Wait.until("four flows, none pending", () -> {
                drain(feed, live);
                return live.size() == 4 && live.values().stream().noneMatch(Flow::pending);
            });
        } finally {
            engine.close();
            recorder.close();
            origin.stop(0);
            handlers.shutdownNow();
        }

        List<Flow> rows = new ArrayList<>(live.values());
        rows.sort(java.util.Comparator.comparingInt(Flow::number));
        assertEquals(List.of("GET http://" + host + "/slow 204", "GET http://" + host + "/a?x=1 200",
                "POST http://" + host + "/a 200", "GET http://" + host + "/nothing-here 404"),
                rows.stream().map(f -> f.method() + " " + f.url() + " " + f.status()).toList());
        assertEquals(List.of(1, 2, 3, 4), rows.stream().map(Flow::number).toList());
        assertEquals(5, rows.get(2).requestBodyBytes());
        assertEquals("hello 5".length(), rows.get(2).responseBodyBytes());
        assertEquals("text/plain", rows.get(1).contentType());
        assertEquals(rows.get(1).connectionId(), rows.get(3).connectionId());
        assertEquals(2, rows.get(3).index(), "third on its connection");
        try (CaptureFile file = CaptureFile.open(capture)) {
            assertEquals(rows, Flows.read(file), "the reopened capture has the same flows");
            assertEquals("hello 5", new String(responseBody(file, rows.get(2)), StandardCharsets.US_ASCII));
        }
    }

    private static void drain(FlowFeed feed, Map<Flow.Key, Flow> into) {
        for (Flow f : feed.drain()) {
            into.put(f.key(), f);
        }
    }

    /** A flow's response body as {@link FlowExports#saveBody} writes it. */
    private byte[] responseBody(CaptureFile file, Flow f) throws Exception {
        Path out = dir.resolve("body-" + f.number());
        FlowExports.saveBody(file, f, FlowExports.Side.RESPONSE, out);
        return Files.readAllBytes(out);
    }
}
