package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.TlsEngines;
import wirelens.tls.UpstreamTrust;

class WarmUpTest {

    @Test
    void runsItsConnectionsAndLeavesNoSocketOpenAndTimeWaitOnlyForTheNormalCloses() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux /proc/net/tcp");
        for (EngineOptions options : List.of(EngineOptions.defaults().withRecordChunks(false), EngineOptions.defaults())) {
            // a port 0 listener may get a port that an earlier connection of another test still holds in
            // TIME_WAIT: such sockets were there before and are not the warm-up's
            Set<String> before = new HashSet<>(socketsOnPorts(null));
            WarmUp.Result r = WarmUp.run(options, 60_000, 200);

            assertNull(r.stoppedBecause());
            assertEquals(200, r.connections());
            // its listeners and its echo server
            assertEquals(WarmUp.HOPS + 1, r.ports().size());
            assertTrue(r.ports().stream().allMatch(p -> p > 0));
            // every socket of the warm-up is gone (no listener, no connection), except that each of the
            // connections that closed normally leaves one in TIME_WAIT at the client and at each hop
            List<String> left = socketsOnPorts(Set.copyOf(r.ports()));
            left.removeIf(line -> before.contains(endpoints(line)));
            List<String> timeWait = left.stream().filter(line -> line.endsWith("(state 06)")).toList();
            left.removeAll(timeWait);
            assertEquals(0, left.size(), () -> left.size() + " sockets left, e.g. " + left.subList(0, Math.min(3, left.size())));
            int normalCloses = 200 / WarmUp.CLOSE_NORMALLY_EVERY;
            assertTrue(timeWait.size() >= 1 && timeWait.size() <= (WarmUp.HOPS + 1) * normalCloses,
                    () -> timeWait.size() + " sockets in TIME_WAIT for " + normalCloses + " normal closes");
        }
    }

    @Test
    void publishesToTheGivenQueueSoThatItsConsumerIsWarmedToo() throws Exception {
        EventQueue events = new EventQueue(EngineOptions.defaults().eventBudgetBytes());
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        Drain consumer = new Drain(events, e -> {
            if (e instanceof EngineEvent.Opened) {
                opened.incrementAndGet();
            } else if (e instanceof EngineEvent.Closed || e instanceof EngineEvent.Failed) {
                ended.incrementAndGet();
            }
        });
        WarmUp.Result r = WarmUp.run(EngineOptions.defaults(), events, 60_000, 100);
        consumer.stop();

        assertNull(r.stoppedBecause());
        assertEquals(100, r.connections());
        // each client connection crossed the engine once per hop of the chain
        assertEquals(100 * WarmUp.HOPS, opened.get(), "every warm-up connection reached the given queue's consumer");
        assertEquals(100 * WarmUp.HOPS, ended.get());
        assertEquals(0, events.pendingBytes());
    }

    @Test
    void withTlsItAlsoRequestsOverHttpsThroughItsProxyAndLeavesNoSocketOpen(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux /proc/net/tcp");
        TlsOptions tls = TlsOptions.of(new TlsEngines(CertificateAuthority.loadOrCreate(dir), UpstreamTrust.system()));
        EventQueue events = new EventQueue(EngineOptions.defaults().eventBudgetBytes());
        List<EngineEvent.Tls> handshakes = new ArrayList<>();
        Drain consumer = new Drain(events, e -> {
            if (e instanceof EngineEvent.Tls t && t.kind() == EngineEvent.Tls.Kind.HANDSHAKE_DONE) {
                synchronized (handshakes) {
                    handshakes.add(t);
                }
            }
        });
        Set<String> before = new HashSet<>(socketsOnPorts(null));
        WarmUp.Result r;
        try {
            r = WarmUp.run(EngineOptions.defaults(), tls, true, events, 60_000, 100);
        } finally {
            consumer.stop();
            tls.work().shutdown();
        }

        assertNull(r.stoppedBecause());
        assertNull(r.httpsStoppedBecause());
        assertTrue(r.httpsRequests() >= HttpsWarmUp.REQUESTS_PER_TUNNEL, r.httpsRequests() + " HTTPS requests");
        synchronized (handshakes) {
            // both legs of the intercepted tunnel: the server leg verified against the warm-up's own CA
            assertTrue(handshakes.stream().anyMatch(t -> t.side() == Side.TARGET && t.facts() != null
                    && t.facts().verified()), handshakes.toString());
            assertTrue(handshakes.stream().anyMatch(t -> t.side() == Side.CLIENT), handshakes.toString());
        }
        // its listeners, its echo server, its proxy and its HTTPS server
        assertEquals(WarmUp.HOPS + 3, r.ports().size());
        List<String> left = socketsOnPorts(Set.copyOf(r.ports()));
        left.removeIf(line -> before.contains(endpoints(line)) || line.endsWith("(state 06)"));
        assertEquals(List.of(), left, "no listener or connection of the warm-up is left");
    }

    @Test
    void noBudgetMeansNoWarmUp() {
        WarmUp.Result r = WarmUp.run(EngineOptions.defaults(), 0, 100);
        assertEquals(0, r.connections());
    }

    /** A thread that takes the warm-up's events off {@code events} and hands each to {@code each}. */
    private static final class Drain {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Drain(EventQueue events, java.util.function.Consumer<EngineEvent> each) {
            thread = new Thread(() -> {
                List<EngineEvent> batch = new ArrayList<>();
                while (!stop.get() || !events.isEmpty()) {
                    batch.clear();
                    try {
                        events.drainTo(batch, 256, 20, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    batch.forEach(each);
                    events.consumed(batch);
                }
            });
            thread.start();
        }

        /** Stops once the queue is empty; waits for that, bounded. */
        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(10_000);
        }
    }

    /** The file, local and remote address of a line from {@link #socketsOnPorts}. */
    private static String endpoints(String line) {
        String[] f = line.split("\\s+");
        return f[0] + " " + f[2] + " " + f[3];
    }

    /** Lines of /proc/net/tcp and tcp6 whose local or remote port is one of {@code ports} (null: all, as {@link #endpoints}). */
    private static List<String> socketsOnPorts(Set<Integer> ports) throws IOException {
        List<String> found = new ArrayList<>();
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(file);
            if (!Files.isReadable(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || !f[1].contains(":")) {
                    continue; // the header
                }
                int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                if (ports == null) {
                    found.add(file + ": " + f[1] + " " + f[2]);
                } else if (ports.contains(local) || ports.contains(remote)) {
                    found.add(file + ": " + line.trim() + " (state " + f[3] + ")");
                }
            }
        }
        return found;
    }
}
