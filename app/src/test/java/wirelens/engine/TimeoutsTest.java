package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Latin1;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.testkit.Wait;

/**
 * Request head and idle timeouts on real sockets, with timeouts of a few hundred milliseconds: a
 * stalled or trickled head gets a 408, a quiet connection is closed where a limit is set and kept
 * where none is, and each end says why.
 */
class TimeoutsTest {
    private HttpServer origin;
    private String originAuthority;

    @BeforeEach
    void startOrigin() throws IOException {
        origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        origin.createContext("/", exchange -> {
            byte[] body = Latin1.bytes("ok");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        origin.start();
        originAuthority = "127.0.0.1:" + origin.getAddress().getPort();
    }

    @AfterEach
    void stopOrigin() {
        origin.stop(0);
    }

    /** Defaults, with the given request head timeout and idle timeouts for HTTP proxies and forward listeners. */
    private static EngineOptions options(long headMillis, long httpIdleMillis, long forwardIdleMillis) {
        EngineOptions d = EngineOptions.defaults();
        return new EngineOptions(d.connectTimeoutMillis(), d.bufferBytes(), d.recordChunks(), d.eventBudgetBytes(),
                d.responseTimeoutMillis(), d.busyPollMicros(), headMillis, httpIdleMillis, forwardIdleMillis);
    }

    private String request() {
        return "GET http://" + originAuthority + "/ HTTP/1.1\r\nHost: " + originAuthority + "\r\n\r\n";
    }

    @Test
    void aStalledHalfHeadAndASilentClientGet408WhileAnotherClientIsServed() throws Exception {
        try (EngineRig rig = new EngineRig(options(1_000, 300_000, 0))) {
            int proxy = rig.httpProxy();
            try (Socket stalled = Loopback.connect(proxy); Socket silent = Loopback.connect(proxy);
                    Socket busy = Loopback.connect(proxy)) {
                String full = request();
                Loopback.send(stalled, Latin1.bytes(full.substring(0, full.indexOf("\r\n") + 2)));
                for (int i = 0; i < 3; i++) {
                    assertEquals("HTTP/1.1 200 OK", exchange(busy, request()));
                }
                for (Socket s : List.of(stalled, silent)) {
                    String answer = Latin1.text(s.getInputStream().readAllBytes()); // to EOF: closed after it
                    assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
                    assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
                    assertTrue(answer.endsWith("wirelens: the request head did not arrive complete within 1s\n"),
                            answer);
                }
                assertEquals("HTTP/1.1 200 OK", exchange(busy, request()));
            }
            List<EngineEvent.Closed> timedOut = new ArrayList<>();
            Wait.until("two ends for the request head timeout", () -> {
                timedOut.clear();
                rig.all(EngineEvent.Closed.class).stream()
                        .filter(c -> "request head timeout 1s".equals(c.reason())).forEach(timedOut::add);
                return timedOut.size() == 2;
            });
            assertFalse(timedOut.get(0).reset());
        }
    }

    @Test
    void anIdleKeepAliveClientIsClosedAfterTheIdleTimeoutAndTheEndSaysWhy() throws Exception {
        try (EngineRig rig = new EngineRig(options(60_000, 300, 0))) {
            int proxy = rig.httpProxy();
            try (Socket client = Loopback.connect(proxy)) {
                assertEquals("HTTP/1.1 200 OK", exchange(client, request()));
                assertEquals(-1, client.getInputStream().read(), "a normal close (FIN), not a reset");
            }
            EngineEvent.Closed end = rig.await(EngineEvent.Closed.class, c -> true);
            assertEquals("idle timeout 300ms", end.reason());
            assertFalse(end.reset());
            assertTrue(rig.all(EngineEvent.Failed.class).isEmpty(), "an idle close is no error");
        }
    }

    @Test
    void aForwardListenerWithoutAnIdleTimeoutKeepsAQuietConnectionThatAProxyClientLoses() throws Exception {
        try (EngineRig rig = new EngineRig(options(60_000, 300, 0)); LoopbackServer echo = LoopbackServer.echo()) {
            int forward = rig.forward(echo.port());
            int proxy = rig.httpProxy();
            try (Socket quiet = Loopback.connect(forward); Socket proxied = Loopback.connect(proxy)) {
                Loopback.roundTrip(quiet, Latin1.bytes("hello"));
                assertEquals("HTTP/1.1 200 OK", exchange(proxied, request()));
                assertEquals(-1, proxied.getInputStream().read());
                // as long again as the proxy client took to lose its connection, three times over
                Thread.sleep(3 * 300);
                assertEquals("still here", Latin1.text(Loopback.roundTrip(quiet, Latin1.bytes("still here"))));
            }
        }
    }

    /** A second of idleness, so that a round trip on a busy machine is never mistaken for it. */
    @Test
    void aForwardListenerWithAnIdleTimeoutClosesAQuietConnectionButNotAnActiveOne() throws Exception {
        try (EngineRig rig = new EngineRig(options(60_000, 300, 1_000)); LoopbackServer echo = LoopbackServer.echo()) {
            int forward = rig.forward(echo.port());
            try (Socket active = Loopback.connect(forward); Socket quiet = Loopback.connect(forward)) {
                Loopback.roundTrip(quiet, Latin1.bytes("once"));
                // a round trip every 100 ms for three seconds: the idle deadline passes and finds it busy
                for (int i = 0; i < 30; i++) {
                    assertEquals("ping " + i, Latin1.text(Loopback.roundTrip(active, Latin1.bytes("ping " + i))));
                    Thread.sleep(100);
                }
                assertEquals(-1, quiet.getInputStream().read());
                assertEquals("last", Latin1.text(Loopback.roundTrip(active, Latin1.bytes("last"))));
            }
            EngineEvent.Closed end = rig.await(EngineEvent.Closed.class, c -> c.reason() != null);
            assertEquals("idle timeout 1s", end.reason());
            assertEquals(1, rig.all(EngineEvent.Closed.class).stream().filter(c -> c.reason() != null).count());
        }
    }

    /**
     * The documented rule: a head counts from its start however lively it trickles in, so a byte every
     * 100 ms does not keep it alive past its limit (a 408), and while it comes the idle timeout (300 ms)
     * does not cut it short; a trickle complete in time is served.
     */
    @Test
    void aTrickledHeadIsNeverIdleButMustBeCompleteWithinTheHeadTimeout() throws Exception {
        try (EngineRig rig = new EngineRig(options(1_000, 300, 0))) {
            int proxy = rig.httpProxy();
            try (Socket slow = Loopback.connect(proxy)) {
                byte[] head = Latin1.bytes(request().replace("\r\n\r\n", "\r\nX-Padding: 0123456789\r\n\r\n"));
                InputStream in = slow.getInputStream();
                for (int i = 0; i < head.length && in.available() == 0; i++) {
                    Loopback.send(slow, new byte[] {head[i]});
                    Thread.sleep(100);
                }
                String answer = Latin1.text(in.readAllBytes());
                assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
            }
            assertEquals("request head timeout 1s", rig.await(EngineEvent.Closed.class, c -> true).reason());
        }
        try (EngineRig rig = new EngineRig(options(3_000, 300, 0))) {
            int proxy = rig.httpProxy();
            try (Socket slow = Loopback.connect(proxy)) {
                byte[] head = Latin1.bytes(request());
                int step = head.length / 8 + 1;
                for (int from = 0; from < head.length; from += step) {
                    Loopback.send(slow, java.util.Arrays.copyOfRange(head, from, Math.min(head.length, from + step)));
                    Thread.sleep(100);
                }
                assertEquals("HTTP/1.1 200 OK", exchange(slow, ""));
            }
        }
    }

    @Test
    void twoHundredStalledClientsAreAllClosedAndTheirDescriptorsReleased() throws Exception {
        try (EngineRig rig = new EngineRig(options(300, 300_000, 0))) {
            rig.keepEvents(false);
            int proxy = rig.httpProxy();
            long before = openDescriptors();
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket s = Loopback.connect(proxy);
                    clients.add(s);
                    Loopback.send(s, Latin1.bytes("GET http://" + originAuthority + "/ HTTP/1.1\r\nHost: "));
                }
                for (Socket s : clients) {
                    String answer = Latin1.text(s.getInputStream().readAllBytes());
                    assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
                }
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
            }
            Wait.until("the engine holds no connection", () -> rig.engine.openConnections() == 0);
            // the engine's and the test's sockets are all gone again (a little slack for the JVM's own files)
            Wait.until("descriptors back near " + before, () -> openDescriptors() <= before + 5);
        }
    }

    private static long openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Sends a request (possibly empty: already sent), reads one response and returns its status line. */
    private static String exchange(Socket s, String request) throws IOException {
        if (!request.isEmpty()) {
            Loopback.send(s, Latin1.bytes(request));
        }
        InputStream in = s.getInputStream();
        String status = Loopback.readLine(in);
        int length = 0;
        String line;
        while ((line = Loopback.readLine(in)) != null && !line.isEmpty()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        assertEquals(length, in.readNBytes(length).length, "the whole body");
        return status;
    }
}
