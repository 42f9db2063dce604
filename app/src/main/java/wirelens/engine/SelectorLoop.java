package wirelens.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One selector thread and everything it owns: its selector, read buffer, buffer pool, timers, the
 * connections it serves and (on the first loop) the listeners. Only its own thread touches it, except
 * {@link #execute}, {@link #setHooks} and the counters read by tests.
 *
 * <p>A {@link Connection} uses it through a few methods, grouped below: register a channel, emit an
 * event, borrow the read buffer, timers and deadlines, the event budget, busy polling, name
 * resolution, closing a channel after the next select, and saying that it has ended. The
 * {@link Engine} uses the rest: listeners, the connection map, start and stop.
 */
final class SelectorLoop {
    /**
     * The accepting loop keeps a new client unless it holds this many more connections than the least
     * busy loop. Two, because a client that comes right after another usually finds the other's
     * connection still closing: with one, clients that come one at a time would alternate loops.
     */
    static final int SPREAD_MARGIN = 2;
    private final Selector selector;
    private final EventQueue events;
    private final EngineOptions options;
    private final Function<ListenerConfig, Session> sessions;
    /** Where every read lands; replaced when a read is lent to the capture. */
    private ByteBuffer readBuffer;
    private final BufferPool buffers;
    private final Timers timers;
    private SessionEvent.Received receivedFromClient;
    private SessionEvent.Received receivedFromTarget;
    private volatile List<ChunkHook> hooks = List.of();
    private volatile MessageHook messageHook;
    private volatile TlsOptions tls;
    private boolean budgetPaused;
    /**
     * Connections this loop owns or is about to adopt: raised by the accepting loop when it gives
     * one a client, lowered by this loop when a connection ends.
     */
    private final AtomicInteger load = new AtomicInteger();
    /** All the engine's loops, this one included: where a client may be handed (set before the threads start). */
    private SelectorLoop[] peers = {this};
    /** Clients this loop has served (for tests: where the accepting loop placed them). */
    private volatile long accepted;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Map<Integer, Listener> listeners = new HashMap<>();
    private final Map<Long, Connection> connections = new HashMap<>();
    /** Events of the current round, in order, and their weight (see {@link #publishEmitted}). */
    private List<EngineEvent> emitted = new ArrayList<>();
    private long emittedWeight;
    /** Channels whose keys are cancelled, in order, closed once a select has dropped the keys. */
    private final ArrayDeque<SocketChannel> toClose = new ArrayDeque<>();
    /** While the window is behind, each round ends with a yield (see {@link Engine#giveWay}). */
    private final AtomicLong giveWayUntil;
    /** Shared by all loops, so that ids are unique and increasing across the engine. */
    private final AtomicLong nextConnectionId;
    private volatile boolean running = true;
    private final HostResolver hosts = new HostResolver(this::execute);
    /** Handles each ready key; one instance, so a loop turn allocates no new lambda. */
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    private final BusyPoll poll;
    /**
     * System.nanoTime when the loop last woke (a select returned with keys, or tasks came): when a
     * connection's bytes moved, to within one round, for idle timeouts without a clock read per read.
     */
    private long awakeNanos = System.nanoTime();
    /** No key has been dispatched since the last select began, so {@link #awakeNanos} is not yet this round's. */
    private boolean awakeStale;

    /** {@code target}: where a forward listener connects, parsed once at bind (an HTTP proxy: its own address). */
    private record Listener(int id, ListenerConfig config, ServerSocketChannel channel, SelectionKey key,
            InetSocketAddress bound, InetSocketAddress target) {}

    /**
     * @param sessions the protocol logic for each new client of a listener
     * @param connectionIds shared by all loops, so that ids are unique and increasing across the engine
     * @param giveWayUntil  see {@link Engine#giveWay}
     * @param spinner       the loop that is busy-polling now, shared so that at most one polls at a time
     */
    SelectorLoop(EventQueue events, EngineOptions options, Function<ListenerConfig, Session> sessions,
            AtomicLong connectionIds, AtomicLong giveWayUntil, AtomicReference<BusyPoll> spinner) throws IOException {
        this.nextConnectionId = connectionIds;
        this.giveWayUntil = giveWayUntil;
        this.selector = Selector.open();
        this.poll = new BusyPoll(selector, dispatcher, tasks, this::givingWay, spinner,
                TimeUnit.MICROSECONDS.toNanos(options.busyPollMicros()));
        this.events = Objects.requireNonNull(events);
        this.options = Objects.requireNonNull(options);
        this.sessions = Objects.requireNonNull(sessions);
        this.buffers = new BufferPool(options.bufferBytes(), 64);
        this.readBuffer = buffers.takeDirect();
        this.timers = new Timers(options);
        this.receivedFromClient = new SessionEvent.Received(Side.CLIENT, readBuffer);
        this.receivedFromTarget = new SessionEvent.Received(Side.TARGET, readBuffer);
    }

    // ---- what a connection uses ------------------------------------------------------------

    EngineOptions options() {
        return options;
    }

    /** The hook chain every chunk read now passes (set by any thread, see {@link Engine#setHooks}). */
    List<ChunkHook> hooks() {
        return hooks;
    }

    SelectionKey register(SelectableChannel channel, int ops, Object attachment) throws ClosedChannelException {
        return channel.register(selector, ops, attachment);
    }

    /** The buffer every read of this loop lands in; valid until the next read or {@link #lendReadBuffer}. */
    ByteBuffer readBuffer() {
        return readBuffer;
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

    /** A cleared buffer with room for at least {@code bytes}, for bytes a peer has not taken yet. */
    ByteBuffer takeBuffer(int bytes) {
        return buffers.take(bytes);
    }

    void giveBack(ByteBuffer buffer) {
        buffers.giveBack(buffer);
    }

    /** Connect, response, request head and idle deadlines of this loop's connections. */
    Timers timers() {
        return timers;
    }

    /** When the loop last woke (System.nanoTime): the time of whatever it is doing now, to within one round. */
    long awakeNanos() {
        return awakeNanos;
    }

    /** True while reading is paused on every connection of this loop until the event consumer catches up. */
    boolean budgetPaused() {
        return budgetPaused;
    }

    /**
     * Pauses reading on every connection of this loop if the event consumer is too far behind
     * (counting what this round has yet to publish); true if it did.
     */
    boolean pauseIfOverBudget() {
        if (!overBudget()) {
            return false;
        }
        pauseForBudget();
        return true;
    }

    /** Runs a task on this loop's thread after the current round; callable from any thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Adds an event to this round's batch, published when the round ends ({@link #publishEmitted}). */
    void emit(EngineEvent event) {
        emitted.add(event);
        emittedWeight += event.weight();
    }

    /** Called after a chunk of a conversation (see {@link Connection}) is relayed in full: poll for the answer. */
    void expectAnswer() {
        poll.expectAnswer();
    }

    InetSocketAddress addressOf(String host, int port) {
        return hosts.addressOf(host, port);
    }

    /** Looks a name up off the loop; {@code then} runs on the loop with the address, or null if there is none. */
    void resolve(String host, int port, Consumer<InetSocketAddress> then) {
        hosts.resolve(host, port, then);
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

    /** Forgets a connection that has ended (it has closed its channels and emitted its last event). */
    void connectionEnded(Connection c) {
        if (connections.remove(c.id) != null) {
            load.decrementAndGet();
        }
    }

    // ---- what the engine uses ----------------------------------------------------------------

    /** All the engine's loops, this one included; set before the threads start. */
    void setPeers(SelectorLoop[] peers) {
        this.peers = peers;
    }

    /** Replaces the hook chain; any thread. */
    /** The hook that may hold HTTP messages whole, or null (set by any thread). */
    MessageHook messageHook() {
        return messageHook;
    }

    void setMessageHook(MessageHook hook) {
        this.messageHook = hook;
    }

    void setHooks(List<ChunkHook> hooks) {
        this.hooks = hooks;
    }

    /** How new connections intercept TLS (null: they do not); any thread. */
    void setTls(TlsOptions tls) {
        this.tls = tls;
    }

    TlsOptions tls() {
        return tls;
    }

    /** Connections this loop owns or is about to adopt; read on any thread. */
    int load() {
        return load.get();
    }

    /** Clients this loop has served so far (for tests). */
    long accepted() {
        return accepted;
    }

    /** Busy polls so far: {found what they waited for, gave up} (for tests). */
    long[] pollCounts() {
        return poll.counts();
    }

    /** Bytes waiting in this loop's buffers across its connections; on the loop's thread. */
    long bufferedBytes() {
        long n = 0;
        for (Connection c : connections.values()) {
            n += c.bufferedBytes();
        }
        return n;
    }

    /** Runs a user's action on a connection of this loop, if it is here and open. */
    void withConnection(long id, Consumer<Connection> action) {
        Connection c = connections.get(id);
        if (c != null) {
            action.accept(c);
            c.updateInterest();
        }
    }

    /** Reading goes on once the event consumer has caught up (its relief callback, or a timer). */
    void resumeAfterBudget() {
        if (!budgetPaused) {
            return;
        }
        budgetPaused = false;
        for (Connection c : new ArrayList<>(connections.values())) {
            c.updateInterest();
        }
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

    /**
     * Remembers a forward listener's target address, parsed once at bind: this loop's first client must
     * not be the one to parse it, as a branch that only a fresh loop takes would throw away code the
     * JIT compiled during the warm-up.
     */
    void learnTarget(ListenerConfig config, InetSocketAddress target) {
        if (config.kind() == ListenerKind.FORWARD && !target.isUnresolved()) {
            hosts.learn(config.targetHost(), target.getAddress());
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

    void run() {
        while (running) {
            try {
                runOnce();
            } catch (IOException | RuntimeException x) {
                // one bad connection or hook must never stop the loop for everyone else
                emit(new EngineEvent.Notice(0, EpochClock.nowNanos(), "engine: " + Engine.describe(x)));
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

    void closeSelector() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // the loop is over; nothing else uses the selector
        }
        closeChannels(toClose.size());
    }

    /** Closes this loop's listeners (only the first loop has any) and connections, and ends the loop. */
    void shutdown() {
        for (Integer id : new ArrayList<>(listeners.keySet())) {
            unbind(id);
        }
        for (Connection c : new ArrayList<>(connections.values())) {
            c.abort("Wirelens stopped");
        }
        hosts.shutdown();
        running = false;
    }

    // ---- one round ----------------------------------------------------------------------------

    /**
     * One round: due timers, one select and what it found, then tasks from other threads. A method of
     * its own, so that it is compiled by calls: the loop in {@link #run} is entered once per thread,
     * before the warm-up, and would only be compiled (by loop count) after start-up.
     */
    private void runOnce() throws IOException {
        awakeNanos = System.nanoTime();
        long timeoutMillis = timers.runDue(awakeNanos);
        awakeStale = true;
        int cancelled = toClose.size();
        if (cancelled == 0) {
            poll.await(timeoutMillis);
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
        Runnable task = tasks.poll();
        if (task == null) {
            return;
        }
        awakeNanos = System.nanoTime();
        for (; task != null; task = tasks.poll()) {
            try {
                task.run();
            } catch (RuntimeException x) {
                emit(new EngineEvent.Notice(0, EpochClock.nowNanos(), "engine task failed: " + Engine.describe(x)));
            }
        }
    }

    private void dispatch(SelectionKey key) {
        if (awakeStale) {
            awakeStale = false;
            awakeNanos = System.nanoTime();
        }
        Object attachment = key.attachment();
        if (!key.isValid()) {
            return;
        }
        if (attachment instanceof Endpoint e) {
            e.connection.onReady(e, key.readyOps());
        } else if (attachment instanceof Listener l) {
            accept(l);
        }
    }

    /** True while the consumer is too far behind, counting what this round has yet to publish. */
    private boolean overBudget() {
        return events.overBudget(emittedWeight);
    }

    private void pauseForBudget() {
        budgetPaused = true;
        for (Connection c : connections.values()) {
            c.updateInterest();
        }
        // the consumer's relief callback resumes us; a timer guards against a missed wake-up
        timers.schedule(50, () -> {
            if (budgetPaused && !overBudget()) {
                resumeAfterBudget();
            }
        });
    }

    // ---- clients -------------------------------------------------------------------------------

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
                    "listener " + l.config.name() + " cannot accept: " + Engine.describe(x)));
            l.key.interestOps(0);
            timers.schedule(100, () -> {
                if (l.key.isValid()) {
                    l.key.interestOps(SelectionKey.OP_ACCEPT);
                }
            });
            return;
        }
        if (ch != null) {
            SelectorLoop owner = ownerForNewClient();
            owner.load.incrementAndGet();
            if (owner == this) {
                open(l, ch);
            } else {
                owner.execute(() -> owner.adopt(l, ch));
            }
        }
    }

    /** This loop, unless it holds {@link #SPREAD_MARGIN} more connections than the least busy loop. */
    private SelectorLoop ownerForNewClient() {
        int own = load.get();
        SelectorLoop least = this;
        int leastLoad = own;
        for (SelectorLoop peer : peers) {
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
        Connection c = new Connection(id, l.id, config, sessions.apply(config), this, ch);
        connections.put(id, c);
        accepted++;
        emit(new EngineEvent.Opened(id, l.id, config, clientAddress, l.target, EpochClock.nowNanos()));
        try {
            c.start(clientAddress);
        } catch (IOException x) {
            c.fail("cannot register the client: " + Engine.describe(x));
        }
        c.updateInterest();
    }
}
