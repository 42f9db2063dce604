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

    @Test
    void aTemporaryCaptureCanBeSavedWhileRecordingAndIsDeletedOnClose() throws Exception {
        EventQueue queue = new EventQueue(1 << 20);
        Recorder recorder = Recorder.toTemporaryFile(queue);
        Path temp = recorder.path().orElseThrow();
        List<CaptureUpdate> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        recorder.subscribe(seen::addAll);
        recorder.start();
        Events ev = new Events();
        queue.publish(ev.opened(1, "127.0.0.1", 40000, "127.0.0.1", 2525));
        queue.publish(ev.connected(1, "127.0.0.1", 2525));
        queue.publish(ev.chunk(1, Direction.SERVER_TO_CLIENT, "220 hi\r\n".getBytes(StandardCharsets.US_ASCII)));
        queue.signal();
        for (int i = 0; i < 200 && seen.stream().noneMatch(u -> u instanceof CaptureUpdate.ChunkAdded); i++) {
            Thread.sleep(25);
        }
        Path saved = dir.resolve("saved.pcapng");
        recorder.saveCopy(saved);
        recorder.saveCopy(temp); // onto itself: nothing to do
        queue.publish(ev.closed(1, 0, 8, false));
        recorder.close();
        assertTrue(Files.notExists(temp), "the temporary file is gone after close");
        try (CaptureFile copy = CaptureFile.open(saved)) {
            assertEquals(List.of(), copy.skipped());
            ConnectionInfo c = copy.index().connection(1).orElseThrow();
            assertTrue(c.isOpen(), "saved while the connection was open");
            assertArrayEquals("220 hi\r\n".getBytes(StandardCharsets.US_ASCII), copy.forwarded(copy.index().chunk(1, 0)));
        }
    }

    @Test
    void longNamesAndUnresolvedTargetsRoundTrip() throws Exception {
        EventQueue queue = new EventQueue(1 << 20);
        Path file = dir.resolve("names.pcapng");
        Recorder recorder = Recorder.toFile(queue, file);
        String host = "h".repeat(250) + ".example";
        wirelens.engine.ListenerConfig listener = new wirelens.engine.ListenerConfig("\u00e9".repeat(300),
                wirelens.engine.ListenerKind.FORWARD, "127.0.0.1", 1, host, 25);
        queue.publish(new wirelens.engine.EngineEvent.Opened(1, 3, listener,
                java.net.InetSocketAddress.createUnresolved(host, 1), java.net.InetSocketAddress.createUnresolved(host, 25),
                1_000));
        queue.publish(new wirelens.engine.EngineEvent.Failed(1, 2_000, "x".repeat(500), 0, 0));
        recorder.start();
        recorder.close();
        try (CaptureFile read = CaptureFile.open(file)) {
            assertEquals(List.of(), read.skipped());
            ConnectionInfo c = read.index().connection(1).orElseThrow();
            assertEquals(ConnectionEnd.FAILED, c.end());
            assertTrue(c.target().isUnresolved());
            assertTrue(host.startsWith(c.target().getHostString()) && c.target().getHostString().length() == 200);
            assertTrue(c.endReason().startsWith("xxxx"));
            assertEquals(25, c.target().getPort());
        }
    }
}
