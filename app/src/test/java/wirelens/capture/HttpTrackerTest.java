package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.proto.http.Bodies;
import wirelens.proto.http.Exchange;

/** The live tracker on a real recorder: exchanges appear as chunks are recorded; bodies read back from the file. */
class HttpTrackerTest {

    @TempDir
    Path dir;

    private long time = 1_700_000_000_000_000_000L;

    @Test
    void tracksHttpConnectionsLiveAndIgnoresOthers() throws Exception {
        EventQueue q = new EventQueue(1L << 26);
        Recorder recorder = Recorder.toFile(q, dir.resolve("live.pcapng"));
        HttpTracker tracker = new HttpTracker();
        recorder.subscribe(tracker);
        recorder.start();
        try {
            ListenerConfig fwd = ListenerConfig.forward("127.0.0.1", 8000, "127.0.0.1", 80);
            ListenerConfig smtp = ListenerConfig.forward("127.0.0.1", 2626, "127.0.0.1", 25);
            q.publish(new EngineEvent.Opened(1, 1, fwd, new InetSocketAddress("127.0.0.1", 40001),
                    new InetSocketAddress("127.0.0.1", 80), time += 1000));
            q.publish(new EngineEvent.Opened(2, 2, smtp, new InetSocketAddress("127.0.0.1", 40002),
                    new InetSocketAddress("127.0.0.1", 25), time += 1000));
            chunk(q, 2, Direction.SERVER_TO_CLIENT, "220 mx ESMTP\r\n");
            chunk(q, 1, Direction.CLIENT_TO_SERVER, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n");
            chunk(q, 1, Direction.SERVER_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello");
            waitFor(() -> tracker.exchanges(1).size() == 1 && tracker.exchanges(1).get(0).state() == Exchange.State.RESPONSE);
            chunk(q, 1, Direction.SERVER_TO_CLIENT, " world");
            q.publish(new EngineEvent.Closed(1, time += 1000, 30, 80, false));
            waitFor(() -> tracker.exchanges(1).get(0).state() == Exchange.State.COMPLETE);

            assertTrue(tracker.isHttp(1));
            assertFalse(tracker.isHttp(2));
            assertEquals(List.of(), tracker.exchanges(2));
            Exchange e = tracker.exchanges(1).get(0);
            assertEquals("http://h/a", e.url());
            CaptureFile file = recorder.file().orElseThrow();
            Bodies.Content body = Bodies.decoded(e.responseBody(), null,
                    HttpExchanges.stream(file, 1, Direction.SERVER_TO_CLIENT), 1024);
            assertEquals("hello world", new String(body.bytes(), StandardCharsets.UTF_8));
        } finally {
            recorder.close();
        }
    }

    private void chunk(EventQueue q, long id, Direction d, String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        q.publish(new EngineEvent.Chunk(id, d, time += 1000, b, b));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "condition not reached");
    }
}
