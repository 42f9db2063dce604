package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.engine.EventQueue;

class RecorderTest {
    @TempDir
    Path dir;

    @Test
    void indexesEventsTellsSubscribersAndReadsBytesBackFromTheFile() throws Exception {
        EventQueue queue = new EventQueue(1 << 20);
        Path file = dir.resolve("a.pcapng");
        Recorder recorder = Recorder.toFile(queue, file);
        List<CaptureUpdate> seen = new ArrayList<>();
        recorder.subscribe(seen::addAll);
        recorder.start();
        Events ev = new Events();
        byte[] hello = "HELO x\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] big = new byte[100_000];
        new java.util.Random(1).nextBytes(big);
        queue.publish(ev.opened(7, "127.0.0.1", 40000, "127.0.0.1", 2525));
        queue.publish(ev.connected(7, "127.0.0.1", 2525));
        queue.publish(ev.chunk(7, Direction.CLIENT_TO_SERVER, hello));
        queue.publish(ev.chunk(7, Direction.SERVER_TO_CLIENT, big));
        queue.publish(ev.edited(7, Direction.CLIENT_TO_SERVER, "abc".getBytes(), "xyz!".getBytes()));
        queue.publish(ev.closed(7, 7, 100_000, false));
        recorder.close();

        ConnectionInfo c = recorder.index().connection(7).orElseThrow();
        assertEquals(ConnectionEnd.CLOSED, c.end());
        assertEquals(hello.length + 4, c.bytesClientToServer());
        assertEquals(big.length, c.bytesServerToClient());
        assertEquals(3, c.chunkCount());
        assertTrue(seen.stream().anyMatch(u -> u instanceof CaptureUpdate.ConnectionEnded));
        assertEquals(3, seen.stream().filter(u -> u instanceof CaptureUpdate.ChunkAdded).count());
        assertTrue(Files.size(file) > big.length);
    }
}
