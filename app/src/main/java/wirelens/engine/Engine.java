package wirelens.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The forwarding engine. All public methods are thread-safe: they hand a task to a selector thread
 * and return at once. Results arrive as {@link EngineEvent}s on the queue given at construction.
 *
 * <p>The engine runs {@link #loopCount()} loops, each a selector thread with its own buffers, timers
 * and connections; a connection lives its whole life on one loop. The first loop accepts every client
 * and keeps it unless it holds {@link Loop#SPREAD_MARGIN} more connections than the least busy loop,
 * which then gets it. So clients that come one after another (a mail client, a script, a browser's
 * short requests) all stay on the loop that is awake already: the end of one connection and the start
 * of the next are one wake-up of one thread, where spreading them over the loops (as the kernel does
 * with a socket per loop and {@code SO_REUSEPORT}) woke a second thread for most clients. Clients that
 * stay and work at the same time are spread, so they relay on all cores.
 */
public final class Engine implements AutoCloseable {

    /** A listener that is bound and accepting. */
    public record Bound(int listenerId, ListenerConfig config, InetSocketAddress address) {}

    /** The first loop binds every listener and reports it started and stopped. */
    private final Loop home;
    private final Loop[] loops;
    private final Thread[] threads;
    private final EventQueue events;
    private final AtomicInteger nextListenerId = new AtomicInteger(1);
    /** Until when (System.nanoTime) the selector threads give way to the window; 0 if never asked. */
    private final AtomicLong giveWayUntil = new AtomicLong();
    /** The loop that is busy-polling now, if any: at most one at a time, so at most one core spins. */
    private final AtomicReference<Loop> spinner = new AtomicReference<>();
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
        this.events = Objects.requireNonNull(events);
        int n = Math.max(1, loopCount);
        AtomicLong connectionIds = new AtomicLong(1);
        loops = new Loop[n];
        threads = new Thread[n];
        try {
            for (int i = 0; i < n; i++) {
                loops[i] = new Loop(events, options, connectionIds, giveWayUntil, spinner);
            }
        } catch (IOException e) {
            for (Loop loop : loops) {
                if (loop != null) {
                    loop.closeSelector();
                }
            }
            throw new IllegalStateException("cannot open a selector: " + e.getMessage(), e);
        }
        home = loops[0];
        for (Loop loop : loops) {
            loop.peers = loops;
        }
        for (int i = 0; i < n; i++) {
            threads[i] = new Thread(loops[i]::run, i == 0 ? "wirelens-engine" : "wirelens-engine-" + (i + 1));
            threads[i].setDaemon(true);
        }
        events.onRelieved(() -> {
            for (Loop loop : loops) {
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
        for (Loop loop : loops) {
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
        for (Loop loop : loops) {
            loop.hooks = copy;
        }
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
        onConnection(connectionId, c -> c.abort("closed by the user"));
    }

    /**
     * Runs an action on a connection on the loop that owns it. Every loop is asked and only the owner
     * finds it: these are rare user actions, and no map from connection to loop then has to be kept
     * up to date for every connection opened and closed.
     */
    private void onConnection(long connectionId, Consumer<Connection> action) {
        for (Loop loop : loops) {
            loop.execute(() -> loop.withConnection(connectionId, action));
        }
    }

    /** Connections currently open (read on any thread; exact once the engine is idle). */
    public int openConnections() {
        int n = 0;
        for (Loop loop : loops) {
            n += loop.load.get();
        }
        return n;
    }

    /** Bytes waiting in the engine's buffers across all connections (for tests and benchmarks). */
    public CompletableFuture<Long> bufferedBytes() {
        List<CompletableFuture<Long>> perLoop = new ArrayList<>();
        for (Loop loop : loops) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            loop.execute(() -> f.complete(loop.connections.values().stream().mapToLong(Connection::bufferedBytes).sum()));
            perLoop.add(f);
        }
        return allOf(perLoop).thenApply(ignored -> perLoop.stream().mapToLong(CompletableFuture::join).sum());
    }

    /** Busy polls of all loops so far: {found what they waited for, gave up} (for tests). */
    long[] pollCounts() {
        long[] n = new long[2];
        for (Loop loop : loops) {
            n[0] += loop.pollsAnswered;
            n[1] += loop.pollsMissed;
        }
        return n;
    }

    /** Connections each loop has accepted so far, in loop order (for tests). */
    long[] acceptedPerLoop() {
        long[] n = new long[loops.length];
        for (int i = 0; i < loops.length; i++) {
            n[i] = loops[i].accepted;
        }
        return n;
    }

    /** Closes every listener and connection and stops the selector threads. */
    @Override
    public void close() {
        closed = true;
        if (!started) {
            for (Loop loop : loops) {
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
                Loop loop = loops[i];
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

    private static CompletableFuture<Void> onLoop(Loop loop, Runnable task) {
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

    /** Everything one selector thread owns. */
    static final class Loop {
        /**
         * A poll that runs out costs this many credits and an answer that came fast earns one, up to this
         * many; a loop polls only with credit left, so where answers are slow at most one poll in this
         * many runs out.
         */
        private static final int SPIN_CREDIT_MAX = 8;
        /**
         * The accepting loop keeps a new client unless it holds this many more connections than the least
         * busy loop. Two, because a client that comes right after another usually finds the other's
         * connection still closing: with one, clients that come one at a time would alternate loops.
         */
        static final int SPREAD_MARGIN = 2;
        final Selector selector;
        final EventQueue events;
        final EngineOptions options;
        /** Where every read lands; replaced when a read is lent to the capture. */
        ByteBuffer readBuffer;
        final BufferPool buffers;
        final Deadlines connectTimeouts;
        final Deadlines responseTimeouts;
        private SessionEvent.Received receivedFromClient;
        private SessionEvent.Received receivedFromTarget;
        volatile List<ChunkHook> hooks = List.of();
        boolean budgetPaused;
        /**
         * Connections this loop owns or is about to adopt: raised by the accepting loop when it gives
         * one a client, lowered by this loop when a connection ends.
         */
        final AtomicInteger load = new AtomicInteger();
        /** All the engine's loops, this one included: where a client may be handed (set before the threads start). */
        Loop[] peers = {this};
        /** Clients this loop has served (for tests: where the accepting loop placed them). */
        volatile long accepted;

        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final Map<Integer, Listener> listeners = new HashMap<>();
        final Map<Long, Connection> connections = new HashMap<>();
        private final PriorityQueue<Timer> timers = new PriorityQueue<>();
        /** Events of the current round, in order, and their weight (see {@link #publishEmitted}). */
        private List<EngineEvent> emitted = new ArrayList<>();
        private long emittedWeight;
        /** Channels whose keys are cancelled, in order, closed once a select has dropped the keys. */
        private final ArrayDeque<SocketChannel> toClose = new ArrayDeque<>();
        /** While the window is behind, each round ends with a yield (see {@link Engine#giveWay}). */
        private final AtomicLong giveWayUntil;
        private final AtomicReference<Loop> spinner;
        /** How long a loop may poll for an expected answer before it blocks; 0 = never poll. */
        private final long spinNanos;
        /** When this round relayed a chunk that a conversation answers (System.nanoTime), 0 if not. */
        private long answerExpectedAt;
        /**
         * Whether polling has paid off lately: up on a poll that found the answer (or a blocking wait
         * that would have), down on one that did not. Polling only while it is above zero keeps a
         * conversation whose answers come slowly (a person typing) from costing CPU for nothing.
         */
        private int spinCredit = 1;
        /** Polls that found something and polls that gave up (for tests). */
        volatile long pollsAnswered;
        volatile long pollsMissed;
        /** Shared by all loops, so that ids are unique and increasing across the engine. */
        private final AtomicLong nextConnectionId;
        private long timerSequence;
        private volatile boolean running = true;
        private ExecutorService resolver;
        /** Handles each ready key; one instance, so a loop turn allocates no new lambda. */
        private final Consumer<SelectionKey> dispatcher = this::dispatch;
        /** IP literals already parsed (a forward listener connects to the same one for every client). */
        private final Map<String, InetAddress> literals = new HashMap<>();

        /** {@code target}: where a forward listener connects, parsed once at bind (an HTTP proxy: its own address). */
        private record Listener(int id, ListenerConfig config, ServerSocketChannel channel, SelectionKey key,
                InetSocketAddress bound, InetSocketAddress target) {}

        private record Timer(long deadlineNanos, long sequence, Runnable action) implements Comparable<Timer> {
            @Override
            public int compareTo(Timer o) {
                int c = Long.compare(deadlineNanos, o.deadlineNanos);
                return c != 0 ? c : Long.compare(sequence, o.sequence);
            }
        }

        Loop(EventQueue events, EngineOptions options, AtomicLong connectionIds, AtomicLong giveWayUntil,
                AtomicReference<Loop> spinner) throws IOException {
            this.nextConnectionId = connectionIds;
            this.giveWayUntil = giveWayUntil;
            this.spinner = spinner;
            this.spinNanos = TimeUnit.MICROSECONDS.toNanos(options.busyPollMicros());
            this.selector = Selector.open();
            this.events = Objects.requireNonNull(events);
            this.options = Objects.requireNonNull(options);
            this.buffers = new BufferPool(options.bufferBytes(), 64);
            this.readBuffer = buffers.takeDirect();
            this.connectTimeouts = new Deadlines(TimeUnit.MILLISECONDS.toNanos(options.connectTimeoutMillis()));
            this.responseTimeouts = new Deadlines(TimeUnit.MILLISECONDS.toNanos(options.responseTimeoutMillis()));
            this.receivedFromClient = new SessionEvent.Received(Side.CLIENT, readBuffer);
            this.receivedFromTarget = new SessionEvent.Received(Side.TARGET, readBuffer);
        }

        /** The event for bytes just read into the shared read buffer; reused, as the buffer is. */
        SessionEvent.Received receivedFrom(Side side) {
            return side == Side.CLIENT ? receivedFromClient : receivedFromTarget;
        }

        /**
         * Lends the first {@code length} bytes of the read buffer to the capture and puts a fresh
         * buffer in its place; the caller still forwards from the lent one (it only reads it).
         */
        Payload lendReadBuffer(int length) {
            // a duplicate: the caller moves the original's position while it forwards, and the capture
            // writer reads the bytes meanwhile
            Payload lent = Payload.lend(readBuffer.duplicate(), length, buffers::giveBackFromAnyThread);
            readBuffer = buffers.takeDirect();
            receivedFromClient = new SessionEvent.Received(Side.CLIENT, readBuffer);
            receivedFromTarget = new SessionEvent.Received(Side.TARGET, readBuffer);
            return lent;
        }

        void execute(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        /** Adds an event to this round's batch, published when the round ends ({@link #publishEmitted}). */
        void emit(EngineEvent event) {
            emitted.add(event);
            emittedWeight += event.weight();
        }

        /**
         * Emits an event and publishes the round's events at once, for events that someone waiting on a
         * listener's future must find when it completes (the listener's start, failure or stop).
         */
        void emitNow(EngineEvent event) {
            emit(event);
            publishEmitted();
        }

        /**
         * Publishes this round's events as one batch: one hand-over to the consumer per round, not one
         * per event, and the racy paths of a concurrent queue stay out of the code that relays bytes.
         */
        void publishEmitted() {
            if (!emitted.isEmpty()) {
                events.publishAll(emitted, emittedWeight);
                emitted = new ArrayList<>();
                emittedWeight = 0;
            }
        }

        /** True while the consumer is too far behind, counting what this round has yet to publish. */
        boolean overBudget() {
            return events.overBudget(emittedWeight);
        }

        void run() {
            while (running) {
                try {
                    runOnce();
                } catch (IOException | RuntimeException x) {
                    // one bad connection or hook must never stop the loop for everyone else
                    emit(new EngineEvent.Notice(0, EpochClock.nowNanos(), "engine: " + describe(x)));
                }
            }
            closeSelector();
            // tasks that came in meanwhile (e.g. another loop handing over a listener's socket while the
            // engine closed) run once more against the closed selector: they close what they hold and
            // complete their futures instead of leaving them waiting
            runTasks();
            closeChannels(toClose.size());
            publishEmitted();
            events.signal();
        }

        /**
         * One round: due timers, one select and what it found, then tasks from other threads. A method of
         * its own, so that it is compiled by calls: the loop in {@link #run} is entered once per thread,
         * before the warm-up, and would only be compiled (by loop count) after start-up.
         */
        private void runOnce() throws IOException {
            long timeoutMillis = runDueTimers();
            int cancelled = toClose.size();
            if (cancelled == 0) {
                awaitReady(timeoutMillis);
            } else {
                // the select drops the keys cancelled before it; then closing is a plain close
                selector.selectNow(dispatcher);
                closeChannels(cancelled);
            }
            runTasks();
            publishEmitted();
            events.nudge();
            if (givingWay()) {
                Thread.yield();
            }
        }

        private boolean givingWay() {
            long until = giveWayUntil.get();
            return until != 0 && System.nanoTime() - until < 0;
        }

        /**
         * Waits for and handles ready keys. After relaying a chunk of a conversation, the loop first
         * polls for the answer for up to {@code spinNanos}: a blocking wait costs a thread wake-up on
         * each of the proxy's two hops, which on a virtual machine can take longer than the answer.
         * Only one loop polls at a time, so the clients and servers keep the other cores.
         */
        private void awaitReady(long timeoutMillis) throws IOException {
            long expected = answerExpectedAt;
            answerExpectedAt = 0;
            if (expected != 0 && spinCredit > 0 && !givingWay() && spinner.compareAndSet(null, this)) {
                try {
                    do {
                        if (selector.selectNow(dispatcher) > 0 || !tasks.isEmpty()) {
                            spinCredit = Math.min(SPIN_CREDIT_MAX, spinCredit + 1);
                            pollsAnswered++;
                            return;
                        }
                        Thread.onSpinWait();
                    } while (System.nanoTime() - expected < spinNanos);
                } finally {
                    spinner.set(null);
                }
                spinCredit -= SPIN_CREDIT_MAX;
                pollsMissed++;
            }
            selector.select(dispatcher, timeoutMillis);
            // an answer that woke a blocked loop within twice the window would have been found by a
            // poll: the wake-up itself takes part of that time, which is what polling saves
            if (expected != 0 && spinCredit <= 0 && System.nanoTime() - expected < 2 * spinNanos) {
                spinCredit++;
            }
        }

        /** Called after a chunk of a conversation (see {@link Connection}) is relayed in full. */
        void expectAnswer() {
            if (spinNanos > 0) {
                answerExpectedAt = System.nanoTime();
            }
        }

        void closeSelector() {
            try {
                selector.close();
            } catch (IOException ignored) {
                // the loop is over; nothing else uses the selector
            }
            closeChannels(toClose.size());
        }

        /**
         * Closes a channel whose key has just been cancelled, once the next select has dropped that key.
         * Closing a channel that is still registered makes the JDK first ask for its SO_LINGER and shut
         * its output down (or fail to: usually it is shut already): four system calls per connection
         * that a plain close afterwards does without. The next select does not block while channels
         * wait here, so they are closed at once all the same.
         */
        void closeAfterSelect(SocketChannel channel) {
            toClose.add(channel);
        }

        private void closeChannels(int count) {
            for (int i = 0; i < count; i++) {
                SocketChannel channel = toClose.poll();
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing is left to tell the peer; the channel is released either way
                }
            }
        }

        private void runTasks() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException x) {
                    emit(new EngineEvent.Notice(0, EpochClock.nowNanos(), "engine task failed: " + describe(x)));
                }
            }
        }

        /** Runs timers that are due and returns how long select may wait (0 = no limit). */
        private long runDueTimers() {
            long now = System.nanoTime();
            Connection.Endpoint late;
            while ((late = connectTimeouts.expired(now)) != null) {
                late.connection.connectTimedOut(late);
            }
            while ((late = responseTimeouts.expired(now)) != null) {
                late.connection.targetSilent(late);
            }
            long connectWait = Math.min(connectTimeouts.nanosUntilNext(now), responseTimeouts.nanosUntilNext(now));
            Timer t;
            while ((t = timers.peek()) != null && t.deadlineNanos <= now) {
                timers.poll();
                t.action.run();
            }
            long wait = Math.min(t == null ? Long.MAX_VALUE : t.deadlineNanos - now, connectWait);
            return wait == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1);
        }

        void schedule(long delayMillis, Runnable action) {
            timers.add(new Timer(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis), timerSequence++, action));
        }

        private void dispatch(SelectionKey key) {
            Object attachment = key.attachment();
            if (!key.isValid()) {
                return;
            }
            if (attachment instanceof Connection.Endpoint e) {
                e.connection.onReady(e, key.readyOps());
            } else if (attachment instanceof Listener l) {
                accept(l);
            }
        }

        // ---- listeners ---------------------------------------------------------------------

        /**
         * Remembers a forward listener's target address, parsed once at bind: this loop's first client must
         * not be the one to parse it, as a branch that only a fresh loop takes would throw away code the
         * JIT compiled during the warm-up.
         */
        void learnTarget(ListenerConfig config, InetSocketAddress target) {
            if (config.kind() == ListenerKind.FORWARD && !target.isUnresolved()) {
                literals.putIfAbsent(config.targetHost(), target.getAddress());
            }
        }

        /** Starts accepting on a listening socket the engine has bound for this loop. */
        void listen(int id, ListenerConfig config, ServerSocketChannel channel, InetSocketAddress bound,
                InetSocketAddress target, CompletableFuture<Void> done) {
            try {
                channel.configureBlocking(false);
                learnTarget(config, target);
                Listener listener = new Listener(id, config, channel, null, bound, target);
                SelectionKey key = channel.register(selector, SelectionKey.OP_ACCEPT, listener);
                listener = new Listener(id, config, channel, key, bound, target);
                key.attach(listener);
                listeners.put(id, listener);
                done.complete(null);
            } catch (IOException | RuntimeException x) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // it never accepted anything
                }
                done.completeExceptionally(x);
            }
        }

        /** Closes a listener's socket and reports the listener stopped. */
        void unbind(int id) {
            Listener l = listeners.remove(id);
            if (l != null) {
                l.key.cancel();
                try {
                    l.channel.close();
                    // a registered channel's socket is only released once the selector drops the
                    // cancelled key; do it now, so the port refuses new clients when we report it stopped
                    selector.selectNow(this::dispatch);
                } catch (IOException ignored) {
                    // closing a listening socket has nothing to report
                }
                emitNow(new EngineEvent.ListenerStopped(id, l.config));
            }
        }

        /**
         * Accepts one client. The listener stays ready while more wait, so the next select comes back at
         * once for them; trying again here would cost a failed accept for every client that came alone.
         */
        private void accept(Listener l) {
            SocketChannel ch;
            try {
                ch = l.channel.accept();
            } catch (IOException x) {
                // typically out of file descriptors: stop accepting briefly instead of spinning
                emit(new EngineEvent.Notice(0, EpochClock.nowNanos(),
                        "listener " + l.config.name() + " cannot accept: " + describe(x)));
                l.key.interestOps(0);
                schedule(100, () -> {
                    if (l.key.isValid()) {
                        l.key.interestOps(SelectionKey.OP_ACCEPT);
                    }
                });
                return;
            }
            if (ch != null) {
                Loop owner = ownerForNewClient();
                owner.load.incrementAndGet();
                if (owner == this) {
                    open(l, ch);
                } else {
                    owner.execute(() -> owner.adopt(l, ch));
                }
            }
        }

        /** This loop, unless it holds {@link #SPREAD_MARGIN} more connections than the least busy loop. */
        private Loop ownerForNewClient() {
            int own = load.get();
            Loop least = this;
            int leastLoad = own;
            for (Loop peer : peers) {
                int n = peer.load.get();
                if (n < leastLoad) {
                    least = peer;
                    leastLoad = n;
                }
            }
            return own - leastLoad >= SPREAD_MARGIN ? least : this;
        }

        /** Takes over a client that the accepting loop handed to this one. */
        private void adopt(Listener l, SocketChannel ch) {
            if (!running) {
                load.decrementAndGet();
                closeQuietly(ch);
                return;
            }
            open(l, ch);
        }

        private static void closeQuietly(SocketChannel ch) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the client is already gone
            }
        }

        /** Starts serving an accepted client; {@link #load} already counts it. */
        private void open(Listener l, SocketChannel ch) {
            long id = nextConnectionId.getAndIncrement();
            InetSocketAddress clientAddress;
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                clientAddress = (InetSocketAddress) ch.getRemoteAddress();
            } catch (IOException x) {
                load.decrementAndGet();
                closeQuietly(ch);
                return;
            }
            ListenerConfig config = l.config;
            Connection c = new Connection(id, l.id, config, newSession(config), this, ch);
            connections.put(id, c);
            accepted++;
            emit(new EngineEvent.Opened(id, l.id, config, clientAddress, l.target, EpochClock.nowNanos()));
            try {
                c.start(clientAddress);
            } catch (IOException x) {
                c.fail("cannot register the client: " + describe(x));
            }
            c.updateInterest();
        }

        private static Session newSession(ListenerConfig config) {
            return switch (config.kind()) {
                case FORWARD -> new ForwardSession(config.targetHost(), config.targetPort());
                case HTTP -> new HttpProxySession();
            };
        }

        void connectionEnded(Connection c) {
            if (connections.remove(c.id) != null) {
                load.decrementAndGet();
            }
        }

        void withConnection(long id, Consumer<Connection> action) {
            Connection c = connections.get(id);
            if (c != null) {
                action.accept(c);
                c.updateInterest();
            }
        }

        // ---- backpressure from the event consumer -------------------------------------------

        void pauseForBudget() {
            budgetPaused = true;
            for (Connection c : connections.values()) {
                c.updateInterest();
            }
            // the consumer's relief callback resumes us; a timer guards against a missed wake-up
            schedule(50, () -> {
                if (budgetPaused && !overBudget()) {
                    resumeAfterBudget();
                }
            });
        }

        void resumeAfterBudget() {
            if (!budgetPaused) {
                return;
            }
            budgetPaused = false;
            for (Connection c : new ArrayList<>(connections.values())) {
                c.updateInterest();
            }
        }

        // ---- name resolution off the loop ----------------------------------------------------

        /**
         * {@link Hosts#addressOf}, with IP literals parsed once: parsing one (a regular expression, then
         * the JDK's own parser) for every connection is a good part of a new connection's cost.
         */
        InetSocketAddress addressOf(String host, int port) {
            InetAddress known = literals.get(host);
            if (known != null) {
                return new InetSocketAddress(known, port);
            }
            InetSocketAddress address = Hosts.addressOf(host, port);
            if (!address.isUnresolved()) {
                if (literals.size() >= 256) {
                    literals.clear(); // an HTTP proxy may see many literals; keep only recent ones
                }
                literals.put(host, address.getAddress());
            }
            return address;
        }

        void resolve(String host, int port, Consumer<InetSocketAddress> then) {
            if (resolver == null) {
                resolver = Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "wirelens-resolver");
                    t.setDaemon(true);
                    return t;
                });
            }
            resolver.execute(() -> {
                InetSocketAddress resolved;
                try {
                    resolved = new InetSocketAddress(InetAddress.getByName(host), port);
                } catch (UnknownHostException | SecurityException x) {
                    resolved = null;
                }
                InetSocketAddress result = resolved;
                execute(() -> then.accept(result));
            });
        }

        /** Closes this loop's listeners (only the first loop has any) and connections, and ends the loop. */
        void shutdown() {
            for (Integer id : new ArrayList<>(listeners.keySet())) {
                unbind(id);
            }
            for (Connection c : new ArrayList<>(connections.values())) {
                c.abort("engine stopped");
            }
            if (resolver != null) {
                resolver.shutdownNow();
            }
            running = false;
        }
    }
}
