package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;

/**
 * An engine with two selector threads: clients that come one after another stay on the loop that
 * accepts them, clients that stay open together are spread over both, and everything that works with
 * one loop still works for the connections that live on the second.
 */
class EngineLoopsTest {
    private static final int LOOPS = 2;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes on another thread while reading everything back, then half-closes. */
    private static byte[] roundTrip(Socket s, byte[] data, ExecutorService writers) throws Exception {
        Future<?> sent = writers.submit(() -> {
            OutputStream out = s.getOutputStream();
            out.write(data);
            s.shutdownOutput();
            return null;
        });
        byte[] back = s.getInputStream().readAllBytes();
        sent.get(20, TimeUnit.SECONDS);
        return back;
    }

    @Test
    void twoHundredConnectionsSpreadOverBothLoopsWithUniqueIdsAndExactBytes() throws Exception {
        int count = 200;
        ExecutorService clients = Executors.newFixedThreadPool(16);
        ExecutorService writers = Executors.newCachedThreadPool();
        try (LoopbackServer echo = LoopbackServer.echo(); EngineRig rig = rigWithLoops(LOOPS)) {
            assertEquals(LOOPS, rig.engine.loopCount());
            int port = rig.forward(echo.port());
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] data = random(i, 1 + (i * 7919) % 300_000);
                results.add(clients.submit(() -> {
                    try (Socket s = Loopback.connect(port)) {
                        return Arrays.equals(data, roundTrip(s, data, writers));
                    }
                }));
            }
            for (int i = 0; i < count; i++) {
                assertTrue(results.get(i).get(60, TimeUnit.SECONDS), "connection " + i + " came back intact");
            }
            rig.await(EngineEvent.Closed.class, c -> rig.all(EngineEvent.Closed.class).size() == count);

