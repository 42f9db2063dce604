package wirelens.tls;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import io.netty.util.ReferenceCounted;

/**
 * One side of a connection speaking TLS, without I/O: network bytes in, plaintext out, and back. It
 * owns its {@link SSLEngine} and the engine's buffers; the caller owns the socket. Whoever owns the
 * socket feeds {@link #receive} what it read, hands {@link #plaintext()} to the session, writes
 * {@link #network()} to the socket, and runs {@link #takeTasks()} off its thread when {@link #needsTasks()}
 * says so (key exchange and certificate checks can take milliseconds), then calls {@link #resume()}.
 *
 * <p>Closing is per direction, as TCP half-close is: a close_notify from the peer reads as the end of its
 * plaintext ({@link #peerClosed()}); {@link #closeOutput()} sends ours. Not thread-safe: one owner thread.
 */
public final class TlsLayer {
    /** How BoringSSL names an alert the peer sent: "error:10000416:SSL routines:...:SSLV3_ALERT_CERTIFICATE_UNKNOWN". */
    private static final Pattern BORINGSSL_ALERT = Pattern.compile("OPENSSL_internal:(?:SSLV3|TLSV1)_ALERT_([A-Z_]+)");
    /** The most a wrap or unwrap is given room for (a TLS record is at most 16 KiB and some bytes). */
    private static final int MAX_RECORD_ROOM = 1 << 20;
    /**
     * Room for the plaintext of any record (TLS 1.2 allows 2 KiB of expansion over 16 KiB): BoringSSL's
     * engine checks the room against the record's whole length, and once our direction is closed it says
     * a lack of room as CLOSED, which cannot be told from the end it also says so.
     */
    private static final int LARGEST_RECORD_BODY = (1 << 14) + 2048;
    /**
     * Where this thread's wraps and unwraps write before what they made is copied out at its size: a layer
     * is driven by its owner's thread only, so one pair per thread will do, and a handshake leaves its few
     * kilobytes of garbage rather than a 16 KiB buffer per flight. Direct, so BoringSSL needs no copy of its own.
     */
    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuffer[2]);
    private final SSLEngine engine;
    private final ByteBuffer empty = ByteBuffer.allocate(0);
    /** Network bytes read but not yet unwrapped (a partial record); read mode between calls. */
    private ByteBuffer netIn;
    /** Plaintext unwrapped and not yet taken by the session; write mode between calls. */
    private ByteBuffer appIn;
    /** Network bytes made and not yet written to the socket; write mode between calls. */
    private ByteBuffer netOut;
    /** Plaintext the session sent before the handshake finished; wrapped once it has. */
    private ByteBuffer early;
    private boolean handshakeDone;
    private boolean peerClosed;
    private boolean outputClosed;
    private boolean tasksOut;
    private boolean released;
    /** {@link #beginAsTask} was called and its task has not been taken yet. */
    private boolean beginPending;
    /** Why the engine's first step failed on another thread; reported by {@link #resume}. */
    private SSLException beginFailure;
    private String failure;
    /** The description of a fatal alert the peer sent in the clear during the handshake, or -1. */
    private int peerAlert = -1;
    private final long startedNanos = System.nanoTime();
    private long handshakeNanos = -1;
    /** Network bytes of the handshake each way, counted until it finishes. */
    private long handshakeBytesReceived;
    private long handshakeBytesSent;

    public TlsLayer(SSLEngine engine) {
        this.engine = engine;
        // allocated when bytes come and let go when they are gone: an idle connection holds no buffers
        netIn = ByteBuffer.allocate(0);
        appIn = ByteBuffer.allocate(0);
        netOut = ByteBuffer.allocate(0);
    }

    /** Starts the handshake: a client layer then has its ClientHello in {@link #network()}. */
    public void begin() {
        try {
            engine.beginHandshake();
            advance(false);
        } catch (SSLException e) {
            fail(e);
        }
    }

    /**
     * Starts the handshake as {@link #begin} does, but the engine's first step is left to {@link #takeTasks}:
     * for a client that step makes the ClientHello's key shares, milliseconds of work in the JDK's EC code.
     * After the task and {@link #resume}, the ClientHello is in {@link #network()}.
     */
    public void beginAsTask() {
        beginPending = true;
    }

    /** Takes network bytes read from the peer (all of them: what is not a whole record yet is kept). */
    public void receive(ByteBuffer data) {
        if (failure != null) {
            data.position(data.limit());
            return;
        }
        if (!handshakeDone) {
            noteAlert(data);
        }
        netIn = append(netIn, data);
        try {
            advance(false);
        } catch (SSLException e) {
            fail(e);
        }
    }

    /** Encrypts plaintext for the peer (kept until the handshake has finished). */
    public void send(ByteBuffer plaintext) {
        if (failure != null || outputClosed) {
            plaintext.position(plaintext.limit());
            return;
        }
        if (!handshakeDone) {
            early = append(early == null ? ByteBuffer.allocate(0) : early, plaintext);
            return;
        }
        try {
            wrapAll(plaintext);
        } catch (SSLException e) {
            fail(e);
        }
    }

    /** Sends close_notify: the peer reads the end of our plaintext. Reading goes on (half-close). */
    public void closeOutput() {
        if (outputClosed) {
            return;
        }
        outputClosed = true;
        engine.closeOutbound();
        try {
            while (true) {
                SSLEngineResult r = wrap(empty);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED || r.bytesProduced() == 0) {
                    return;
                }
            }
        } catch (SSLException e) {
            fail(e);
        }
    }

    /** Plaintext received so far, taken: the buffer is the caller's. */
    public ByteBuffer plaintext() {
        ByteBuffer out = appIn.flip();
        appIn = ByteBuffer.allocate(0);
        return out;
    }

    public boolean hasPlaintext() {
        return appIn.position() > 0;
    }

    /** Network bytes to write to the socket, taken: the buffer is the caller's. */
    public ByteBuffer network() {
        ByteBuffer out = netOut.flip();
        netOut = ByteBuffer.allocate(0);
        return out;
    }

    public boolean hasNetwork() {
        return netOut.position() > 0;
    }

    /** True while the engine waits for work that must run off the owner's thread ({@link #takeTasks}). */
    public boolean needsTasks() {
        return beginPending || tasksOut || (failure == null && engine.getHandshakeStatus() == HandshakeStatus.NEED_TASK);
    }

    /** The engine's pending work, to run on another thread; call {@link #resume} on the owner's after. */
    public List<Runnable> takeTasks() {
        if (beginPending) {
            beginPending = false;
            tasksOut = true;
            return List.of(this::beginHandshake);
        }
        List<Runnable> tasks = new ArrayList<>();
        Runnable t;
        while ((t = engine.getDelegatedTask()) != null) {
            tasks.add(t);
        }
        tasksOut = !tasks.isEmpty();
        return tasks;
    }

    /** Goes on after the tasks from {@link #takeTasks} have run. */
    public void resume() {
        tasksOut = false;
        if (beginFailure != null) {
            fail(beginFailure);
            beginFailure = null;
        }
        if (failure != null) {
            return;
        }
        try {
            advance(true);
        } catch (SSLException e) {
            fail(e);
        }
    }

    public boolean handshakeDone() {
        return handshakeDone;
    }

    /** The peer sent close_notify: no more plaintext comes from it. */
    public boolean peerClosed() {
        return peerClosed;
    }

    /** Why TLS failed (a bad record, an alert, a certificate refused), or null. The alert, if any, is in {@link #network()}. */
    public String failure() {
        return failure;
    }

    public SSLEngine engine() {
        return engine;
    }

    /**
     * Lets go of the engine: call it once the connection is over, however it ended. A BoringSSL engine
     * holds native memory until it is released; a JSSE engine is left to the garbage collector.
     */
    public void close() {
        if (released) {
            return;
        }
        released = true;
        failure = failure == null ? "closed" : failure;
        if (engine instanceof ReferenceCounted counted && counted.refCnt() > 0) {
            counted.release();
        }
    }

    /** How long the handshake took, or -1 while it runs. */
    public long handshakeNanos() {
        return handshakeNanos;
    }

    /** Network bytes the handshake took from the peer (records of the handshake, not of data). */
    public long handshakeBytesReceived() {
        return handshakeBytesReceived;
    }

    /** Network bytes the handshake sent to the peer. */
    public long handshakeBytesSent() {
        return handshakeBytesSent;
    }

    // ---- the engine's state machine ----------------------------------------------------------

    /** Wraps and unwraps until the engine needs bytes from the peer, a task, or has nothing left to do. */
    private void advance(boolean tasksRan) throws SSLException {
        // a result asked for a wrap, which the engine's own status may not say: BoringSSL makes its alert
        // (after a refused certificate, a bad record), and says why on a wrap after the one that sends it
        boolean wrapAgain = false;
        // an unwrap with no input may move the handshake on (see below)
        boolean emptyUnwrapDue = tasksRan && !handshakeDone;
        for (int guard = 0; guard < 10_000; guard++) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (handshakeDone && hs != HandshakeStatus.NOT_HANDSHAKING && !peerClosed && !outputClosed
                    && !"TLSv1.3".equals(engine.getSession().getProtocol())) {
                // TLS 1.2 renegotiation: a second handshake inside the first, with the names and keys
                // changing under the session's feet (TLS 1.3 has none: its key updates are not handshakes)
                throw new SSLException("the peer asked to renegotiate the TLS session, which Wirelens refuses");
            }
            if (wrapAgain) {
                hs = HandshakeStatus.NEED_WRAP;
            }
            if (hs == HandshakeStatus.NEED_TASK || tasksOut || beginPending) {
                return;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = wrap(empty);
                countHandshake(0, r.bytesProduced());
                finished(r);
                if (r.getStatus() == SSLEngineResult.Status.CLOSED && r.bytesProduced() == 0) {
                    return;
                }
                wrapAgain = r.bytesProduced() > 0 && (wrapAgain || r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP);
                continue;
            }
            if (!netIn.hasRemaining() && hs != HandshakeStatus.NEED_UNWRAP_AGAIN) {
                if (netIn.capacity() > 0) {
                    netIn = ByteBuffer.allocate(0);
                }
                if (!emptyUnwrapDue || handshakeDone) {
                    noteQuietClose();
                    return;
                }
                // BoringSSL's engine goes on only when called: after its tasks ran (it may have another),
                // and its server says FINISHED only on an unwrap after the one that took the client's
                // Finished; without it a server that speaks first (SMTPS, IMAPS) would wait for a client
                // that waits for it (the result below clears the flag)
            }
            SSLEngineResult r = unwrap();
            SSLEngineResult.Status status = r.getStatus();
            if (status == SSLEngineResult.Status.CLOSED && !engine.isInboundDone()) {
                // BoringSSL's engine says CLOSED on every result once our direction is closed, though the
                // peer's is still open: what it sent was read, or, if nothing was, the record is incomplete
                status = r.bytesConsumed() == 0 && r.bytesProduced() == 0
                        ? SSLEngineResult.Status.BUFFER_UNDERFLOW : SSLEngineResult.Status.OK;
            }
            switch (status) {
                case BUFFER_UNDERFLOW -> {
                    finished(r); // BoringSSL's empty unwrap above finishes this way
                    noteQuietClose();
                    return; // the rest of the record is still on its way (receive makes room for it)
                }
                case CLOSED -> {
                    peerClosed = true;
                    emptyUnwrapDue = false;
                    countHandshake(r.bytesConsumed(), 0);
                    finished(r);
                    // JSSE's TLS 1.2 answers a close_notify with one of its own
                    if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        continue;
                    }
                    return;
                }
                default -> {
                    countHandshake(r.bytesConsumed(), 0);
                    emptyUnwrapDue = !handshakeDone && r.bytesConsumed() > 0;
                    wrapAgain = r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
                    finished(r);
                    if (handshakeDone && !wrapAgain && r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                        // records after the peer's close_notify are never read: BoringSSL answers every
                        // read with the close again, which only the question below tells
                        noteQuietClose();
                        if (peerClosed) {
                            netIn = ByteBuffer.allocate(0);
                            return;
                        }
                    }
                }
            }
        }
        throw new SSLException("the TLS engine did not settle (10,000 steps)");
    }

    /**
     * A BoringSSL engine reads the peer's close_notify without saying so (to keep our direction open, see
     * {@link BoringTls}): once it has taken all there was, it is asked. A bad record would have failed
     * before this (its alert is wrapped, which throws), so what ended the peer's direction is its close_notify.
     */
    private void noteQuietClose() throws SSLException {
        if (!peerClosed && BoringTls.closeNotifyReceived(engine)) {
            peerClosed = true;
            engine.closeInbound();
        }
    }

    /** The task of {@link #beginAsTask}: runs on the thread the tasks run on, touching the engine only. */
    private void beginHandshake() {
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            beginFailure = e;
        }
    }

    private void countHandshake(long received, long sent) {
        if (!handshakeDone) {
            handshakeBytesReceived += received;
            handshakeBytesSent += sent;
        }
    }

    private void finished(SSLEngineResult r) throws SSLException {
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED && !handshakeDone) {
            handshakeDone = true;
            handshakeNanos = System.nanoTime() - startedNanos;
            if (early != null) {
                ByteBuffer e = early;
                early = null;
                wrapAll(e);
            }
        }
    }

    private void wrapAll(ByteBuffer plaintext) throws SSLException {
        while (plaintext.hasRemaining()) {
            SSLEngineResult r = wrap(plaintext);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                int lost = plaintext.remaining();
                plaintext.position(plaintext.limit());
                // the engine closed our direction when the peer closed its own (TLS 1.2, or BoringSSL's
                // engine in TLS 1.3 too): what is left cannot reach the peer, which must not pass unsaid
                throw new SSLException("the peer closed TLS (close_notify), which closed this direction too: "
                        + lost + " bytes for it could not be sent");
            }
        }
    }

    private void fail(SSLException e) {
        if (failure == null) {
            failure = describe(e);
        }
        // the engine may have an alert to tell the peer why
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4; i++) {
                if (wrap(empty).bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException ignored) {
            // nothing more can be said to the peer; the failure above is what is reported
        }
        outputClosed = true;
    }

    private String describe(SSLException e) {
        if (peerAlert >= 0) {
            // a peer that gives up during the handshake may send its alert in the clear, which the engine
            // then fails to decrypt: what the peer said is the news, not the engine's complaint
            return "Received fatal alert: " + alertName(peerAlert);
        }
        Throwable t = e;
        // BoringSSL's engine wraps what the trust manager said in a message that says nothing
        while (t.getCause() != null && "General OpenSslEngine problem".equals(t.getMessage())) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        // said as the JDK says it, which is what the engine's callers look for
        Matcher alert = BORINGSSL_ALERT.matcher(m);
        return alert.find() ? "Received fatal alert: " + alert.group(1).toLowerCase(Locale.ROOT) : m;
    }

    /** Remembers the description of a plaintext alert record at the start of {@code data}. */
    private void noteAlert(ByteBuffer data) {
        int p = data.position();
        if (data.remaining() >= 7 && data.get(p) == 21 && data.get(p + 1) == 3 && data.get(p + 3) == 0
                && data.get(p + 4) == 2 && data.get(p + 5) == 2) {
            peerAlert = data.get(p + 6) & 0xff;
        }
    }

    /** The name RFC 8446 gives an alert description, as the JDK's messages use them. */
    static String alertName(int description) {
        return switch (description) {
            case 0 -> "close_notify";
            case 10 -> "unexpected_message";
            case 20 -> "bad_record_mac";
            case 40 -> "handshake_failure";
            case 42 -> "bad_certificate";
            case 43 -> "unsupported_certificate";
            case 44 -> "certificate_revoked";
            case 45 -> "certificate_expired";
            case 46 -> "certificate_unknown";
            case 47 -> "illegal_parameter";
            case 48 -> "unknown_ca";
            case 50 -> "decode_error";
            case 51 -> "decrypt_error";
            case 70 -> "protocol_version";
            case 71 -> "insufficient_security";
            case 80 -> "internal_error";
            case 112 -> "unrecognized_name";
            case 116 -> "certificate_required";
            case 120 -> "no_application_protocol";
            default -> "alert " + description;
        };
    }

    /**
     * Wraps {@code src} and appends what the engine made to {@link #netOut}. The engine writes into this
     * thread's scratch buffer, always with room for a whole record: BoringSSL's engine does not always say
     * BUFFER_OVERFLOW when there is none (an alert it has pending then never comes out).
     */
    private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
        for (int size = engine.getSession().getPacketBufferSize(); size <= MAX_RECORD_ROOM; size *= 2) {
            ByteBuffer out = scratch(0, size);
            SSLEngineResult r = engine.wrap(src, out);
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = put(netOut, out.flip());
                return r;
            }
        }
        throw new SSLException("the TLS engine wants more than " + MAX_RECORD_ROOM + " bytes for one record");
    }

    /** Unwraps from {@link #netIn} and appends the plaintext to {@link #appIn}, as {@link #wrap} does. */
    private SSLEngineResult unwrap() throws SSLException {
        int first = Math.max(engine.getSession().getApplicationBufferSize(), LARGEST_RECORD_BODY);
        for (int size = first; size <= MAX_RECORD_ROOM; size *= 2) {
            ByteBuffer out = scratch(1, size);
            SSLEngineResult r = engine.unwrap(netIn, out);
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                appIn = put(appIn, out.flip());
                return r;
            }
            finished(r); // BoringSSL may say FINISHED on the unwrap that had no room
        }
        throw new SSLException("the TLS engine wants more than " + MAX_RECORD_ROOM + " bytes for one record");
    }

    /** This thread's scratch buffer {@code which} (0: network bytes, 1: plaintext), cleared, of {@code size} at least. */
    private static ByteBuffer scratch(int which, int size) {
        ByteBuffer[] mine = SCRATCH.get();
        if (mine[which] == null || mine[which].capacity() < size) {
            mine[which] = ByteBuffer.allocateDirect(size);
        }
        return mine[which].clear();
    }

    /** {@code to} in write mode with {@code data} put in; returns the (maybe new) buffer in write mode. */
    private static ByteBuffer put(ByteBuffer to, ByteBuffer data) {
        if (!data.hasRemaining()) {
            return to;
        }
        if (to.remaining() < data.remaining()) {
            // exact for the usual one record, doubling for many (plaintext sent before the handshake ended)
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(to.position() + data.remaining(), 2 * to.capacity()));
            bigger.put(to.flip());
            to = bigger;
        }
        return to.put(data);
    }

    /** {@code to} in read mode, with {@code data} appended; returns the (maybe new) buffer in read mode. */
    private static ByteBuffer append(ByteBuffer to, ByteBuffer data) {
        if (to.capacity() - to.limit() >= data.remaining()) {
            int p = to.position();
            to.position(to.limit()).limit(to.capacity());
            to.put(data);
            to.limit(to.position()).position(p);
            return to;
        }
        ByteBuffer joined = ByteBuffer.allocate(Math.max(to.remaining() + data.remaining(), 2 * to.capacity()));
        joined.put(to).put(data).flip();
        return joined;
    }
}
