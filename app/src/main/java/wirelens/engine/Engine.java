package wirelens.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import wirelens.proto.http.HttpDecoder;
import wirelens.proto.http.HttpMessages;

/**
 * The forwarding engine. All public methods are thread-safe: they hand a task to a selector thread
 * and return at once. Results arrive as {@link EngineEvent}s on the queue given at construction.
 *
 * <p>The engine runs {@link #loopCount()} {@link SelectorLoop}s, each a selector thread with its own
 * buffers, timers and connections; a connection lives its whole life on one loop. The first loop
 * accepts every client and keeps it unless it holds {@link SelectorLoop#SPREAD_MARGIN} more
 * connections than the least busy loop, which then gets it. So clients that come one after another (a
 * mail client, a script, a browser's short requests) all stay on the loop that is awake already: the
 * end of one connection and the start of the next are one wake-up of one thread, where spreading them
 * over the loops (as the kernel does with a socket per loop and {@code SO_REUSEPORT}) would wake a
 * second thread for most clients. Clients that stay and work at the same time are spread, so they
 * relay on all cores.
 */
public final class Engine implements AutoCloseable {

    /** A listener that is bound and accepting. */
    public record Bound(int listenerId, ListenerConfig config, InetSocketAddress address) {}

    /** The first loop binds every listener and reports it started and stopped. */
    private final SelectorLoop home;
    private final SelectorLoop[] loops;
    private final Thread[] threads;
    private final EventQueue events;
    private final AtomicInteger nextListenerId = new AtomicInteger(1);
    /** Until when (System.nanoTime) the selector threads give way to the window; 0 if never asked. */
    private final AtomicLong giveWayUntil = new AtomicLong();
    /** The loop that is busy-polling now, if any: at most one at a time, so at most one core spins. */
    private final AtomicReference<BusyPoll> spinner = new AtomicReference<>();
    private volatile boolean started;
    private volatile boolean closed;
    private static final String STOPPED = "the engine is stopped";

    /** Runs {@code wirelens.engineThreads} loops (default: one per core, at most 4). */
    public Engine(EventQueue events, EngineOptions options) {
        this(events, options, Integer.getInteger("wirelens.engineThreads",
                Math.min(4, Runtime.getRuntime().availableProcessors())));
    }

    /** Runs {@code loopCount} loops (at least one). */
    Engine(EventQueue events, EngineOptions options, int loopCount) {
        this(events, options, loopCount, null);
    }

    /**
     * Runs {@code loopCount} loops whose clients get their protocol logic from {@code sessions} (null: each
     * listener kind's own).
     */
    Engine(EventQueue events, EngineOptions options, int loopCount, Function<ListenerConfig, Session> sessions) {
        this.events = Objects.requireNonNull(events);
        if (sessions == null) {
            sessions = this::newSession;
        }
        int n = Math.max(1, loopCount);
        AtomicLong connectionIds = new AtomicLong(1);
        loops = new SelectorLoop[n];
        threads = new Thread[n];
        try {
            for (int i = 0; i < n; i++) {
                loops[i] = new SelectorLoop(events, options, sessions, connectionIds, giveWayUntil, spinner);
            }
        } catch (IOException e) {
            for (SelectorLoop loop : loops) {
                if (loop != null) {
                    loop.closeSelector();
                }
            }
            throw new IllegalStateException("cannot open a selector: " + e.getMessage(), e);
        }
        home = loops[0];
        for (SelectorLoop loop : loops) {
            loop.setPeers(loops);
        }
        for (int i = 0; i < n; i++) {
            threads[i] = new Thread(loops[i]::run, i == 0 ? "wirelens-engine" : "wirelens-engine-" + (i + 1));
            threads[i].setDaemon(true);
        }
        events.onRelieved(() -> {
            for (SelectorLoop loop : loops) {
                loop.execute(loop::resumeAfterBudget);
            }
        });
    }

    /**
     * Asks the selector threads to give way to the window for {@code nanos}: after each round they
     * yield their core to any thread waiting for one, so that a flood of traffic cannot starve the
     * threads that lay out and paint it (the JVM cannot lower a thread's priority on Linux). The window
     * asks when its pulses come late; headless, nobody asks and nothing changes.
     */
    public void giveWay(long nanos) {
        giveWayUntil.set(System.nanoTime() + nanos);
    }

    /** How many selector threads this engine runs. */
    public int loopCount() {
        return loops.length;
    }

    /** Starts the selector threads. */
    public synchronized void start() {
        if (!started) {
            started = true;
            for (Thread t : threads) {
                t.start();
            }
        }
    }

