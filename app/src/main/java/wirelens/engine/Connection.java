package wirelens.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import wirelens.base.Units;
import wirelens.proto.http.MessageHead;

/**
 * The socket side of one connection: translates readiness on its two channels into
 * {@link SessionEvent}s and carries out the {@link SessionOutput} commands of its {@link Session}.
 * Only the selector thread touches it; it reaches its {@link SelectorLoop} only through the loop's
 * methods for connections.
 *
 * <p>Every byte read from or written to a channel passes that side's {@link SideLayer}; the rules
 * here are in terms of the session's bytes. Backpressure is one rule: a side is read only while the
 * other side has nothing unsent (queued for it or held by its layer), so at most one read buffer's worth
 * (plus what a hook added) waits in memory per direction.
 *
 * <p>A chunk read goes on one way, hooks or not ({@link #forward}): counted, counted as a turn of a
 * conversation, handed to the session. Without hooks nothing can change the bytes, so they go to the
 * session straight from the loop's read buffer, and to the capture as a copy (a small read) or as the
 * buffer itself (a large one); with hooks they are copied once into an array the hooks may replace, and
 * {@link ConnectionHooks} runs them and records what they did (a message held at a breakpoint as it went on).
 *
 * <p>Idleness costs one field write per wake-up: {@link #onReady} notes the loop's time, and the
 * connection is closed only when its idle deadline finds it quiet for the whole timeout (see
 * {@link Timers}).
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

    final long id;
    final int listenerId;
    final ListenerConfig listener;
    private final Session session;
    private final SelectorLoop loop;
    final Endpoint client;
    private Endpoint target;
    private final long[] bytes = new long[2];
    private final long[] sequence = new long[2];
    private final boolean[] readPaused = new boolean[2];
    private boolean finishing;
    private boolean ended;
    /** Changes of direction between reads so far, and the side of the last read (null before any). */
    private int turns;
    private Side lastReadFrom;
    /** Set when the engine intercepts TLS: where and how this connection's sides turn into TLS. */
    private TlsInterception tls;
    /** The client's bytes are the session's negotiation with it (a SOCKS5 handshake), not stream data. */
    private boolean negotiating;
    /** No bytes either way this long closes the connection; 0: never. */
    private final long idleTimeoutNanos;
    /** When bytes last moved or the connection was last touched (the loop's clock, System.nanoTime). */
    private long lastActivityNanos;
    /** Why the session chose to end the connection, reported with its end; null for an ordinary end. */
    private String endReason;
    /** The error a finishing connection ends with once flushed; null: it ends as closed. */
    private String failure;
    /** The hooks at work on this connection's bytes; null while none has been (see {@link ConnectionHooks}). */
    private ConnectionHooks hooked;
    /** The session is handling bytes read: reading more before it is done would change them under it. */
    private boolean handlingRead;

    Connection(long id, int listenerId, ListenerConfig listener, Session session, SelectorLoop loop,
            SocketChannel clientChannel) {
        this.id = id;
        this.listenerId = listenerId;
        this.listener = listener;
        this.session = session;
        this.loop = loop;
        this.client = new Endpoint(this, Side.CLIENT, loop);
        this.client.channel = clientChannel;
        this.idleTimeoutNanos = loop.timers().idleTimeoutNanos(listener.kind());
    }

    void start(InetSocketAddress clientAddress) throws IOException {
        client.key = loop.register(client.channel, 0, client);
        lastActivityNanos = loop.awakeNanos();
        if (idleTimeoutNanos > 0) {
            loop.timers().watchIdle(this);
        }
        TlsOptions tlsOptions = loop.tls();
        if (tlsOptions != null && listener.tls().intercept()) {
            // a SOCKS5 connection turns into a forward one once its target is connected (expectTls)
            tls = new TlsInterception(this, tlsOptions, loop, listener.kind() == ListenerKind.HTTP);
            if (listener.kind() == ListenerKind.FORWARD) {
                tls.startForward(listener.targetHost(), listener.targetPort());
            }
        }
        handle(new SessionEvent.Accepted(clientAddress));
    }

    // ---- readiness -------------------------------------------------------------------------

    void onReady(Endpoint e, int readyOps) {
        if (e.closed || ended) {
            return;
        }
        lastActivityNanos = loop.awakeNanos();
        if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
            e.finishConnect();
        }
        if (!e.closed && !ended && !e.connecting) {
            advance(e);
        }
        if (!e.closed && !ended && (readyOps & SelectionKey.OP_WRITE) != 0) {
            flush(e);
        }
        if (!e.closed && !ended && (readyOps & SelectionKey.OP_READ) != 0) {
            read(e);
        }
        updateInterest();
    }

    private void advance(Endpoint e) {
        try {
            e.advance();
        } catch (IOException x) {
            broken(e, x);
        }
    }

    private void read(Endpoint e) {
        if (!canRead(e) || loop.pauseIfOverBudget()) {
            return;
        }
        ByteBuffer buf = loop.readBuffer();
        buf.clear();
        int n;
        try {
            n = e.read(buf);
        } catch (IOException x) {
            broken(e, x);
            return;
        }
        if (n < 0) {
            if (tls != null && e.side == Side.CLIENT) {
                tls.clientEnded();
            }
            e.eof = true;
            long now = EpochClock.nowNanos();
            if (hooked == null || !hooked.halfClosed(e.side, now)) {
                loop.emit(new EngineEvent.HalfClosed(id, e.side.from(), now));
            }
            handle(new SessionEvent.Eof(e.side));
            return;
        }
        if (n == 0) {
            return;
        }
        if (e.side == Side.TARGET) {
            loop.timers().forgetResponse(e);
        }
        buf.flip();
        Side from = e.side;
        if (negotiating) {
            handle(loop.receivedFrom(from));
            return;
        }
        if (tls != null && tls.watching()) {
            n = tls.watch(from, buf);
            buf.limit(n);
            if (n == 0) {
                tls.afterChunk();
                return;
            }
        }
        long chunk = sequence[from.from().ordinal()]++;
        List<ChunkHook> hooks = loop.hooks();
        if (hooks.isEmpty() && !watchesMessages()) {
            if (hooked != null && !hooked.stillNeeded()) {
                hooked = null;
            }
            // taken before a large read is lent: the event holds the buffer the bytes are in
            SessionEvent.Received received = loop.receivedFrom(from);
            if (loop.options().recordChunks()) {
                Payload payload;
                if (n >= LEND_AT_LEAST) {
                    payload = loop.lendReadBuffer(n);
                } else {
                    byte[] copy = new byte[n];
                    buf.get(0, copy);
                    payload = Payload.of(copy);
                }
                loop.emit(new EngineEvent.Chunk(id, from.from(), EpochClock.nowNanos(), payload, payload));
            }
            forward(from, received, n);
        } else {
            byte[] original = new byte[n];
            buf.get(original);
            hooks().deliver(from, chunk, original, hooks);
        }
        if (tls != null) {
            tls.afterChunk();
        }
    }

    /**
     * Hands bytes read from a side to the session once the hooks (if any) have let them through: the
     * one way every read chunk goes on. Counts the bytes and the turns of a conversation; once the
     * connection is a conversation and the bytes are out, the loop polls for the answer.
     */
    void forward(Side from, SessionEvent.Received received, int length) {
        bytes[from.from().ordinal()] += length;
        if (from != lastReadFrom) {
            lastReadFrom = from;
            turns++;
        }
        handleBytes(received);
        Endpoint to = endpoint(from.opposite());
        if (turns > CONVERSATION_TURNS && to != null && !to.unsent()) {
            loop.expectAnswer();
        }
    }

    private void handleBytes(SessionEvent.Received received) {
        handlingRead = true;
        try {
            handle(received);
        } finally {
            handlingRead = false;
        }
    }

    // ---- hooks -----------------------------------------------------------------------------

    /** Whether reads wait to be recorded until the session has handled them (see {@link PendingReads}). */
    private boolean watchesMessages() {
        return hooked != null ? hooked.watchesMessages() : ConnectionHooks.messageHookOn(loop);
    }

    private ConnectionHooks hooks() {
        if (hooked == null) {
            hooked = new ConnectionHooks(this, loop);
        }
        return hooked;
    }

    void release(Direction direction, byte[] forwarded) {
        if (hooked == null || !hooked.holds(direction) || ended) {
            return;
        }
        lastActivityNanos = loop.awakeNanos();
        hooked.release(direction, forwarded);
        updateInterest();
    }

    void inject(Direction direction, byte[] data) {
        if (ended) {
            return;
        }
        lastActivityNanos = loop.awakeNanos();
        hooks().injected(direction, data);
        bytes[direction.ordinal()] += data.length;
        handleBytes(new SessionEvent.Received(Side.sending(direction), ByteBuffer.wrap(data)));
        updateInterest();
    }

    void resumeMessage(long messageId, MessageHook.Verdict verdict) {
        if (ended) {
            return;
        }
        if (hooked != null) {
            hooked.messageResumed();
        }
        lastActivityNanos = loop.awakeNanos();
        handle(new SessionEvent.MessageResumed(messageId, verdict));
        updateInterest();
    }

    @Override
    public boolean breakpointsOn() {
        return loop.messageHook() != null;
    }

    @Override
    public MessageHook.MessageContext breakpoint(String url, TunnelOrigin tunnel, MessageHead request,
            MessageHead response) {
        return hooked == null ? null : hooked.breakpoint(url, tunnel, request, response);
    }

    @Override
    public void holdMessage(MessageHook.HeldMessage message) {
        hooks().holdMessage(message);
    }

    @Override
    public void notice(String message) {
        loop.emit(new EngineEvent.Notice(id, EpochClock.nowNanos(), message));
    }

    private void handle(SessionEvent event) {
        session.handle(event, this);
        if (hooked != null) {
            hooked.flush();
        }
    }

    @Override
    public void holdRecording(Side from, long lastBytes) {
        if (hooked != null) {
            hooked.holdRecording(from, lastBytes);
        }
    }

    @Override
    public void releaseRecording(Side from) {
        if (hooked != null) {
            hooked.releaseRecording(from);
        }
    }

    @Override
    public void releaseRecording(Side from, long length) {
        if (hooked != null) {
            hooked.releaseRecording(from, length, null, true);
        }
    }

    @Override
    public void releaseRecording(Side from, long length, byte[] forwarded) {
        if (hooked != null) {
            hooked.releaseRecording(from, length, forwarded, false);
        }
    }

    // ---- target connection -----------------------------------------------------------------

    @Override
    public void connect(String host, int port) {
        if (target != null) {
            closeTarget();
        }
        if (listener.kind() == ListenerKind.HTTP) {
            // the proxy's own address is all the accept said; the user wants to see where requests go
            loop.emit(new EngineEvent.Origin(id, EpochClock.nowNanos(), Hosts.format(host, port)));
        }
        target = new Endpoint(this, Side.TARGET, loop);
        target.connect(host, port);
    }

    /** Whether {@code t} is the target this connection still connects to (a name may resolve too late). */
    boolean connects(Endpoint t) {
        return target == t && !ended;
    }

    @Override
    public void awaitTarget(boolean waiting) {
        if (target == null || target.closed) {
            return;
        }
        if (waiting) {
            loop.timers().watchResponse(target);
        } else {
            loop.timers().forgetResponse(target);
        }
    }

    /** Called by the loop when the target stayed silent for the response timeout. */
    void targetSilent(Endpoint t) {
        if (target == t && !ended) {
            handle(new SessionEvent.TargetSilent(loop.options().responseTimeoutMillis()));
            updateInterest();
        }
    }

    @Override
    public void awaitRequestHead(boolean waiting) {
        if (ended) {
            return;
        }
        if (waiting) {
            loop.timers().watchRequestHead(this);
        } else {
            loop.timers().forgetRequestHead(this);
        }
    }

    /**
     * Called by the loop when the client's request head took longer than the request head timeout.
     * Bytes that came in time but wait unread (a busy loop runs its timers first) are read before the
     * session is told: they may complete the head, and a close with unread input would be a reset that
     * can destroy the 408 on its way to the client.
     */
    void requestHeadLate() {
        if (!ended && canRead(client)) {
            read(client);
        }
        if (!ended) {
            handle(new SessionEvent.RequestHeadLate(loop.options().requestHeadTimeoutMillis()));
            updateInterest();
        }
    }

    /**
     * Called by the loop when the idle deadline of this connection has passed: closes it if no bytes
     * moved for the whole timeout, else looks again when they will not have. A held chunk (the user
     * deciding) or reading paused for the event consumer is not idleness, nor is a wait that a timeout
     * of its own ends (the target's connect or response: 504 or an error; a request head: 408).
     */
    void idleDeadlinePassed(long now) {
        if (ended) {
            return;
        }
        long quietNanos = now - lastActivityNanos;
        if (hooked != null && hooked.userDeciding() || loop.budgetPaused()
                || (target != null && (target.connecting || loop.timers().awaitsResponse(target)))
                || loop.timers().awaitsRequestHead(this)) {
            quietNanos = 0;
        }
        if (quietNanos < idleTimeoutNanos) {
            loop.timers().recheckIdle(this, idleTimeoutNanos - quietNanos);
            return;
        }
        String why = "idle timeout " + Units.shortDuration(TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos));
        long unsent = bufferedBytes();
        if (unsent > 0) {
            why += ", " + unsent + " bytes unsent (the peer stopped reading)";
        }
        end(new EngineEvent.Closed(id, EpochClock.nowNanos(), bytes[0], bytes[1], false, why), false);
    }

    /** Called by the loop when a connect has taken longer than the connect timeout. */
    void connectTimedOut(Endpoint t) {
        if (target == t && t.connecting && !ended) {
            t.connectFailed("timed out", true);
            updateInterest();
        }
    }

    /** The target {@code t} is connected, from {@code local} to {@code remote} (null where unknown). */
    void connected(Endpoint t, InetSocketAddress remote, InetSocketAddress local) {
        loop.emit(new EngineEvent.TargetConnected(id, remote, EpochClock.nowNanos()));
        handle(new SessionEvent.Connected(remote, local));
        if (t.hasQueued()) {
            flush(t);
        } else if (t.shutdownRequested) {
            shutdownNow(t);
        }
        // most clients speak as soon as they are connected, so their first bytes are usually waiting:
        // reading them now, not after another trip through the selector, takes that trip off every
        // connection's first round trip (a client that has not spoken costs one empty read); not while
        // the session is in the middle of the client's last read (an HTTP proxy connecting for a request)
        if (!client.closed && !ended && !handlingRead) {
            read(client);
        }
    }

    /** The target {@code t} could not be connected (its socket is closed already). */
    void connectFailed(Endpoint t, String reason, boolean timedOut) {
        if (target == t) {
            target = null;
        }
        handle(new SessionEvent.ConnectFailed(t.host, t.port, reason, timedOut));
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
        try {
            e.send(data);
        } catch (IOException x) {
            broken(e, x);
        }
    }

    @Override
    public void reply(Side to, ByteBuffer data) {
        if (hooked != null) {
            hooked.flush(); // what was read before the reply is recorded before it
        }
        if (loop.options().recordChunks()) {
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

    private void flush(Endpoint e) {
        try {
            if (!e.flush()) {
                return;
            }
        } catch (IOException x) {
            broken(e, x);
            return;
        }
        if (e.shutdownRequested && !e.outputShut) {
            shutdownNow(e);
        }
        if (finishing) {
            finishIfFlushed();
        }
    }

    @Override
    public void installLayer(Side side, SideLayer layer) {
        Endpoint e = endpoint(side);
        if (e != null && !e.closed) {
            e.install(layer);
        } else {
            layer.close(); // the side is gone: the layer never runs
        }
    }

    /**
     * Both TLS legs are up (a CONNECT tunnel's, a forward or SOCKS5 connection's): what follows either way
     * is the plaintext inside.
     */
    void tunnelDecrypted() {
        handle(new SessionEvent.TunnelDecrypted());
    }

    @Override
    public void expectTls(String host, int port) {
        if (tls == null) {
            return;
        }
        if (listener.kind() == ListenerKind.SOCKS5) {
            tls.startForward(host, port); // from now on a forward connection: STARTTLS as well
        } else {
            tls.sniff(host, port);
        }
    }

    @Override
    public void negotiating() {
        negotiating = true;
    }

    @Override
    public void negotiated(String summary, String host, int port, byte[] fromClient, byte[] toClient,
            byte[] rest) {
        negotiating = false;
        loop.emit(new EngineEvent.ProxyHandshake(id, EpochClock.nowNanos(), summary, host, port, fromClient,
                toClient));
        if (rest != null && rest.length > 0 && !ended) {
            // read with the handshake, they are stream data all the same: recorded, hooked, relayed
            hooks().deliver(Side.CLIENT, sequence[Direction.CLIENT_TO_SERVER.ordinal()]++, rest, loop.hooks());
        }
    }

    /** A layer asked to go on without the socket (see {@link SideLayer#start}). */
    void woken(Endpoint e, SideLayer layer) {
        if (e.hasLayer(layer) && !e.connecting && !e.closed && !ended) {
            onReady(e, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
    }

    @Override
    public void shutdownOutput(Side side) {
        Endpoint e = endpoint(side);
        if (e == null || e.closed || e.shutdownRequested) {
            return;
        }
        e.shutdownRequested = true;
        if (!e.hasQueued() && !e.connecting && !e.switchingLayers()) {
            shutdownNow(e);
        }
    }

    private void shutdownNow(Endpoint e) {
        try {
            e.shutdownOutput();
        } catch (IOException x) {
            broken(e, x);
        }
    }

    @Override
    public void closeTarget() {
        if (target != null) {
            target.close(false);
            target = null;
        }
    }

    @Override
    public void finish() {
        finishing = true;
        finishIfFlushed();
    }

    @Override
    public void finish(String reason) {
        endReason = reason;
        finish();
    }

    @Override
    public void finishFailed(String message) {
        failure = message;
        finish();
    }

    private void finishIfFlushed() {
        if (ended || client.unsent() || (target != null && target.unsent())) {
            return;
        }
        end(failure != null ? new EngineEvent.Failed(id, EpochClock.nowNanos(), failure, bytes[0], bytes[1])
                : new EngineEvent.Closed(id, EpochClock.nowNanos(), bytes[0], bytes[1], false, endReason), false);
    }

    @Override
    public void reset(String reason) {
        // a peer's reset is told by "reset" itself; a reason of Wirelens' own (a 408 still on its way) is kept
        resetBecause(endReason);
    }

    @Override
    public void fail(String message) {
        if (!ended) {
            end(new EngineEvent.Failed(id, EpochClock.nowNanos(), message, bytes[0], bytes[1]), false);
        }
    }

    /** Closed from outside: the user's "close connection" or engine shutdown; {@code why} is reported with it. */
    void abort(String why) {
        resetBecause(why);
    }

    private void resetBecause(String why) {
        if (!ended) {
            end(new EngineEvent.Closed(id, EpochClock.nowNanos(), bytes[0], bytes[1], true, why), true);
        }
    }

    /** How many chunks {@code side} has sent so far (TLS tells a client that closed at once without a byte). */
    long chunksFrom(Side side) {
        return sequence[side.from().ordinal()];
    }

    private void broken(Endpoint e, IOException x) {
        // a side closed on purpose (a failed TLS leg set aside) may still report its failure: not news
        if (!ended && !e.closed) {
            if (tls != null && e.side == Side.CLIENT) {
                tls.clientEnded();
            }
            handle(new SessionEvent.Broken(e.side, Engine.describe(x)));
            if (!ended) {
                // the session chose to go on without this side
                e.close(true);
                if (e == target) {
                    target = null;
                }
            }
        }
    }

    private void end(EngineEvent last, boolean withReset) {
        ended = true;
        if (idleTimeoutNanos > 0) {
            loop.timers().forgetIdle(this);
        }
        loop.timers().forgetRequestHead(this);
        client.close(withReset);
        if (target != null) {
            target.close(withReset);
        }
        if (hooked != null) {
            hooked.end(); // whatever a hold kept is recorded as read: nothing is lost
        }
        loop.emit(last);
        loop.connectionEnded(this);
    }

    // ---- interest --------------------------------------------------------------------------

    private Endpoint endpoint(Side side) {
        return side == Side.CLIENT ? client : target;
    }

    private boolean canRead(Endpoint e) {
        if (e.eof || e.connecting || e.switchingLayers() || hooked != null && hooked.holds(e.side.from())
                || (tls != null && tls.holds())
                || loop.budgetPaused() || readPaused[e.side.ordinal()]) {
            return false;
        }
        Endpoint other = endpoint(e.side.opposite());
        if (other == null) {
            return e.side == Side.CLIENT && !finishing;
        }
        return !other.connecting && !other.unsent() && !other.closed;
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
            boolean readable = canRead(e);
            ops = e.interestOps(readable);
            if (readable && e.holdsInput()) {
                readSoon(e);
            }
        }
        if (e.key.interestOps() != ops) {
            e.key.interestOps(ops);
        }
    }

    /** Reads input the layer already holds, on the loop's next round: the socket will not become readable for it. */
    private void readSoon(Endpoint e) {
        if (e.readQueued) {
            return;
        }
        e.readQueued = true;
        loop.execute(() -> {
            e.readQueued = false;
            if (!e.closed && !ended) {
                read(e);
                updateInterest();
            }
        });
    }

    /** Bytes waiting in memory for either side, for tests and the slow-reader benchmark. */
    long bufferedBytes() {
        long n = client.queuedBytes();
        if (target != null) {
            n += target.queuedBytes();
        }
        return hooked == null ? n : n + hooked.heldBytes();
    }
}
