package wirelens.ui.connections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static wirelens.testkit.Latin1.bytes;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.Recorder;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;

class ContentSearchTest {
    @TempDir
    Path dir;

    @Test
    void findsPatternsWithinAndAcrossChunksOfOneDirectionOnly() throws Exception {
        EventQueue queue = new EventQueue(1 << 20);
        try (Recorder recorder = Recorder.toFile(queue, dir.resolve("s.pcapng"))) {
            recorder.start();
            ListenerConfig listener = ListenerConfig.forward("127.0.0.1", 2626, "127.0.0.1", 2525);
            InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", 2525);
            long t = 1_700_000_000_000_000_000L;
            for (long id = 1; id <= 3; id++) {
                queue.publish(new EngineEvent.Opened(id, 1, listener, client, target, t));
            }
            // 1: "secret" split across two client chunks, with a server chunk in between
            queue.publish(chunk(1, Direction.CLIENT_TO_SERVER, t + 1, bytes("the sec")));
            queue.publish(chunk(1, Direction.SERVER_TO_CLIENT, t + 2, bytes("ok")));
            queue.publish(chunk(1, Direction.CLIENT_TO_SERVER, t + 3, bytes("ret plan")));
            // 2: "sec" from the client and "ret" from the server never make "secret"
            queue.publish(chunk(2, Direction.CLIENT_TO_SERVER, t + 4, bytes("sec")));
            queue.publish(chunk(2, Direction.SERVER_TO_CLIENT, t + 5, bytes("ret")));
            // 3: CRLF bytes, found by hex
            queue.publish(chunk(3, Direction.SERVER_TO_CLIENT, t + 6, bytes("220 hi\r\n")));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (recorder.index().chunkCount(3) < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            var index = recorder.index();
            var file = recorder.file().orElseThrow();
            assertEquals(Set.of(1L), ContentSearch.find(index, file, index.connections(), bytes("secret"), () -> false));
            assertEquals(Set.of(1L, 2L), ContentSearch.find(index, file, index.connections(), bytes("sec"), () -> false));
            assertEquals(Set.of(3L), ContentSearch.find(index, file, index.connections(),
                    ContentSearch.parseHex("0d 0a"), () -> false));
            assertEquals(Set.of(), ContentSearch.find(index, file, index.connections(), bytes("nothing"), () -> false));
        }
        assertThrows(IllegalArgumentException.class, () -> ContentSearch.parseHex("0d0"));
        assertThrows(IllegalArgumentException.class, () -> ContentSearch.parseHex("zz"));
    }

    private static EngineEvent.Chunk chunk(long id, Direction d, long time, byte[] bytes) {
        return new EngineEvent.Chunk(id, d, time, bytes, bytes);
    }
}
