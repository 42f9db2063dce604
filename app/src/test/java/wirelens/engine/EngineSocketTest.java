package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;

/** The engine on real loopback sockets: bytes, half-close, failures, resets and leaks. */
class EngineSocketTest {

    private static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Sends {@code data} on a socket from another thread while reading everything back. */
    private static byte[] roundTrip(Socket s, byte[] data) throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> sent = writer.submit(() -> {
                OutputStream out = s.getOutputStream();
                out.write(data);
                s.shutdownOutput();
                return null;
            });
            byte[] back = s.getInputStream().readAllBytes();
            sent.get(10, TimeUnit.SECONDS);
            return back;
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void keepsForwardingEveryByteWhileGivingWayToTheWindow() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo(); EngineRig rig = new EngineRig()) {
            int port = rig.forward(echo.port());
            // as the window asks when its pulses come late: the loops pause after each round
            rig.engine.giveWay(TimeUnit.SECONDS.toNanos(60));
            byte[] data = random(7, 4 << 20);
            try (Socket s = Loopback.connect(port)) {
                assertArrayEquals(data, roundTrip(s, data));
            }
            EngineEvent.Closed closed = rig.await(EngineEvent.Closed.class, c -> true);
            assertEquals(data.length, closed.bytesClientToServer());
            assertEquals(data.length, closed.bytesServerToClient());
        }
    }

    @Test
    void echoesConcurrentConnectionsByteForByte() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo(); EngineRig rig = new EngineRig()) {
            int port = rig.forward(echo.port());
            int[] sizes = {1, 100, 65_535, 65_536, 65_537, 300_000, 1 << 20, 4 << 20};
            ExecutorService clients = Executors.newFixedThreadPool(sizes.length);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                byte[] data = random(i, sizes[i]);
                results.add(clients.submit(() -> {
                    try (Socket s = Loopback.connect(port)) {
                        return java.util.Arrays.equals(data, roundTrip(s, data));
                    }
                }));
            }
            for (int i = 0; i < sizes.length; i++) {
                assertTrue(results.get(i).get(60, TimeUnit.SECONDS), "size " + sizes[i] + " came back intact");
            }
            clients.shutdown();
            List<EngineEvent.Closed> closed = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                closed.add(rig.await(EngineEvent.Closed.class, c -> true));
            }
            long total = java.util.Arrays.stream(sizes).asLongStream().sum();
            rig.await(EngineEvent.Closed.class, c -> rig.all(EngineEvent.Closed.class).size() == sizes.length);
            long c2s = rig.all(EngineEvent.Closed.class).stream().mapToLong(EngineEvent.Closed::bytesClientToServer).sum();
            long s2c = rig.all(EngineEvent.Closed.class).stream().mapToLong(EngineEvent.Closed::bytesServerToClient).sum();
            assertEquals(total, c2s);
            assertEquals(total, s2c);
            long recorded = rig.all(EngineEvent.Chunk.class).stream().mapToLong(c -> c.forwarded().length).sum();
            assertEquals(2 * total, recorded, "every forwarded byte was reported as a chunk");
        }
    }

    @Test
    void clientHalfCloseStillGetsTheWholeReply() throws Exception {
        byte[] reply = random(7, 2_000_000);
        LoopbackServer.Handler server = s -> {
            byte[] request = s.getInputStream().readAllBytes(); // until the client's FIN
            s.getOutputStream().write(("got " + request.length + "\n").getBytes());
            s.getOutputStream().write(reply);
            s.shutdownOutput();
        };
        try (LoopbackServer srv = new LoopbackServer("127.0.0.1", server); EngineRig rig = new EngineRig();
                Socket s = Loopback.connect(rig.forward(srv.port()))) {
            s.getOutputStream().write(random(8, 100_000));
            s.shutdownOutput();
            byte[] back = s.getInputStream().readAllBytes();
            byte[] head = "got 100000\n".getBytes();
            assertArrayEquals(head, java.util.Arrays.copyOf(back, head.length));
            assertArrayEquals(reply, java.util.Arrays.copyOfRange(back, head.length, back.length));
            EngineEvent.Closed closed = rig.await(EngineEvent.Closed.class, c -> true);
            assertFalse(closed.reset());
            assertEquals(100_000, closed.bytesClientToServer());
            assertEquals(2, rig.all(EngineEvent.HalfClosed.class).size());
        }
    }

    @Test
    void serverThatSpeaksFirstAndClosesFirstDeliversEverythingThenEof() throws Exception {
        byte[] banner = random(9, 700_000);
        try (LoopbackServer srv = new LoopbackServer("127.0.0.1", s -> s.getOutputStream().write(banner));
                EngineRig rig = new EngineRig(); Socket s = Loopback.connect(rig.forward(srv.port()))) {
            assertArrayEquals(banner, s.getInputStream().readAllBytes());
            s.close();
            rig.await(EngineEvent.Closed.class, c -> !c.reset() && c.bytesServerToClient() == banner.length);
        }
    }

    @Test
    void unreachableTargetClosesTheClientAndReportsTheError() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (EngineRig rig = new EngineRig(); Socket s = Loopback.connect(rig.forward(closedPort))) {
            assertEquals(-1, s.getInputStream().read(), "the client is closed, not left hanging");
            EngineEvent.Failed failed = rig.await(EngineEvent.Failed.class, f -> true);
            assertTrue(failed.message().contains("127.0.0.1:" + closedPort), failed.message());
            assertTrue(failed.message().toLowerCase().contains("refused"), failed.message());
            assertTrue(rig.all(EngineEvent.Closed.class).isEmpty(), "exactly one of closed or failed");
        }
    }

    @Test
    void connectThatNeverCompletesTimesOut() throws Exception {
        // a listener whose accept queue is full drops SYNs, so a connect to it hangs
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Socket f = new Socket();
                try {
                    f.connect(full.getLocalSocketAddress(), 200);
                    fillers.add(f);
                } catch (IOException e) {
                    f.close();
                    break;
                }
            }
            EngineOptions options = EngineOptions.defaults().withConnectTimeoutMillis(300);
            try (EngineRig rig = new EngineRig(options); Socket s = Loopback.connect(rig.forward(full.getLocalPort()))) {
                assertEquals(-1, s.getInputStream().read());
                EngineEvent.Failed failed = rig.await(EngineEvent.Failed.class, f -> true);
                assertTrue(failed.message().contains("timed out"), failed.message());
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }
    }

    @Test
    void resetByTheServerResetsTheClient() throws Exception {
        LoopbackServer.Handler resetter = s -> {
            s.getInputStream().read(new byte[5]);
            s.setSoLinger(true, 0);
            s.close();
        };
        try (LoopbackServer srv = new LoopbackServer("127.0.0.1", resetter); EngineRig rig = new EngineRig();
                Socket s = Loopback.connect(rig.forward(srv.port()))) {
            s.getOutputStream().write("hello".getBytes());
            EngineEvent.Closed closed = rig.await(EngineEvent.Closed.class, c -> true);
            assertTrue(closed.reset());
            IOException error = assertThrows(IOException.class, () -> {
                // the reset reaches the client; a read sees it (as a reset, or at worst as EOF then a failed write)
                if (s.getInputStream().read() == -1) {
                    for (int i = 0; i < 100; i++) {
                        s.getOutputStream().write(new byte[1024]);
                        Thread.sleep(5);
                    }
                }
            });
            assertTrue(error instanceof SocketException, error.toString());
        }
    }

    @Test
    void thousandConnectionsLeaveNothingOpen() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo(); EngineRig rig = new EngineRig()) {
            int port = rig.forward(echo.port());
            roundTripMany(port, 50); // warm up lazily created descriptors (resolver, selector internals)
            long before = openDescriptors();
            roundTripMany(port, 1000);
            rig.await(EngineEvent.Closed.class, c -> rig.all(EngineEvent.Closed.class).size() == 1050);
            assertEquals(0, rig.engine.openConnections());
            assertEquals(0L, rig.engine.bufferedBytes().get(5, TimeUnit.SECONDS));
            long after = openDescriptors();
            assertTrue(after <= before + 5, "descriptors before " + before + ", after " + after);
            assertEquals(1050, rig.all(EngineEvent.Opened.class).size());
            assertTrue(rig.all(EngineEvent.Failed.class).isEmpty());
        }
    }

    private static void roundTripMany(int port, int count) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<byte[]>> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = ("connection " + i).getBytes();
            results.add(clients.submit(() -> {
                try (Socket s = Loopback.connect(port)) {
                    return roundTrip(s, data);
                }
            }));
        }
        for (int i = 0; i < count; i++) {
            assertArrayEquals(("connection " + i).getBytes(), results.get(i).get(30, TimeUnit.SECONDS));
        }
        clients.shutdown();
    }

    private static long openDescriptors() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc");
        try (var list = Files.list(fds)) {
            return list.count();
        }
    }

    @Test
    void ipv6ListenerAndTarget() throws Exception {
        Assumptions.assumeTrue(ipv6Loopback(), "no ::1 on this machine");
        try (LoopbackServer echo = LoopbackServer.echo("::1"); EngineRig rig = new EngineRig()) {
            int port = rig.forward("::1", "::1", echo.port());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("::1", port), 5000);
                s.setSoTimeout(10_000);
                byte[] data = random(3, 200_000);
                assertArrayEquals(data, roundTrip(s, data));
            }
            EngineEvent.Opened opened = rig.await(EngineEvent.Opened.class, o -> true);
            assertEquals("[::1]:" + echo.port(), Hosts.format(opened.target()));
        }
    }

    private static boolean ipv6Loopback() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void portInUseIsAPlainMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")); EngineRig rig = new EngineRig()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> rig.engine
                    .addListener(ListenerConfig.forward("127.0.0.1", taken.getLocalPort(), "127.0.0.1", 9))
                    .get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof ListenerException);
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": the port is already in use",
                    e.getCause().getMessage());
            rig.await(EngineEvent.ListenerFailed.class, f -> true);
        }
    }

    @Test
    void removedListenerRefusesNewClientsWhileOpenConnectionsGoOn() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo(); EngineRig rig = new EngineRig()) {
            Engine.Bound bound = rig.engine.addListener(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", echo.port()))
                    .get(5, TimeUnit.SECONDS);
            int port = bound.address().getPort();
            int second = rig.forward(echo.port());
            try (Socket open = Loopback.connect(port)) {
                open.getOutputStream().write("before".getBytes());
                assertArrayEquals("before".getBytes(), open.getInputStream().readNBytes(6));
                rig.engine.removeListener(bound.listenerId()).get(5, TimeUnit.SECONDS);
                assertThrows(ConnectException.class, () -> Loopback.connect(port).close());
                open.getOutputStream().write("after".getBytes());
                assertArrayEquals("after".getBytes(), open.getInputStream().readNBytes(5));
            }
            try (Socket s = Loopback.connect(second)) {
                assertArrayEquals("still".getBytes(), roundTrip(s, "still".getBytes()));
            }
            rig.await(EngineEvent.ListenerStopped.class, l -> l.listenerId() == bound.listenerId());
        }
    }

    @Test
    void slowReaderKeepsTheEngineBuffersBounded() throws Exception {
        int total = 64 << 20;
        LoopbackServer.Handler firehose = s -> {
            OutputStream out = s.getOutputStream();
            byte[] block = new byte[256 * 1024];
            for (int sent = 0; sent < total; sent += block.length) {
                out.write(block);
            }
        };
        EngineOptions options = EngineOptions.defaults();
        try (LoopbackServer srv = new LoopbackServer("127.0.0.1", firehose); EngineRig rig = new EngineRig(options);
                Socket s = Loopback.connect(rig.forward(srv.port()))) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long read = 0;
            long maxBuffered = 0;
            for (int i = 0; i < 40; i++) {
                read += in.read(buf);
                Thread.sleep(10);
                maxBuffered = Math.max(maxBuffered, rig.engine.bufferedBytes().get(5, TimeUnit.SECONDS));
            }
            assertTrue(read < total / 4, "the client really is slow");
            assertTrue(maxBuffered <= options.bufferBytes(),
                    "engine held " + maxBuffered + " bytes for a slow reader; bound " + options.bufferBytes());
        }
    }
}
