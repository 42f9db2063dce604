package wirelens.engine;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;

/**
 * The socket side of one connection: translates readiness on its two channels into
 * {@link SessionEvent}s and carries out the {@link SessionOutput} commands of its {@link Session}.
 * Only the selector thread touches it.
 *
 * <p>Backpressure is one rule: a side is read only while the other side has nothing queued, so at
 * most one read buffer's worth (plus what a hook added) waits in memory per direction.
 */
final class Connection implements SessionOutput {
    private static final byte[] EMPTY = new byte[0];
    /**
     * Reads at least this large are lent to the capture rather than copied: below it a copy is cheaper
     * than tying up a whole read buffer (which counts in full against the event budget).
     */
    private static final int LEND_AT_LEAST = 32 * 1024;
    /**
     * After this many changes of direction a connection counts as a conversation (requests and
     * answers, as SMTP or keep-alive HTTP), whose loop may poll for the next answer. Short connections
     * (connect, one exchange, close) never get there, so a stream of them never makes a loop poll.
     */
    private static final int CONVERSATION_TURNS = 8;

    /** One socket of the connection. */
    static final class Endpoint {
        final Connection connection;
        final Side side;
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer pending;
        String host;
        int port;
        boolean connecting;
        boolean eof;
        boolean shutdownRequested;
        boolean outputShut;
        boolean closed;

        Endpoint(Connection connection, Side side) {
            this.connection = connection;
            this.side = side;
        }
    }

    final long id;
    final int listenerId;
    final ListenerConfig listener;
    private final Session session;
    private final Engine.Loop loop;
    final Endpoint client;
    private Endpoint target;
    private final long[] bytes = new long[2];
    private final long[] sequence = new long[2];
    private final byte[][] held = new byte[2][];
    private final boolean[] readPaused = new boolean[2];
    private boolean finishing;
    private boolean ended;
    /** Changes of direction between reads so far, and the side of the last read (null before any). */
    private int turns;
    private Side lastReadFrom;

    Connection(long id, int listenerId, ListenerConfig listener, Session session, Engine.Loop loop,
            SocketChannel clientChannel) {
        this.id = id;
        this.listenerId = listenerId;
        this.listener = listener;
        this.session = session;
        this.loop = loop;
        this.client = new Endpoint(this, Side.CLIENT);
        this.client.channel = clientChannel;
    }

    boolean ended() {
        return ended;
    }

    void start(InetSocketAddress clientAddress) throws IOException {
        client.key = client.channel.register(loop.selector, 0, client);
        handle(new SessionEvent.Accepted(clientAddress));
    }

    // ---- readiness -------------------------------------------------------------------------

