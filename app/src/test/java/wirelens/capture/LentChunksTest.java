package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;

/**
 * Large reads reach the capture as the engine's own read buffers, lent and given back once written.
 * Under a tight event budget (so that buffers are reused at once) several connections stream both
 * ways at full speed, while a subscriber takes the bytes of every chunk it is told about: what the
 * subscriber saw, what the file holds and what the peers exchanged must all be the same bytes.
 */
class LentChunksTest {
    private static final int CONNECTIONS = 4;
    private static final int BYTES_EACH_WAY = 6 << 20;

    @TempDir
    Path dir;

    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-peer");
        t.setDaemon(true);
        return t;
    });

    @Test
    void subscriberFileAndPeersAgreeOnEveryByte() throws Exception {
        Path file = dir.resolve("lent.pcapng");
        EventQueue queue = new EventQueue(2L << 20); // a few read buffers' worth: buffers come back and go out again
        Recorder recorder = Recorder.toFile(queue, file);
        Map<String, ByteArrayOutputStream> seen = new ConcurrentHashMap<>();
        AtomicInteger lentSeen = new AtomicInteger();
        recorder.subscribe(updates -> {
            for (CaptureUpdate u : updates) {
                if (u instanceof CaptureUpdate.ChunkAdded a && a.forwarded() != null) {
                    if (a.event().forwardedPayload().isLent()) {
                        lentSeen.incrementAndGet();
                    }
                    seen.computeIfAbsent(a.chunk().connectionId() + "/" + a.chunk().direction(),
                            k -> new ByteArrayOutputStream()).writeBytes(a.forwarded());
                }
            }
        });
        recorder.start();
        List<byte[][]> sent = new ArrayList<>();
        try (Engine engine = new Engine(queue, EngineOptions.defaults());
                ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            engine.start();
            InetSocketAddress proxy = engine.addListener(
                    ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", server.getLocalPort())).get(10, TimeUnit.SECONDS)
                    .address();
            List<Future<byte[]>> clientsGot = new ArrayList<>();
            List<Future<byte[]>> serversGot = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                byte[] up = random(10 + i);
                byte[] down = random(100 + i);
                sent.add(new byte[][] {up, down});
                Socket client = new Socket();
                client.setSoTimeout(30_000);
                client.connect(proxy, 10_000);
                Socket accepted = server.accept();
                accepted.setSoTimeout(30_000);
                clientsGot.add(streamBothWays(client, up));
                serversGot.add(streamBothWays(accepted, down));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                assertArrayEquals(sent.get(i)[0], serversGot.get(i).get(60, TimeUnit.SECONDS), "server got, conn " + i);
                assertArrayEquals(sent.get(i)[1], clientsGot.get(i).get(60, TimeUnit.SECONDS), "client got, conn " + i);
            }
            RecordedSessionTest.awaitEnded(recorder, CONNECTIONS);
        }
        recorder.close();

        assertTrue(lentSeen.get() > 0, "large reads are lent to the capture, not copied");
        try (CaptureFile read = CaptureFile.open(file)) {
            assertEquals(List.of(), read.skipped());
            List<ConnectionInfo> connections = read.index().connections();
            assertEquals(CONNECTIONS, connections.size());
            for (int i = 0; i < CONNECTIONS; i++) {
                long id = connections.get(i).id();
                byte[] up = sent.get(i)[0];
                byte[] down = sent.get(i)[1];
                assertArrayEquals(up, RecordedSessionTest.forwarded(read, id, Direction.CLIENT_TO_SERVER), "file, up " + i);
                assertArrayEquals(down, RecordedSessionTest.forwarded(read, id, Direction.SERVER_TO_CLIENT), "file, down " + i);
                assertArrayEquals(up, seen.get(id + "/" + Direction.CLIENT_TO_SERVER).toByteArray(), "subscriber, up " + i);
                assertArrayEquals(down, seen.get(id + "/" + Direction.SERVER_TO_CLIENT).toByteArray(), "subscriber, down " + i);
            }
        }
    }

    /**
     * Writes {@code data} then half-closes, while reading everything the other side sends; returns that.
     * The socket is closed only once both are done: closing it when the reading ends would cut off a
     * write still under way.
     */
    private Future<byte[]> streamBothWays(Socket socket, byte[] data) {
        Future<?> writing = pool.submit(() -> {
            OutputStream out = socket.getOutputStream();
            for (int at = 0; at < data.length; at += 256 * 1024) {
                out.write(data, at, Math.min(256 * 1024, data.length - at));
            }
            socket.shutdownOutput();
            return null;
        });
        return pool.submit(() -> {
            try (socket) {
                InputStream in = socket.getInputStream();
                byte[] got = in.readAllBytes();
                writing.get(60, TimeUnit.SECONDS);
                return got;
            }
        });
    }

    private static byte[] random(long seed) {
        byte[] b = new byte[BYTES_EACH_WAY];
        new Random(seed).nextBytes(b);
        return b;
    }
}