            long[] perLoop = rig.engine.acceptedPerLoop();
            assertEquals(count, Arrays.stream(perLoop).sum());
            for (int i = 0; i < LOOPS; i++) {
                assertTrue(perLoop[i] > 0, "loop " + (i + 1) + " served no connection: " + Arrays.toString(perLoop));
            }
            Set<Long> ids = rig.all(EngineEvent.Opened.class).stream().map(EngineEvent.Opened::connectionId)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(LongStream.rangeClosed(1, count).boxed().collect(Collectors.toSet()), ids,
                    "ids 1.." + count + ", each once");
            assertEquals(0, rig.engine.openConnections());
            assertEquals(0L, rig.engine.bufferedBytes().get(5, TimeUnit.SECONDS));
            assertTrue(rig.all(EngineEvent.Failed.class).isEmpty());
            assertEventsOfEachConnectionInOrder(rig.events);
        } finally {
            clients.shutdownNow();
            writers.shutdownNow();
        }
    }

    @Test
    void clientsThatComeOneAfterAnotherStayOnTheAcceptingLoop() throws Exception {
        int count = 50;
        try (LoopbackServer echo = LoopbackServer.echo(); EngineRig rig = rigWithLoops(LOOPS)) {
            int port = rig.forward(echo.port());
            for (int i = 0; i < count; i++) {
                String message = "client " + i;
                try (Socket s = Loopback.connect(port)) {
                    s.getOutputStream().write(ascii(message));
                    assertEquals(message, new String(s.getInputStream().readNBytes(message.length()), StandardCharsets.ISO_8859_1));
                }
                int closed = i + 1;
                rig.await(EngineEvent.Closed.class, c -> rig.all(EngineEvent.Closed.class).size() == closed);
            }
            assertArrayEquals(new long[] {count, 0}, rig.engine.acceptedPerLoop(),
                    "one client at a time never wakes the second loop");
            assertEquals(0, rig.engine.openConnections());
        }
    }

    /** Opened first, Closed last, and the chunks of each direction add up to what Closed counts. */
    private static void assertEventsOfEachConnectionInOrder(List<EngineEvent> events) {
        Map<Long, String> state = new HashMap<>();
        Map<Long, long[]> bytes = new HashMap<>();
        for (EngineEvent e : events) {
            if (e instanceof EngineEvent.Opened o) {
                assertEquals(null, state.put(o.connectionId(), "open"), "one Opened per connection");
                bytes.put(o.connectionId(), new long[2]);
            } else if (e instanceof EngineEvent.Chunk c) {
                assertEquals("open", state.get(c.connectionId()), "chunk of " + c.connectionId() + " between Opened and Closed");
                bytes.get(c.connectionId())[c.direction().ordinal()] += c.forwardedLength();
            } else if (e instanceof EngineEvent.Closed c) {
                assertEquals("open", state.put(c.connectionId(), "closed"), "Closed of " + c.connectionId() + " after Opened");
                long[] seen = bytes.get(c.connectionId());
                assertEquals(c.bytesClientToServer(), seen[Direction.CLIENT_TO_SERVER.ordinal()]);
                assertEquals(c.bytesServerToClient(), seen[Direction.SERVER_TO_CLIENT.ordinal()]);
            }
        }
    }

    /** Where the hook saw a held chunk: its connection and the thread it ran on. */
    private record Held(long connectionId, String thread) {}

    @Test
    void heldChunksAreReleasedInjectedAndClosedOnWhicheverLoopOwnsTheConnection() throws Exception {
        int count = 40;
        Map<Integer, Held> held = new ConcurrentHashMap<>();
        try (LoopbackServer echo = LoopbackServer.echo(); EngineRig rig = rigWithLoops(LOOPS)) {
            rig.engine.setHooks(List.of((ctx, data) -> {
                String text = new String(data, StandardCharsets.ISO_8859_1);
                if (ctx.direction() == Direction.CLIENT_TO_SERVER && text.startsWith("REQ ")) {
                    held.put(Integer.parseInt(text.substring(4)), new Held(ctx.connectionId(), Thread.currentThread().getName()));
                    return ChunkHook.Verdict.HOLD;
                }
                return ChunkHook.Verdict.forward(data);
            }));
            int port = rig.forward(echo.port());
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    Socket s = Loopback.connect(port);
                    sockets.add(s);
                    s.getOutputStream().write(ascii("REQ " + i));
                }
                for (int tries = 0; held.size() < count && tries < 1000; tries++) {
                    Thread.sleep(10);
                }
                assertEquals(count, held.size(), "every request was held");
                Set<String> threads = held.values().stream().map(Held::thread).collect(Collectors.toSet());
                assertEquals(Set.of("wirelens-engine", "wirelens-engine-2"), threads, "held on both loops");

                for (int i = 0; i < count; i++) {
                    long id = held.get(i).connectionId();
                    rig.engine.inject(id, Direction.SERVER_TO_CLIENT, ascii("INJ " + i + ";"));
                    rig.engine.release(id, Direction.CLIENT_TO_SERVER, ascii("REL " + i));
                }
                for (int i = 0; i < count; i++) {
                    String expected = "INJ " + i + ";REL " + i;
                    InputStream in = sockets.get(i).getInputStream();
                    assertEquals(expected, new String(in.readNBytes(expected.length()), StandardCharsets.ISO_8859_1),
                            "connection " + i + " (" + held.get(i).thread() + ")");
                }
                for (int i = 0; i < count; i += 2) {
                    rig.engine.closeConnection(held.get(i).connectionId());
                }
                for (int i = 0; i < count; i++) {
                    Socket s = sockets.get(i);
                    if (i % 2 == 0) {
                        assertTrue(endOrReset(s.getInputStream()), "connection " + i + " was closed by the engine");
                    } else {
                        s.shutdownOutput();
                        assertEquals(-1, s.getInputStream().read(), "connection " + i + " ends normally");
                    }
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            rig.await(EngineEvent.Closed.class, c -> rig.all(EngineEvent.Closed.class).size() == count);
            for (int i = 0; i < count; i++) {
                long id = held.get(i).connectionId();
                EngineEvent.Closed closed = rig.await(EngineEvent.Closed.class, c -> c.connectionId() == id);
                assertEquals(i % 2 == 0, closed.reset(), "connection " + i + " closed by the user is a reset");
                assertEquals(i % 2 == 0 ? "by the user" : null, closed.reason(), "and says so");
                EngineEvent.Chunk released = rig.await(EngineEvent.Chunk.class,
                        c -> c.connectionId() == id && c.direction() == Direction.CLIENT_TO_SERVER);
                assertArrayEquals(ascii("REL " + i), released.forwarded());
            }
        }
    }

    /** True when the peer closed or reset the connection (within the socket's read timeout). */
    private static boolean endOrReset(InputStream in) {
        try {
            return in.read() == -1;
        } catch (IOException e) {
            return e instanceof java.net.SocketException;
        }
    }

    @Test
    void removedListenerRefusesClientsOnEveryLoopWhileItsConnectionsGoOn() throws Exception {
        int count = 20;
        try (LoopbackServer echo = LoopbackServer.echo(); EngineRig rig = rigWithLoops(LOOPS)) {
            Engine.Bound bound = rig.engine.addListener(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", echo.port()))
                    .get(5, TimeUnit.SECONDS);
            int port = bound.address().getPort();
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    Socket s = Loopback.connect(port);
                    open.add(s);
                    s.getOutputStream().write(ascii("before " + i));
                    assertEquals("before " + i, new String(s.getInputStream().readNBytes(("before " + i).length())));
                }
                long[] perLoop = rig.engine.acceptedPerLoop();
                assertTrue(perLoop[0] > 0 && perLoop[1] > 0, "connections on both loops: " + Arrays.toString(perLoop));

                rig.engine.removeListener(bound.listenerId()).get(5, TimeUnit.SECONDS);
                // a socket left listening on either loop would complete some of these handshakes
                for (int i = 0; i < count; i++) {
                    assertThrows(ConnectException.class, () -> Loopback.connect(port).close(), "attempt " + i);
                }
                for (int i = 0; i < count; i++) {
                    Socket s = open.get(i);
                    s.getOutputStream().write(ascii("after " + i));
                    assertEquals("after " + i, new String(s.getInputStream().readNBytes(("after " + i).length())));
                }
                // the port is free again, though connections accepted on it are still open
                Engine.Bound again = rig.engine.addListener(ListenerConfig.forward("127.0.0.1", port, "127.0.0.1", echo.port()))
                        .get(5, TimeUnit.SECONDS);
                assertEquals(port, again.address().getPort());
                try (Socket s = Loopback.connect(port)) {
                    s.getOutputStream().write(ascii("again"));
                    assertEquals("again", new String(s.getInputStream().readNBytes(5)));
                }
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
            // were a second loop to report too, it would do so before the first loop does
            rig.await(EngineEvent.ListenerStopped.class, l -> l.listenerId() == bound.listenerId());
            assertEquals(1, rig.all(EngineEvent.ListenerStopped.class).size(), "one ListenerStopped, not one per loop");
            assertEquals(2, rig.all(EngineEvent.ListenerStarted.class).size());
        }
    }

    @Test
    void portHeldByAPlainSocketIsInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                EngineRig rig = rigWithLoops(LOOPS)) {
            assertPortInUse(rig, taken.getLocalPort());
        }
    }

    @Test
    void portOfAnotherMultiLoopEngineIsInUseAndStaysItsOwn() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo();
                EngineRig first = rigWithLoops(LOOPS);
                EngineRig second = rigWithLoops(LOOPS);
                EngineRig single = rigWithLoops(1)) {
            int port = first.forward(echo.port());
            assertPortInUse(second, port);
            assertPortInUse(single, port);
            for (int i = 0; i < 20; i++) {
                try (Socket s = Loopback.connect(port)) {
                    s.getOutputStream().write(ascii("mine"));
                    assertEquals("mine", new String(s.getInputStream().readNBytes(4)));
                }
            }
            first.await(EngineEvent.Closed.class, c -> first.all(EngineEvent.Closed.class).size() == 20);
            assertEquals(20, first.all(EngineEvent.Opened.class).size());
            assertTrue(second.all(EngineEvent.Opened.class).isEmpty(), "the second engine shares nothing");
        }
    }

    @Test
    void aSingleLoopEnginesPortIsInUseForAMultiLoopEngine() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo();
                EngineRig single = rigWithLoops(1);
                EngineRig multi = rigWithLoops(LOOPS)) {
            assertPortInUse(multi, single.forward(echo.port()));
        }
    }

    @Test
    void closeLetsGoOfThePortOnEveryLoopAndLaterListenersFailPlainly() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo()) {
            EngineRig rig = rigWithLoops(LOOPS);
            int port;
            try {
                port = rig.forward(echo.port());
                for (int i = 0; i < 20; i++) {
                    try (Socket s = Loopback.connect(port)) {
                        s.getOutputStream().write(ascii("x"));
                        assertEquals('x', s.getInputStream().read());
                    }
                }
            } finally {
                rig.close();
            }
            for (int i = 0; i < 20; i++) {
                assertThrows(ConnectException.class, () -> Loopback.connect(port).close(), "attempt " + i);
            }
            ExecutionException e = assertThrows(ExecutionException.class, () -> rig.engine
                    .addListener(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", echo.port())).get(5, TimeUnit.SECONDS));
            assertEquals("cannot listen on 127.0.0.1:0: the engine is stopped", e.getCause().getMessage());
        }
    }

    /** An engine with that many selector loops (a constructor of the engine package only). */
    private static EngineRig rigWithLoops(int loops) {
        return new EngineRig(queue -> new Engine(queue, EngineOptions.defaults(), loops));
    }

    private static void assertPortInUse(EngineRig rig, int port) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> rig.engine
                .addListener(ListenerConfig.forward("127.0.0.1", port, "127.0.0.1", 9))
                .get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof ListenerException, e.toString());
        assertEquals("cannot listen on 127.0.0.1:" + port + ": the port is already in use", e.getCause().getMessage());
        rig.await(EngineEvent.ListenerFailed.class, f -> f.message().equals(e.getCause().getMessage()));
    }
}