    void onReady(Endpoint e, int readyOps) {
        if (e.closed || ended) {
            return;
        }
        if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
            finishConnect(e);
        }
        if (!e.closed && !ended && (readyOps & SelectionKey.OP_WRITE) != 0) {
            flush(e);
        }
        if (!e.closed && !ended && (readyOps & SelectionKey.OP_READ) != 0) {
            read(e);
        }
        updateInterest();
    }

    private void read(Endpoint e) {
        if (!canRead(e)) {
            return;
        }
        if (loop.overBudget()) {
            loop.pauseForBudget();
            return;
        }
        ByteBuffer buf = loop.readBuffer;
        buf.clear();
        int n;
        try {
            n = e.channel.read(buf);
        } catch (IOException x) {
            broken(e, x);
            return;
        }
        if (n < 0) {
            e.eof = true;
            loop.emit(new EngineEvent.HalfClosed(id, e.side.from(), EpochClock.nowNanos()));
            handle(new SessionEvent.Eof(e.side));
            return;
        }
        if (n == 0) {
            return;
        }
        if (e.side == Side.TARGET) {
            loop.responseTimeouts.forget(e);
        }
        buf.flip();
        List<ChunkHook> hooks = loop.hooks;
        if (hooks.isEmpty()) {
            // nothing can change the bytes: forward straight from the direct read buffer; the capture
            // gets a copy of a small read, or the buffer itself of a large one
            int dir = e.side.from().ordinal();
            SessionEvent.Received received = loop.receivedFrom(e.side);
            if (loop.options.recordChunks()) {
                Payload payload;
                if (n >= LEND_AT_LEAST) {
                    payload = loop.lendReadBuffer(n);
                } else {
                    byte[] copy = new byte[n];
                    buf.get(0, copy);
                    payload = Payload.of(copy);
                }
                sequence[dir]++;
                loop.emit(new EngineEvent.Chunk(id, e.side.from(), EpochClock.nowNanos(), payload, payload));
            }
            bytes[dir] += n;
            if (e.side != lastReadFrom) {
                lastReadFrom = e.side;
                turns++;
            }
            handle(received);
            Endpoint to = endpoint(e.side.opposite());
            if (turns > CONVERSATION_TURNS && to != null && to.pending == null) {
                loop.expectAnswer();
            }
        } else {
            byte[] original = new byte[n];
            buf.get(original);
            deliver(e.side, original, hooks);
        }
    }

    /** Runs the hook chain on a chunk read from {@code from}, then records and forwards it. */
    private void deliver(Side from, byte[] original, List<ChunkHook> hooks) {
        int dir = from.from().ordinal();
        ChunkHook.ChunkContext context =
                new ChunkHook.ChunkContext(id, listenerId, listener, from.from(), sequence[dir]++);
        byte[] data = original;
        for (ChunkHook hook : hooks) {
            ChunkHook.Verdict verdict;
            try {
                verdict = hook.onChunk(context, data);
            } catch (RuntimeException | LinkageError x) {
                loop.emit(new EngineEvent.Notice(id, EpochClock.nowNanos(),
                        "hook " + hook.getClass().getSimpleName() + " failed and was bypassed: " + x));
                continue;
            }
            if (verdict instanceof ChunkHook.Verdict.Forward f) {
                data = f.bytes() == null ? data : f.bytes();
            } else if (verdict instanceof ChunkHook.Verdict.Drop) {
                forwardDecided(from, original, null);
                return;
            } else if (verdict instanceof ChunkHook.Verdict.Hold) {
                held[dir] = original;
                return;
            }
        }
        forwardDecided(from, original, data);
    }

    private void forwardDecided(Side from, byte[] original, byte[] forwarded) {
        if (forwarded != null && forwarded != original && Arrays.equals(forwarded, original)) {
            forwarded = original;
        }
        if (loop.options.recordChunks() || forwarded != original) {
            loop.emit(new EngineEvent.Chunk(id, from.from(), EpochClock.nowNanos(), original, forwarded));
        }
        if (forwarded != null && forwarded.length > 0) {
            bytes[from.from().ordinal()] += forwarded.length;
            handle(new SessionEvent.Received(from, ByteBuffer.wrap(forwarded)));
        }
    }

    void release(Direction direction, byte[] forwarded) {
        byte[] original = held[direction.ordinal()];
        if (original == null || ended) {
            return;
        }
        held[direction.ordinal()] = null;
        forwardDecided(Side.sending(direction), original, forwarded);
        updateInterest();
    }

    void inject(Direction direction, byte[] data) {
        if (ended) {
            return;
        }
        loop.emit(new EngineEvent.Chunk(id, direction, EpochClock.nowNanos(), EMPTY, data));
        bytes[direction.ordinal()] += data.length;
        handle(new SessionEvent.Received(Side.sending(direction), ByteBuffer.wrap(data)));
        updateInterest();
    }

    private void handle(SessionEvent event) {
        session.handle(event, this);
    }

    // ---- target connection -----------------------------------------------------------------

    @Override
    public void connect(String host, int port) {
        if (target != null) {
            closeTarget();
        }
        Endpoint t = new Endpoint(this, Side.TARGET);
        t.connecting = true;
        t.host = host;
        t.port = port;
        target = t;
        InetSocketAddress address = loop.addressOf(host, port);
        if (!address.isUnresolved()) {
            beginConnect(t, host, port, address);
            return;
        }
        loop.resolve(host, port, resolved -> {
            if (target != t || ended) {
                return;
            }
            if (resolved == null) {
                connectFailed(t, host, port, "unknown host " + host, false);
            } else {
                beginConnect(t, host, port, resolved);
            }
            updateInterest();
        });
    }

    private void beginConnect(Endpoint t, String host, int port, InetSocketAddress address) {
        try {
            // an IPv4 target gets an IPv4 socket: the JDK's default dual-stack socket costs an extra
            // system call per connection and maps every address
            SocketChannel ch = SocketChannel.open(address.getAddress() instanceof Inet4Address
                    ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
            t.channel = ch;
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            t.key = ch.register(loop.selector, SelectionKey.OP_CONNECT, t);
            // on loopback the handshake has usually completed by the time connect returns: asking at
            // once saves a trip through the selector for every connection
            if (ch.connect(address) || ch.finishConnect()) {
                connected(t);
                return;
            }
        } catch (IOException | RuntimeException x) {
            connectFailed(t, host, port, Engine.describe(x), false);
            return;
        }
        loop.connectTimeouts.watch(t);
    }

    @Override
    public void awaitTarget(boolean waiting) {
        if (target == null || target.closed) {
            return;
        }
        if (waiting) {
            loop.responseTimeouts.watch(target);
        } else {
            loop.responseTimeouts.forget(target);
        }
    }

    /** Called by the loop when the target stayed silent for the response timeout. */
    void targetSilent(Endpoint t) {
        if (target == t && !ended) {
            handle(new SessionEvent.TargetSilent(loop.options.responseTimeoutMillis()));
            updateInterest();
        }
    }

    /** Called by the loop when a connect has taken longer than the connect timeout. */
    void connectTimedOut(Endpoint t) {
        if (target == t && t.connecting && !ended) {
            connectFailed(t, t.host, t.port, "timed out", true);
            updateInterest();
        }
    }

    private void finishConnect(Endpoint t) {
        try {
            if (t.channel.finishConnect()) {
                connected(t);
            }
        } catch (IOException x) {
            connectFailed(t, t.host, t.port, Engine.describe(x), false);
        }
    }

    private void connected(Endpoint t) {
        t.connecting = false;
        loop.connectTimeouts.forget(t);
        InetSocketAddress remote = null;
        try {
            remote = (InetSocketAddress) t.channel.getRemoteAddress();
        } catch (IOException ignored) {
            // the address is only informative; a broken socket shows up on the first read or write
        }
        loop.emit(new EngineEvent.TargetConnected(id, remote, EpochClock.nowNanos()));
        handle(new SessionEvent.Connected(remote));
        if (t.pending != null) {
            flush(t);
        } else if (t.shutdownRequested) {
            shutdownNow(t);
        }
        // most clients speak as soon as they are connected, so their first bytes are usually waiting:
        // reading them now, not after another trip through the selector, takes that trip off every
        // connection's first round trip (a client that has not spoken costs one empty read)
        if (!client.closed && !ended) {
            read(client);
        }
    }

    private void connectFailed(Endpoint t, String host, int port, String reason, boolean timedOut) {
        loop.connectTimeouts.forget(t);
        closeChannel(t, false);
        if (target == t) {
            target = null;
        }
        handle(new SessionEvent.ConnectFailed(host, port, reason, timedOut));
    }

    // ---- output ----------------------------------------------------------------------------

    @Override
    public void send(Side to, ByteBuffer data) {
        Endpoint e = endpoint(to);
        if (e == null || e.closed || e.outputShut || e.shutdownRequested) {
            loop.emit(new EngineEvent.Notice(id, EpochClock.nowNanos(),
                    data.remaining() + " bytes for the " + to.name().toLowerCase(java.util.Locale.ROOT)
                            + " could not be sent: its side is closed"));
            data.position(data.limit());
            return;
        }
        if (e.pending == null && !e.connecting) {
            try {
                while (data.hasRemaining() && e.channel.write(data) > 0) {
                    // keep writing while the socket takes bytes
                }
            } catch (IOException x) {
                data.position(data.limit());
                broken(e, x);
                return;
            }
            if (!data.hasRemaining()) {
                return;
            }
        }
        e.pending = append(e.pending, data);
    }

    @Override
    public void reply(Side to, ByteBuffer data) {
        if (loop.options.recordChunks()) {
            byte[] copy = new byte[data.remaining()];
            data.duplicate().get(copy);
            loop.emit(new EngineEvent.Chunk(id, to.opposite().from(), EpochClock.nowNanos(), EMPTY, copy));
        }
        bytes[to.opposite().from().ordinal()] += data.remaining();
        send(to, data);
    }

    @Override
    public void pauseReading(Side side, boolean paused) {
        readPaused[side.ordinal()] = paused;
    }

    private ByteBuffer append(ByteBuffer pending, ByteBuffer data) {
        if (pending == null) {
            ByteBuffer fresh = loop.buffers.take(data.remaining());
            fresh.put(data).flip();
            return fresh;
        }
        if (pending.capacity() - pending.remaining() >= data.remaining()) {
            pending.compact().put(data).flip();
            return pending;
        }
        ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + data.remaining());
        joined.put(pending).put(data).flip();
        loop.buffers.giveBack(pending);
        return joined;
    }

    private void flush(Endpoint e) {
        if (e.pending != null) {
            try {
                while (e.pending.hasRemaining() && e.channel.write(e.pending) > 0) {
                    // keep writing while the socket takes bytes
                }
            } catch (IOException x) {
                broken(e, x);
                return;
            }
            if (e.pending.hasRemaining()) {
                return;
            }
            loop.buffers.giveBack(e.pending);
            e.pending = null;
        }
        if (e.shutdownRequested && !e.outputShut) {
            shutdownNow(e);
        }
        if (finishing) {
            finishIfFlushed();
        }
    }

    @Override
    public void shutdownOutput(Side side) {
        Endpoint e = endpoint(side);
        if (e == null || e.closed || e.shutdownRequested) {
            return;
        }
        e.shutdownRequested = true;
        if (e.pending == null && !e.connecting) {
            shutdownNow(e);
        }
    }

    private void shutdownNow(Endpoint e) {
        try {
            e.channel.shutdownOutput();
            e.outputShut = true;
        } catch (IOException x) {
            broken(e, x);
        }
    }

    @Override
    public void closeTarget() {
        if (target != null) {
            closeChannel(target, false);
            target = null;
        }
    }

    @Override
    public void finish() {
        finishing = true;
        finishIfFlushed();
    }

    private void finishIfFlushed() {
        if (ended || client.pending != null || (target != null && target.pending != null)) {
            return;
        }
        end(new EngineEvent.Closed(id, EpochClock.nowNanos(), bytes[0], bytes[1], false), false);
    }

    @Override
    public void reset(String reason) {
        if (!ended) {
            end(new EngineEvent.Closed(id, EpochClock.nowNanos(), bytes[0], bytes[1], true), true);
        }
    }

    @Override
    public void fail(String message) {
        if (!ended) {
            end(new EngineEvent.Failed(id, EpochClock.nowNanos(), message, bytes[0], bytes[1]), false);
        }
    }

    /** Closed from outside: the user's "close connection" or engine shutdown. */
    void abort(String why) {
        if (!ended) {
            end(new EngineEvent.Closed(id, EpochClock.nowNanos(), bytes[0], bytes[1], true), true);
        }
    }

    private void broken(Endpoint e, IOException x) {
        if (!ended) {
            handle(new SessionEvent.Broken(e.side, Engine.describe(x)));
            if (!ended) {
                // the session chose to go on without this side
                closeChannel(e, true);
                if (e == target) {
                    target = null;
                }
            }
        }
    }

    private void end(EngineEvent last, boolean withReset) {
        ended = true;
        closeChannel(client, withReset);
        if (target != null) {
            closeChannel(target, withReset);
        }
        held[0] = held[1] = null;
        loop.emit(last);
        loop.connectionEnded(this);
    }

    private void closeChannel(Endpoint e, boolean withReset) {
        if (e.closed) {
            return;
        }
        e.closed = true;
        if (e.connecting) {
            loop.connectTimeouts.forget(e);
        }
        loop.responseTimeouts.forget(e);
        if (e.pending != null) {
            loop.buffers.giveBack(e.pending);
            e.pending = null;
        }
        if (e.key != null) {
            e.key.cancel();
        }
        if (e.channel != null) {
            try {
                if (withReset && e.channel.isConnected()) {
                    e.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
            } catch (IOException | RuntimeException ignored) {
                // a reset is best effort; the close below still happens
            }
            if (e.key != null) {
                loop.closeAfterSelect(e.channel);
            } else {
                try {
                    e.channel.close();
                } catch (IOException ignored) {
                    // nothing is left to tell the peer; the channel is released either way
                }
            }
        }
    }

    // ---- interest --------------------------------------------------------------------------

    private Endpoint endpoint(Side side) {
        return side == Side.CLIENT ? client : target;
    }

    private boolean canRead(Endpoint e) {
        if (e.eof || e.connecting || held[e.side.from().ordinal()] != null || loop.budgetPaused
                || readPaused[e.side.ordinal()]) {
            return false;
        }
        Endpoint other = endpoint(e.side.opposite());
        if (other == null) {
            return e.side == Side.CLIENT && !finishing;
        }
        return !other.connecting && other.pending == null && !other.closed;
    }

    void updateInterest() {
        if (ended) {
            return;
        }
        updateInterest(client);
        if (target != null) {
            updateInterest(target);
        }
    }

    private void updateInterest(Endpoint e) {
        if (e.closed || e.key == null || !e.key.isValid()) {
            return;
        }
        int ops;
        if (e.connecting) {
            ops = SelectionKey.OP_CONNECT;
        } else {
            ops = 0;
            if (e.pending != null) {
                ops |= SelectionKey.OP_WRITE;
            }
            if (canRead(e)) {
                ops |= SelectionKey.OP_READ;
            }
        }
        if (e.key.interestOps() != ops) {
            e.key.interestOps(ops);
        }
    }

    /** Bytes waiting in memory for either side, for tests and the slow-reader benchmark. */
    long bufferedBytes() {
        long n = client.pending == null ? 0 : client.pending.remaining();
        if (target != null && target.pending != null) {
            n += target.pending.remaining();
        }
        for (byte[] h : held) {
            n += h == null ? 0 : h.length;
        }
        return n;
    }
}
