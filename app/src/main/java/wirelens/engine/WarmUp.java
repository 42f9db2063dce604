package wirelens.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs short-lived connections through a throwaway engine on loopback before the real listeners open,
 * so that the JIT has compiled the accept → connect → relay → close path before the first client
 * arrives. A fresh JVM otherwise interprets that path for its first few thousand connections, and its
 * C2 compiler then takes up to half a core for seconds, which on a small machine halves the connection
 * rate. So the warm-up goes on until the compiler threads have been idle for a while, within a time
 * budget.
 *
 * <p>Everything stays on 127.0.0.1 with ephemeral ports: a throwaway engine (its own event queue, so
 * nothing reaches the real capture, the log or the connection ids), an echo server on port 0, and a
 * chain of {@link #HOPS} forward listeners on port 0, each forwarding to the next and the last to the
 * echo server, so that each client connection is {@link #HOPS} connections through the engine for the
 * cost of one client and one echo. One client per engine loop runs connections back to back, so the
 * loops work at the same time as they do under real load. Each warm-up connection sends 64 bytes, reads
 * them back, half-closes, and is then reset by the echo server (SO_LINGER 0), which the engine passes on
 * as a reset: no socket is left open or in TIME_WAIT; every {@link #CLOSE_NORMALLY_EVERY}th closes
 * normally instead, and a spare listener comes and goes now and then. With an HTTP proxy in the run,
 * HTTPS requests go through one of the warm-up's too ({@link HttpsWarmUp}); its few tunnels close
 * normally (a TIME_WAIT socket or two each). The traffic stops once the JIT is
 * quiet after enough connections, or after the connections it was asked for, or at the time budget; whatever is
 * left of the budget then goes to the compiler, which works through its queue with no traffic competing
 * for the cores. Any failure only ends the warm-up early; it never stops the real start.
 */
public final class WarmUp {
    private static final int MESSAGE_BYTES = 64;
    /** Every so many connections also carries this much each way, so bulk relaying (partial writes) is warm too. */
    private static final int BULK_EVERY = 32;
    /** Small enough that a capturing warm-up writes only tens of MB to its throwaway file. */
    private static final int BULK_BYTES = 256 * 1024;
    private static final int SOCKET_TIMEOUT_MILLIS = 1000;
    /**
     * Every so many connections end normally (a FIN each way, then the engine closes both sides), as
     * most real ones do: code compiled without that path in its profile is thrown away and compiled
     * anew (hundreds of ms of C2 each) when the first real connection closes. Each such connection
     * leaves two sockets in TIME_WAIT for a minute, which is why the others end with a reset.
     */
    static final int CLOSE_NORMALLY_EVERY = 8;
    private static final int LISTENER_CHURN_EVERY = 500;
    /** How many of the warm-up's listeners each client connection crosses (see {@link #run}). */
    static final int HOPS = 3;
    private static final int COLLECT_EVERY = 2000;

    /**
     * What a warm-up did: client connections completed (each crossed the engine {@link #HOPS} times), HTTPS
     * requests answered, how long it took, why it stopped early (or null), the loopback ports it used (its
     * listeners', its echo server's, its HTTPS server's), so that a test can check nothing is left on them,
     * whether it ended because the JIT compilers had gone quiet (rather than at its budget), and why its
     * HTTPS requests stopped or never began (or null).
     */
    public record Result(int connections, int httpsRequests, long millis, String stoppedBecause, List<Integer> ports,
            boolean jitSettled, String httpsStoppedBecause) {}

    private WarmUp() {}

    /** Runs up to {@code maxConnections} warm-up connections within about {@code budgetMillis}, draining its own events. */
    public static Result run(EngineOptions options, long budgetMillis, int maxConnections) {
        return run(options, null, budgetMillis, maxConnections);
    }

    /**
     * Runs warm-up connections until the JIT compilers have gone quiet, {@code maxConnections} are done or
     * {@code budgetMillis} are spent, whichever comes first. The throwaway engine publishes to
     * {@code events} when given, so that whoever consumes them (a throwaway recorder) is warmed too;
     * with null, the warm-up drains and drops its events itself.
     */
    public static Result run(EngineOptions options, EventQueue events, long budgetMillis, int maxConnections) {
        return run(options, null, false, events, budgetMillis, maxConnections);
    }

    /**
     * As {@link #run(EngineOptions, EventQueue, long, int)}, through an engine that intercepts TLS as the
     * real one will ({@code tls}, or null): its plain clients then take the path real plain clients take
     * (the client side's ClientHello sniffer), so the compiled code has seen it. With {@code https} (for a
     * run with an HTTP proxy) HTTPS requests go through a proxy listener of the warm-up's at the same time
     * ({@link HttpsWarmUp}); a run without one would only lose plain connections' warm-up time to them.
     */
    public static Result run(EngineOptions options, TlsOptions tls, boolean https, EventQueue events,
            long budgetMillis, int maxConnections) {
        if (budgetMillis <= 0 || maxConnections <= 0) {
            return new Result(0, 0, 0, null, List.of(), false, null);
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
        loadClassesUsedLater();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        String stopped = null;
        int echoPort = 0;
        boolean drainHere = events == null;
        EventQueue queue = drainHere ? new EventQueue(options.eventBudgetBytes()) : events;
        List<EngineEvent> drained = new ArrayList<>();
        JitWatch jit = new JitWatch(start);
        List<Integer> ports = new ArrayList<>();
        Clients clients = null;
        HttpsWarmUp httpsClient = null;
        String httpsProblem = null;
        TlsOptions warmTls = tls;
        if (tls != null && https) {
            try {
                warmTls = HttpsWarmUp.options(tls);
            } catch (GeneralSecurityException | RuntimeException e) {
                httpsProblem = e.toString(); // the plain warm-up goes on without it
            }
        }
        try (ServerSocket echoServer = new ServerSocket(0, 50, loopback);
                Engine engine = new Engine(queue, options)) {
            engine.setTls(warmTls);
            engine.start();
            echoPort = echoServer.getLocalPort();
            ports.add(echoPort);
            // a chain of listeners, each forwarding to the next and the last to the echo server: every
            // client connection then crosses the engine HOPS times, so the engine's per-connection code
            // is called HOPS times as often for what one client and one echo cost
            Engine.Bound bound = null;
            int next = echoPort;
            for (int i = 0; i < HOPS; i++) {
                bound = engine.addListener(ListenerConfig.forward(loopback.getHostAddress(), 0,
                        loopback.getHostAddress(), next)).get(budgetMillis, TimeUnit.MILLISECONDS);
                next = bound.address().getPort();
                ports.add(next);
            }
            // as many clients at once as the engine has loops: paths that only concurrent connections
            // take (two loops publishing events at the same moment) must be in the profiles as well
            int count = engine.loopCount();
            for (int i = 0; i < count; i++) {
                Thread echo = new Thread(() -> serveEcho(echoServer), "wirelens-warmup-echo");
                echo.setDaemon(true);
                echo.start();
            }
            if (warmTls != tls) {
                try {
                    Engine.Bound proxy = engine.addListener(ListenerConfig.http(loopback.getHostAddress(), 0))
                            .get(budgetMillis, TimeUnit.MILLISECONDS);
                    ports.add(proxy.address().getPort());
                    httpsClient = HttpsWarmUp.start(warmTls.engines(), proxy.address());
                    ports.add(httpsClient.port());
                } catch (IOException | GeneralSecurityException | java.util.concurrent.ExecutionException
                        | java.util.concurrent.TimeoutException | RuntimeException e) {
                    httpsProblem = e.toString(); // the plain warm-up goes on without it
                }
            }
            clients = new Clients(bound.address(), maxConnections, count);
            int churned = 0;
            int collected = 0;
            // the plain clients set the pace; the HTTPS client is let finish its first tunnel at least
            while (clients.running()
                    || (httpsClient != null && httpsClient.running()
                            && httpsClient.requests() < HttpsWarmUp.REQUESTS_PER_TUNNEL)) {
                long now = System.nanoTime();
                int done = clients.done.get();
                if (now >= deadline || jit.settled(now, done * HOPS)) {
                    break;
                }
                if (done / LISTENER_CHURN_EVERY > churned) {
                    churned = done / LISTENER_CHURN_EVERY;
                    churnListener(engine, loopback, echoPort, budgetMillis);
                }
                if (done / COLLECT_EVERY > collected) {
                    collected = done / COLLECT_EVERY;
                    // the warm-up's garbage would otherwise grow the young generation, and with it
                    // the process's resident memory for good, by a hundred MiB or so
                    System.gc();
                }
                if (drainHere) {
                    drained.clear();
                    queue.drainTo(drained, Integer.MAX_VALUE, 5, TimeUnit.MILLISECONDS);
                    queue.consumed(drained);
                } else {
                    Thread.sleep(5);
                }
            }
            clients.stop();
            stopped = clients.failure();
            if (httpsClient != null) {
                httpsClient.close();
                httpsProblem = httpsClient.failure();
            }
            echoServer.close();
            // the traffic has queued what it made hot; with the cores to itself, C2 now works through
            // that queue before the first client comes, instead of competing with it for a core
            while (stopped == null && System.nanoTime() < deadline && !jit.settled(System.nanoTime(), Integer.MAX_VALUE)) {
                Thread.sleep(20);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            stopped = e.toString();
            if (clients != null) {
                clients.stopSoon();
            }
        } finally {
            closeQuietly(httpsClient);
            if (warmTls != tls) {
                warmTls.work().shutdown(); // the warm-up's own (the real options' pool is the real engine's)
            }
        }
        return new Result(clients == null ? 0 : clients.done.get(), httpsClient == null ? 0 : httpsClient.requests(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), stopped, List.copyOf(ports),
                jit.isSettled(), httpsProblem);
    }

    private static void closeQuietly(HttpsWarmUp https) {
        if (https == null) {
            return;
        }
        try {
            https.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Loads classes that ordinary use first needs only after the warm-up. A class loaded then can break
     * what C2 assumed about the class hierarchy and throw away the compiled relay path just as the
     * first clients arrive: every channel read and write releases a lock, and while the JDK's lock
     * queue has known one kind of waiting node, C2 compiles that release for that kind alone. The first
     * wait on a {@link CountDownLatch} (the headless main thread waiting for a signal) loads the other
     * kind (measured: dispatch, read and the session's handling compiled anew, 1.2 s of C2 time).
     */
    private static void loadClassesUsedLater() {
        try {
            new CountDownLatch(1).await(1, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The warm-up's client threads, each running one connection after another through the engine. */
    private static final class Clients {
        /** A client gives up after this many failed connections; the warm-up only ends early then. */
        private static final int MAX_FAILURES = 3;
        final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger started = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicReference<String> lastFailure = new AtomicReference<>();
        private final List<Thread> threads = new ArrayList<>();
        private final int maxConnections;
        private volatile boolean stopping;

        Clients(InetSocketAddress proxy, int maxConnections, int count) {
            this.maxConnections = maxConnections;
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(() -> connectRepeatedly(proxy), "wirelens-warmup-client");
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void connectRepeatedly(InetSocketAddress proxy) {
            byte[] message = new byte[MESSAGE_BYTES];
            byte[] reply = new byte[MESSAGE_BYTES];
            byte[] bulk = new byte[64 * 1024];
            while (!stopping && failures.get() < MAX_FAILURES) {
                int n = started.getAndIncrement();
                if (n >= maxConnections) {
                    return;
                }
                message[0] = (byte) (n % BULK_EVERY == BULK_EVERY - 1 ? 1 : 0);
                message[1] = (byte) (n % CLOSE_NORMALLY_EVERY == CLOSE_NORMALLY_EVERY - 1 ? 1 : 0);
                try {
                    oneConnection(proxy, message, reply, bulk);
                    done.incrementAndGet();
                } catch (IOException e) {
                    failures.incrementAndGet();
                    lastFailure.set(e.toString());
                }
            }
        }

        boolean running() {
            return threads.stream().anyMatch(Thread::isAlive);
        }

        /** Tells the clients to stop after their connection in flight, without waiting for them. */
        void stopSoon() {
            stopping = true;
        }

        void stop() throws InterruptedException {
            stopping = true;
            for (Thread t : threads) {
                // a connection in flight ends within its socket timeout
                t.join(2L * SOCKET_TIMEOUT_MILLIS);
            }
        }

        /** Why the clients gave up early, or null if they did not. */
        String failure() {
            return failures.get() >= MAX_FAILURES ? lastFailure.get() : null;
        }
    }

    /**
     * Watches the JIT compiler threads: the warm-up has done its job once they have been idle for a few
     * windows in a row, after enough connections that the hot methods have crossed the C2 thresholds (a
     * few thousand calls each). Their CPU time comes from /proc (the JVM hides compiler threads from
     * its own thread bean, and its total compilation time only grows when a compilation ends, so a long
     * one would look like quiet). Without /proc the warm-up simply runs its time budget.
     */
    private static final class JitWatch {
        private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
        /** At most one clock tick (10 ms) of compiler CPU in a window counts as quiet. */
        private static final long QUIET_TICKS = 1;
        private static final int QUIET_WINDOWS = 3;
        private static final int MIN_CONNECTIONS = 24_000;
        private long windowStart;
        private long ticksAtWindowStart;
        private int quietWindows;

        JitWatch(long start) {
            windowStart = start;
            ticksAtWindowStart = compilerTicks();
        }

        boolean settled(long now, int connections) {
            if (now - windowStart >= WINDOW_NANOS) {
                long ticks = compilerTicks();
                long spent = ticks < 0 || ticksAtWindowStart < 0 ? Long.MAX_VALUE : ticks - ticksAtWindowStart;
                quietWindows = spent <= QUIET_TICKS ? quietWindows + 1 : 0;
                windowStart = now;
                ticksAtWindowStart = ticks;
            }
            return isSettled() && connections >= MIN_CONNECTIONS;
        }

        boolean isSettled() {
            return quietWindows >= QUIET_WINDOWS;
        }

        /** CPU clock ticks (user + system) of this JVM's JIT compiler threads so far, or -1 without /proc. */
        private static long compilerTicks() {
            Path tasks = Path.of("/proc/self/task");
            if (!Files.isDirectory(tasks)) {
                return -1;
            }
            long total = 0;
            try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
                for (Path thread : threads) {
                    String stat;
                    try {
                        stat = Files.readString(thread.resolve("stat"));
                    } catch (IOException gone) {
                        continue; // the thread ended meanwhile
                    }
                    int nameStart = stat.indexOf('(');
                    int nameEnd = stat.lastIndexOf(')');
                    if (nameStart < 0 || nameEnd < nameStart || !stat.startsWith("C", nameStart + 1)
                            || !stat.substring(nameStart + 1, nameEnd).contains("CompilerThre")) {
                        continue;
                    }
                    // after the name: state, then 10 more fields before utime (14th) and stime (15th)
                    String[] f = stat.substring(nameEnd + 2).split(" ");
                    total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return total;
        }
    }

    /**
     * Adds a second listener and removes it again, so that the paths real use takes now and then (tasks
     * from other threads waking a selector, a listening socket's first client, a listening socket
     * deregistered) are in the JIT's profiles: code compiled without them is thrown away and compiled
     * anew when they first happen.
     */
    private static void churnListener(Engine engine, InetAddress loopback, int echoPort, long budgetMillis)
            throws IOException {
        try {
            Engine.Bound spare = engine.addListener(ListenerConfig.forward(loopback.getHostAddress(), 0,
                    loopback.getHostAddress(), echoPort)).get(budgetMillis, TimeUnit.MILLISECONDS);
            // a listening socket's first client takes a branch that its later ones do not
            oneConnection(spare.address(), new byte[MESSAGE_BYTES], new byte[MESSAGE_BYTES], null);
            engine.removeListener(spare.listenerId()).get(budgetMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("a spare listener failed: " + e);
        }
    }

    /**
     * One client: connect, 64 bytes there and back (then {@link #BULK_BYTES} each way if the first byte
     * is 1), half-close, then wait for the reset.
     */
    private static void oneConnection(InetSocketAddress proxy, byte[] message, byte[] reply, byte[] bulk)
            throws IOException {
        // no proxy selector: its lookup per connection (URI parsing, string work) is compiled by C2 during
        // the warm-up, some 200 ms of a compiler thread that the engine's own code is waiting for
        try (Socket s = new Socket(Proxy.NO_PROXY)) {
            s.setSoLinger(true, 0);
            s.setTcpNoDelay(true);
            s.connect(proxy, SOCKET_TIMEOUT_MILLIS);
            s.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            s.getOutputStream().write(message);
            readFully(s.getInputStream(), reply);
            if (message[0] == 1) {
                writeBulk(s.getOutputStream(), bulk);
                readBulk(s.getInputStream(), bulk);
            }
            s.shutdownOutput();
            try {
                while (s.getInputStream().read(reply) >= 0) {
                    // the echo server sends nothing more; it ends the connection with a reset or a close
                }
            } catch (IOException reset) {
                // expected unless the connection closes normally: the reset that leaves no TIME_WAIT
            }
        }
    }

    /**
     * Echoes each connection's first 64 bytes (and takes then sends the bulk bytes if asked), waits for
     * its EOF, then resets it (no TIME_WAIT), or closes it normally if the second byte is 1.
     */
    private static void serveEcho(ServerSocket server) {
        byte[] buffer = new byte[MESSAGE_BYTES];
        byte[] bulk = new byte[64 * 1024];
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoLinger(true, 0);
                s.setTcpNoDelay(true);
                s.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                readFully(in, buffer);
                out.write(buffer);
                if (buffer[0] == 1) {
                    readBulk(in, bulk);
                    writeBulk(out, bulk);
                }
                boolean closeNormally = buffer[1] == 1;
                while (in.read(buffer) >= 0) {
                    // until the engine passes on the client's half-close
                }
                if (closeNormally) {
                    s.setSoLinger(false, 0);
                }
            } catch (IOException e) {
                // the server socket was closed (the warm-up is over), or one connection went wrong
            }
        }
    }

    private static void writeBulk(OutputStream out, byte[] chunk) throws IOException {
        for (int sent = 0; sent < BULK_BYTES; sent += chunk.length) {
            out.write(chunk, 0, Math.min(chunk.length, BULK_BYTES - sent));
        }
    }

    private static void readBulk(InputStream in, byte[] chunk) throws IOException {
        int got = 0;
        while (got < BULK_BYTES) {
            int r = in.read(chunk, 0, Math.min(chunk.length, BULK_BYTES - got));
            if (r < 0) {
                throw new IOException("closed after " + got + " bulk bytes");
            }
            got += r;
        }
    }

    static void readFully(InputStream in, byte[] into) throws IOException {
        int n = 0;
        while (n < into.length) {
            int r = in.read(into, n, into.length - n);
            if (r < 0) {
                throw new IOException("closed after " + n + " bytes");
            }
            n += r;
        }
    }
}