    /**
     * Binds a listener. The future fails with a {@link ListenerException} whose message is fit for a
     * user (e.g. "cannot listen on 127.0.0.1:2626: the port is already in use").
     */
    public CompletableFuture<Bound> addListener(ListenerConfig config) {
        CompletableFuture<Bound> result = new CompletableFuture<>();
        int id = nextListenerId.getAndIncrement();
        InetSocketAddress bindAddress;
        try {
            bindAddress = new InetSocketAddress(InetAddress.getByName(config.bindHost()), config.bindPort());
        } catch (UnknownHostException e) {
            String message = "cannot listen on " + Hosts.format(config.bindHost(), config.bindPort())
                    + ": unknown address " + config.bindHost();
            events.publishNow(new EngineEvent.ListenerFailed(id, config, message));
            result.completeExceptionally(new ListenerException(message));
            return result;
        }
        if (closed) {
            result.completeExceptionally(new ListenerException("cannot listen on "
                    + Hosts.format(config.bindHost(), config.bindPort()) + ": " + STOPPED));
            return result;
        }
        home.execute(() -> bind(id, config, bindAddress, result));
        return result;
    }

    /**
     * On the first loop: opens the listener's socket, reports it started, has the other loops learn its
     * target (the first loop may hand them clients) and starts accepting; the future completes once
     * every loop is ready.
     */
    private void bind(int id, ListenerConfig config, InetSocketAddress address, CompletableFuture<Bound> result) {
        ServerSocketChannel channel = null;
        InetSocketAddress bound;
        InetSocketAddress target;
        try {
            if (closed) {
                throw new IOException(STOPPED);
            }
            channel = ListeningSockets.open(address);
            bound = (InetSocketAddress) channel.getLocalAddress();
            target = config.kind() == ListenerKind.FORWARD ? home.addressOf(config.targetHost(), config.targetPort()) : bound;
        } catch (IOException | RuntimeException x) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // it never accepted anything
                }
            }
            String where = Hosts.format(address.getAddress().getHostAddress(), address.getPort());
            String message = "cannot listen on " + where + ": " + ListeningSockets.describeBindFailure(x);
            home.emitNow(new EngineEvent.ListenerFailed(id, config, message));
            result.completeExceptionally(new ListenerException(message));
            return;
        }
        // reported before the loop accepts, so that it comes before the listener's first connection
        home.emitNow(new EngineEvent.ListenerStarted(id, config, bound));
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        for (SelectorLoop loop : loops) {
            if (loop != home) {
                // queued before any client this listener hands over, so it runs first
                ready.add(onLoop(loop, () -> loop.learnTarget(config, target)));
            }
        }
        CompletableFuture<Void> accepting = new CompletableFuture<>();
        ready.add(accepting);
        home.listen(id, config, channel, bound, target, accepting);
        allOf(ready).whenComplete((ignored, x) -> {
            if (x == null) {
                result.complete(new Bound(id, config, bound));
            } else {
                // only when the engine closes meanwhile
                home.execute(() -> home.unbind(id));
                result.completeExceptionally(new ListenerException("cannot listen on " + Hosts.format(bound) + ": "
                        + describe(x instanceof java.util.concurrent.CompletionException ? x.getCause() : x)));
            }
        });
    }

    /** Stops accepting on a listener; its open connections go on. The port refuses clients once this completes. */
    public CompletableFuture<Void> removeListener(int listenerId) {
        return onLoop(home, () -> home.unbind(listenerId));
    }

    /** Replaces the hook chain (applied to chunks read from now on). */
    public void setHooks(List<ChunkHook> hooks) {
        List<ChunkHook> copy = List.copyOf(hooks);
        // set here, not as a task for the loop: a task runs after the round the wake-up ends, so a chunk
        // read in that round (say, a client's first bytes, read as soon as its target is connected)
        // would still pass the old hooks, e.g. slip past an intercept the user has just turned on
        for (SelectorLoop loop : loops) {
            loop.setHooks(copy);
        }
    }

    /**
     * Turns TLS interception on for connections accepted from now on ({@code null}: off, TLS is relayed
     * as the opaque bytes it is).
     */
    public void setTls(TlsOptions tls) {
        for (SelectorLoop loop : loops) {
            loop.setTls(tls);
        }
    }

    /**
     * Sets the hook that holds HTTP messages whole at breakpoints (null: none), for message heads read
     * from now on. Messages held already stay held until resumed.
     */
    public void setMessageHook(MessageHook hook) {
        for (SelectorLoop loop : loops) {
            loop.setMessageHook(hook);
        }
    }

    /**
     * Ends the hold of a message held at a breakpoint. The bytes of a Continue or an Answer are checked
     * here, on the caller's thread: one complete request (for a held request) or response, else an
     * {@link IllegalArgumentException} says what is wrong and the message stays held. An edited request
     * needs an absolute http:// URL, or on a connection to one origin (a decrypted tunnel, a forward or SOCKS5
     * connection) its path or a URL of that origin.
     */
    public void resumeMessage(MessageHook.HeldMessage message, MessageHook.Verdict verdict) {
        byte[] bytes = null;
        HttpDecoder.Role role = message.isResponse() ? HttpDecoder.Role.RESPONSE : HttpDecoder.Role.REQUEST;
        if (verdict instanceof MessageHook.Verdict.Continue c && c.message() != null) {
            bytes = c.message().clone();
            verdict = new MessageHook.Verdict.Continue(bytes);
        } else if (verdict instanceof MessageHook.Verdict.Answer a) {
            if (message.isResponse()) {
                throw new IllegalArgumentException("only a held request can be answered; edit the response instead");
            }
            bytes = a.response().clone();
            verdict = new MessageHook.Verdict.Answer(bytes);
            role = HttpDecoder.Role.RESPONSE;
        }
        if (bytes != null) {
            HttpMessages.Whole whole = HttpMessages.parse(bytes, role, message.context().request().method());
            TunnelOrigin tunnel = message.context().tunnel();
            String target = whole.head().target();
            if (role == HttpDecoder.Role.REQUEST && tunnel != null && tunnel.refusal(target) != null) {
                throw new IllegalArgumentException(tunnel.refusal(target));
            }
            if (role == HttpDecoder.Role.REQUEST && tunnel == null && RequestTarget.of(target) == null) {
                throw new IllegalArgumentException("the request needs an absolute http:// URL, got " + target);
            }
        }
        MessageHook.Verdict decided = verdict;
        onConnection(message.connectionId(), c -> c.resumeMessage(message.id(), decided));
    }

    /** Ends the hold of the held chunk of that direction: forward {@code bytes}, or drop on null. */
    public void release(long connectionId, Direction direction, byte[] bytes) {
        onConnection(connectionId, c -> c.release(direction, bytes));
    }

    /** Sends bytes that no peer sent into a live connection (after anything already queued). */
    public void inject(long connectionId, Direction direction, byte[] bytes) {
        byte[] copy = bytes.clone();
        onConnection(connectionId, c -> c.inject(direction, copy));
    }

    /** Closes both sides of a connection at once. */
    public void closeConnection(long connectionId) {
        onConnection(connectionId, c -> c.abort("by the user"));
    }

    /**
     * Runs an action on a connection on the loop that owns it. Every loop is asked and only the owner
     * finds it: these are rare user actions, and no map from connection to loop then has to be kept
     * up to date for every connection opened and closed.
     */
    private void onConnection(long connectionId, Consumer<Connection> action) {
        for (SelectorLoop loop : loops) {
            loop.execute(() -> loop.withConnection(connectionId, action));
        }
    }

    /** Connections currently open (read on any thread; exact once the engine is idle). */
    public int openConnections() {
        int n = 0;
        for (SelectorLoop loop : loops) {
            n += loop.load();
        }
        return n;
    }

    /** Bytes waiting in the engine's buffers across all connections (for tests and benchmarks). */
    public CompletableFuture<Long> bufferedBytes() {
        List<CompletableFuture<Long>> perLoop = new ArrayList<>();
        for (SelectorLoop loop : loops) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            loop.execute(() -> f.complete(loop.bufferedBytes()));
            perLoop.add(f);
        }
        return allOf(perLoop).thenApply(ignored -> perLoop.stream().mapToLong(CompletableFuture::join).sum());
    }

    /** Busy polls of all loops so far: {found what they waited for, gave up} (for tests). */
    long[] pollCounts() {
        long[] n = new long[2];
        for (SelectorLoop loop : loops) {
            long[] counts = loop.pollCounts();
            n[0] += counts[0];
            n[1] += counts[1];
        }
        return n;
    }

    /** Connections each loop has accepted so far, in loop order (for tests). */
    long[] acceptedPerLoop() {
        long[] n = new long[loops.length];
        for (int i = 0; i < loops.length; i++) {
            n[i] = loops[i].accepted();
        }
        return n;
    }

    /** Closes every listener and connection and stops the selector threads. */
    @Override
    public void close() {
        closed = true;
        if (!started) {
            for (SelectorLoop loop : loops) {
                loop.shutdown();
                loop.closeSelector();
                loop.publishEmitted();
            }
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            // the first loop stops first: once it has closed its listeners, no client is handed to a
            // loop that has stopped taking them
            for (int i = 0; i < loops.length; i++) {
                SelectorLoop loop = loops[i];
                loop.execute(loop::shutdown);
                if (i == 0) {
                    threads[0].join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
            }
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static CompletableFuture<Void> onLoop(SelectorLoop loop, Runnable task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (RuntimeException x) {
                done.completeExceptionally(x);
                throw x;
            }
        });
        return done;
    }

    private static CompletableFuture<Void> allOf(List<? extends CompletableFuture<?>> futures) {
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
    }

    /** A short reason for a failure, fit for a user: no class names where the message says enough. */
    static String describe(Throwable x) {
        if (x instanceof ClosedChannelException) {
            return "connection closed";
        }
        String m = x.getMessage();
        if (m == null || m.isBlank()) {
            return x.getClass().getSimpleName();
        }
        return m.toLowerCase(java.util.Locale.ROOT).startsWith("connection") || x instanceof IOException
                ? lowerFirst(m) : x.getClass().getSimpleName() + ": " + m;
    }

    private static String lowerFirst(String s) {
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private Session newSession(ListenerConfig config) {
        return switch (config.kind()) {
            // with no breakpoints a forward connection is the plain relay: nothing looks at its bytes
            case FORWARD -> loops[0].messageHook() != null
                    ? HttpProxySession.forward(config.targetHost(), config.targetPort())
                    : new ForwardSession(config.targetHost(), config.targetPort());
            case HTTP -> new HttpProxySession();
            case SOCKS5 -> new Socks5Session(config.socksAuth());
        };
    }
}
