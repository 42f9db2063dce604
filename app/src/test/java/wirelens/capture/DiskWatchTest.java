package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.CaptureUpdate.DiskSpaceState;
import wirelens.engine.Direction;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.testkit.Tshark;
import wirelens.testkit.Wait;

/** The disk watcher with a fake free-space source, under real echo traffic: warn, pause, resume. */
class DiskWatchTest {
    @TempDir
    Path dir;

    private final AtomicLong free = new AtomicLong(1_000_000);
    private final List<CaptureUpdate.DiskSpace> told = new CopyOnWriteArrayList<>();
    private final Random random = new Random(3);

    private byte[] echo(Socket s, ByteArrayOutputStream sent) throws Exception {
        byte[] piece = new byte[4096];
        random.nextBytes(piece);
        assertArrayEquals(piece, Loopback.roundTrip(s, piece), "traffic is byte-exact throughout");
        sent.writeBytes(piece);
        return piece;
    }

    private void awaitIndexed(Recorder recorder, long id, long bytes) throws Exception {
        Wait.until("connection " + id + " indexed", () -> recorder.index().connection(id)
                .map(c -> c.bytesClientToServer() == bytes && c.bytesServerToClient() == bytes).orElse(false));
    }

    private void awaitTold(DiskSpaceState state) throws Exception {
        Wait.until("told " + state, () -> told.stream().anyMatch(d -> d.state() == state));
    }

    @Test
    void lowSpaceWarnsThenPausesAndResumesWhileTrafficFlowsByteExact() throws Exception {
        Path file = dir.resolve("disk.pcapng");
        EventQueue queue = new EventQueue(8L << 20);
        Recorder recorder = Recorder.toFile(queue, file);
        recorder.watchDisk(free::get, new DiskWatch.Limits(100_000, 50_000, 80_000), 0);
        recorder.subscribe(updates -> updates.stream().filter(u -> u instanceof CaptureUpdate.DiskSpace)
                .forEach(u -> told.add((CaptureUpdate.DiskSpace) u)));
        recorder.start();
        ByteArrayOutputStream recordedA = new ByteArrayOutputStream();
        ByteArrayOutputStream allA = new ByteArrayOutputStream();
        ByteArrayOutputStream allC = new ByteArrayOutputStream();
        ByteArrayOutputStream recordedC = new ByteArrayOutputStream();
        try (LoopbackServer server = LoopbackServer.echo();
                Engine engine = new Engine(queue, EngineOptions.defaults().withRecordChunks(true))) {
            engine.start();
            InetSocketAddress proxy = engine.addListener(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1",
                    server.port())).get(10, TimeUnit.SECONDS).address();
            try (Socket a = Loopback.connect(proxy.getPort())) {
                for (int i = 0; i < 4; i++) {
                    recordedA.writeBytes(echo(a, allA));
                }
                awaitIndexed(recorder, 1, allA.size());

                free.set(90_000); // below the warning: said once, capture goes on
                recordedA.writeBytes(echo(a, allA));
                awaitTold(DiskSpaceState.LOW);
                awaitIndexed(recorder, 1, allA.size());
                assertFalse(recorder.paused());

                free.set(40_000); // below the pause limit: nothing more is written
                echo(a, allA);
                awaitTold(DiskSpaceState.PAUSED);
                assertTrue(recorder.paused());
                try (Socket b = Loopback.connect(proxy.getPort())) {
                    echo(b, new ByteArrayOutputStream());
                }
                Socket c = Loopback.connect(proxy.getPort());
                echo(c, allC);
                free.set(70_000); // more space, but not enough to resume (no flapping)
                echo(a, allA);
                awaitIndexed(recorder, 1, allA.size());
                assertTrue(recorder.paused());

                free.set(5_000_000);
                byte[] after = echo(a, allA);
                recordedA.writeBytes(after);
                awaitTold(DiskSpaceState.RESUMED);
                recordedA.writeBytes(echo(a, allA));
                recordedC.writeBytes(echo(c, allC));
                c.close();
                awaitIndexed(recorder, 1, allA.size());
            }
            RecordedSessionTest.awaitEnded(recorder, 3);
        }
        recorder.close();

        assertEquals(List.of(DiskSpaceState.LOW, DiskSpaceState.PAUSED, DiskSpaceState.RESUMED),
                told.stream().map(CaptureUpdate.DiskSpace::state).toList(), "each crossing told once");
        assertTrue(told.get(1).message().contains("CAPTURE PAUSED"), told.get(1).message());
        // both ways: A's pieces in the pause, all of B, C's first piece
        long notRecorded = 2L * (allA.size() - recordedA.size() + 4096 + allC.size() - recordedC.size());
        assertTrue(told.get(2).message().contains(notRecorded + " bytes were not recorded"),
                told.get(2).message());

        try (CaptureFile read = CaptureFile.open(file)) {
            assertEquals(1, read.skipped().size(), read.skipped().toString());
            assertTrue(read.skipped().get(0).matches("capture paused for lack of disk space from .*: "
                    + notRecorded + " bytes and 1 connection\\(s\\) not recorded"),
                    read.skipped().get(0));
            assertArrayEquals(recordedA.toByteArray(), RecordedSessionTest.forwarded(read, 1, Direction.CLIENT_TO_SERVER),
                    "connection A: the bytes before the pause and after it");
            assertArrayEquals(recordedA.toByteArray(), RecordedSessionTest.forwarded(read, 1, Direction.SERVER_TO_CLIENT));
            assertFalse(read.index().connection(2).isPresent(), "B began and ended while paused");
            ConnectionInfo c = read.index().connection(3).orElseThrow();
            assertEquals(ConnectionEnd.CLOSED, c.end());
            assertArrayEquals(recordedC.toByteArray(), RecordedSessionTest.forwarded(read, 3, Direction.CLIENT_TO_SERVER),
                    "connection C, begun while paused, is stated at the resume");
            assertEquals(ConnectionEnd.CLOSED, read.index().connection(1).orElseThrow().end(), "A's end is in the file");
        }
        if (Tshark.installed()) {
            String comments = Tshark.run("-r", file.toString(), "-Y", "frame.comment", "-T", "fields", "-e",
                    "frame.comment").text();
            assertTrue(comments.contains("capture paused: "), comments);
            String lost = Tshark.run("-r", file.toString(), "-Y", "tcp.analysis.lost_segment", "-T", "fields", "-e",
                    "tcp.stream").text();
            assertTrue(lost.strip().startsWith("0"), "Wireshark sees the gap as segments not captured: " + lost);
            String errors = Tshark.run("-r", file.toString(), "-q", "-z", "expert,error").text();
            assertFalse(errors.contains("Malformed"), errors);
        }
    }
}
