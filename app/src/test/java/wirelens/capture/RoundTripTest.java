package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.EventQueue;
import wirelens.testkit.Commands;
import wirelens.testkit.Tshark;

/** Writes a varied synthetic session, reads it back, and compares every record and byte. */
class RoundTripTest {
    @TempDir
    Path dir;

    /** What the test sent, per connection: forwarded bytes each way, and every chunk's original/forwarded. */
    static final class Sent {
        final Map<Long, ByteArrayOutputStream[]> forwarded = new HashMap<>();
        final Map<Long, List<EngineEvent.Chunk>> chunks = new HashMap<>();

        void add(EngineEvent.Chunk c) {
            chunks.computeIfAbsent(c.connectionId(), k -> new ArrayList<>()).add(c);
            ByteArrayOutputStream[] f = forwarded.computeIfAbsent(c.connectionId(),
                    k -> new ByteArrayOutputStream[] {new ByteArrayOutputStream(), new ByteArrayOutputStream()});
            if (c.forwarded() != null) {
                f[c.direction() == Direction.CLIENT_TO_SERVER ? 0 : 1].writeBytes(c.forwarded());
            }
        }
    }

    static Sent session(EventQueue q, Events ev, Random random) {
        Sent sent = new Sent();
        java.util.function.Consumer<EngineEvent> pub = e -> {
            if (e instanceof EngineEvent.Chunk c) {
                sent.add(c);
            }
            q.publish(e);
        };
        // 1: IPv4, both directions, chunks over 64 KiB, edited, dropped, injected, normal close
        pub.accept(ev.opened(1, "127.0.0.1", 40001, "127.0.0.1", 2525));
        pub.accept(ev.connected(1, "127.0.0.1", 2525));
        pub.accept(ev.chunk(1, Direction.SERVER_TO_CLIENT, ascii("220 hello\r\n")));
        pub.accept(ev.chunk(1, Direction.CLIENT_TO_SERVER, random(random, 200_000)));
        pub.accept(ev.chunk(1, Direction.SERVER_TO_CLIENT, random(random, 65_536)));
        pub.accept(ev.edited(1, Direction.CLIENT_TO_SERVER, ascii("MAIL FROM:<a@b>\r\n"), ascii("MAIL FROM:<x@y>\r\n")));
        pub.accept(ev.edited(1, Direction.CLIENT_TO_SERVER, ascii("secret\r\n"), null));
        pub.accept(ev.edited(1, Direction.SERVER_TO_CLIENT, new byte[0], ascii("injected\r\n")));
        pub.accept(ev.chunk(1, Direction.SERVER_TO_CLIENT, random(random, 1)));
        pub.accept(ev.closed(1, 0, 0, false));
        // 2: IPv6, client half-closes, server keeps sending
        pub.accept(ev.opened(2, "::1", 40002, "::1", 8080));
        pub.accept(ev.connected(2, "::1", 8080));
        pub.accept(ev.chunk(2, Direction.CLIENT_TO_SERVER, ascii("GET / HTTP/1.0\r\n\r\n")));
        pub.accept(ev.halfClosed(2, Direction.CLIENT_TO_SERVER));
        pub.accept(ev.chunk(2, Direction.SERVER_TO_CLIENT, random(random, 100_000)));
        pub.accept(ev.halfClosed(2, Direction.SERVER_TO_CLIENT));
        pub.accept(ev.closed(2, 0, 0, false));
        // 3: reset after data
        pub.accept(ev.opened(3, "127.0.0.1", 40003, "127.0.0.1", 2525));
        pub.accept(ev.connected(3, "127.0.0.1", 2525));
        pub.accept(ev.chunk(3, Direction.CLIENT_TO_SERVER, ascii("QUIT\r\n")));
        pub.accept(ev.closed(3, 6, 0, true));
        // 4: refused by the target
        pub.accept(ev.opened(4, "127.0.0.1", 40004, "127.0.0.1", 9));
        pub.accept(ev.failed(4, "connection refused by 127.0.0.1:9"));
        // 5: IPv4 client to an IPv6 target, data before the target is known (as an HTTP proxy does), left open
        pub.accept(ev.opened(5, "127.0.0.1", 40005, "127.0.0.1", 3128));
        pub.accept(ev.chunk(5, Direction.CLIENT_TO_SERVER, ascii("CONNECT example:443 HTTP/1.1\r\n\r\n")));
        pub.accept(ev.connected(5, "::1", 443));
        pub.accept(ev.chunk(5, Direction.SERVER_TO_CLIENT, random(random, 70_000)));
        return sent;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    @Test
    void everyRecordAndByteComesBack() throws Exception {
        EventQueue q = new EventQueue(1L << 30);
        Path file = dir.resolve("s.pcapng");
        Recorder recorder = Recorder.toFile(q, file);
        Sent sent = session(q, new Events(), new Random(42));
        recorder.start();
        recorder.close();

        try (CaptureFile read = CaptureFile.open(file)) {
            assertEquals(List.of(), read.skipped());
            assertEquals(recorder.index().connections(), read.index().connections());
            byte[] reuse = new byte[7];
            for (ConnectionInfo c : read.index().connections()) {
                assertEquals(recorder.index().chunks(c.id()), read.index().chunks(c.id()));
                List<EngineEvent.Chunk> expected = sent.chunks.getOrDefault(c.id(), List.of());
                List<ChunkInfo> chunks = read.index().chunks(c.id());
                assertEquals(expected.size(), chunks.size());
                for (int i = 0; i < chunks.size(); i++) {
                    EngineEvent.Chunk e = expected.get(i);
                    ChunkInfo chunk = chunks.get(i);
                    assertEquals(e.direction(), chunk.direction());
                    assertEquals(e.timeNanos(), chunk.timeNanos());
                    assertEquals(e.dropped(), chunk.dropped());
                    assertEquals(e.edited(), chunk.edited());
                    assertArrayEquals(e.original(), read.original(chunk), "original of chunk " + i);
                    assertArrayEquals(e.forwarded() == null ? new byte[0] : e.forwarded(), read.forwarded(chunk));
                    // read into a reused buffer (as the window's layout does): the same bytes, garbage-free
                    byte[] into = read.forwarded(chunk, reuse);
                    byte[] want = read.forwarded(chunk);
                    assertArrayEquals(want, java.util.Arrays.copyOf(into, want.length), "reused read of chunk " + i);
                    assertTrue(into == reuse || into.length >= want.length);
                    reuse = into;
                }
            }
            ConnectionInfo c1 = read.index().connection(1).orElseThrow();
            assertEquals(ConnectionEnd.CLOSED, c1.end());
            assertEquals(200_000 + 17, c1.bytesClientToServer());
            assertEquals(ConnectionEnd.RESET, read.index().connection(3).orElseThrow().end());
            ConnectionInfo c4 = read.index().connection(4).orElseThrow();
            assertEquals(ConnectionEnd.FAILED, c4.end());
            assertEquals("connection refused by 127.0.0.1:9", c4.endReason());
            assertTrue(read.index().connection(2).orElseThrow().clientFinished());
            ConnectionInfo c5 = read.index().connection(5).orElseThrow();
            assertTrue(c5.isOpen());
            assertEquals(new java.net.InetSocketAddress("::1", 443), c5.target());
            assertFalse(c5.clientFinished());
        }
    }

    @Test
    void theOriginsOfAnHttpProxyConnectionComeBackInOrder() throws Exception {
        EventQueue q = new EventQueue(1L << 20);
        Path file = dir.resolve("origins.pcapng");
        Recorder recorder = Recorder.toFile(q, file);
        Events ev = new Events();
        q.publish(ev.opened(1, "127.0.0.1", 40001, "127.0.0.1", 8080));
        q.publish(ev.origin(1, "localhost:8081"));
        q.publish(ev.connected(1, "127.0.0.1", 8081));
        q.publish(ev.chunk(1, Direction.CLIENT_TO_SERVER, ascii("GET / HTTP/1.1\r\n\r\n")));
        q.publish(ev.origin(1, "localhost:8081")); // a retry on a fresh connection: the same origin
        q.publish(ev.origin(1, "example.test:80"));
        q.publish(ev.failed(1, "connect to example.test:80 failed: connection refused"));
        recorder.start();
        recorder.close();

        assertEquals(List.of("localhost:8081", "example.test:80"),
                recorder.index().connection(1).orElseThrow().origins());
        try (CaptureFile read = CaptureFile.open(file)) {
            assertEquals(List.of(), read.skipped());
            ConnectionInfo c = read.index().connection(1).orElseThrow();
            assertEquals(recorder.index().connection(1).orElseThrow(), c);
            assertEquals("example.test:80", c.destination());
            assertEquals(ConnectionEnd.FAILED, c.end());
        }
    }

    @Test
    void tsharkFollowGivesExactlyTheForwardedBytesOfEachDirection() throws Exception {
        Tshark.assumeInstalled();
        EventQueue q = new EventQueue(1L << 30);
        Path file = dir.resolve("t.pcapng");
        Recorder recorder = Recorder.toFile(q, file);
        Sent sent = session(q, new Events(), new Random(7));
        recorder.start();
        recorder.close();

        Commands.Result check = Tshark.run("-r", file.toString(), "-q", "-z", "conv,tcp");
        assertEquals(0, check.exit(), check.err());
        Map<Integer, Integer> streams = Tshark.streamsByClientPort(file);
        assertEquals(5, streams.size(), streams.toString());
        for (long id = 1; id <= 5; id++) {
            int stream = streams.get(40000 + (int) id);
            byte[][] follow = Tshark.follow(file, stream);
            ByteArrayOutputStream[] expected = sent.forwarded.getOrDefault(id,
                    new ByteArrayOutputStream[] {new ByteArrayOutputStream(), new ByteArrayOutputStream()});
            assertArrayEquals(expected[0].toByteArray(), follow[0], "client to server of connection " + id);
            assertArrayEquals(expected[1].toByteArray(), follow[1], "server to client of connection " + id);
        }
    }
}
