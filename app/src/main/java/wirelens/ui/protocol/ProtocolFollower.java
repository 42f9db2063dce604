package wirelens.ui.protocol;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javafx.scene.Node;
import javafx.util.Subscription;
import wirelens.capture.CaptureFile;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.ui.base.Background;
import wirelens.ui.base.Pulse;

/**
 * Follows one connection of a capture for the HTTP and SMTP views: once per pulse it looks at the
 * capture index, and when chunks were added (or the connection ended) it reads the new chunks back
 * from the capture file on a background thread, feeds them to a decoder and takes a snapshot. The
 * newest snapshot is handed to the view on the next pulse, so a view redraws at most once per pulse
 * however fast chunks come, and the FX thread never reads the file. The same path serves a live
 * capture (the recorder's file grows) and a reopened one (everything is there at the first pulse).
 *
 * @param <S> the decoder's immutable snapshot (an {@code SmtpSession}, a list of HTTP exchanges)
 */
final class ProtocolFollower<S> {

    /** What the follower drives; called on one background thread at a time (one step in flight), never on the FX thread. */
    interface Decoder<S> {
        void chunk(ChunkInfo chunk, byte[] forwarded);

        /** The connection ended (or a side finished); called again whenever {@code info} changed. */
        void connection(ConnectionInfo info);

        S snapshot();
    }

    /** A decode step's outcome, taken by the FX thread at the next pulse. */
    private record Result<S>(S snapshot, int chunksRead, int chunksKnown, boolean complete, String problem) {}

    /** Most bytes read in one background step, so a huge reopened capture shows progress as it goes. */
    private static final long STEP_BYTES = 8L << 20;
    /** Most chunks looked at in one step (a connection of a million one-byte chunks still makes progress). */
    private static final int STEP_CHUNKS = 4096;

    private final CaptureFile file;
    private final long connectionId;
    private final Decoder<S> decoder;
    private final Consumer<S> render;
    private final Consumer<String> problem;
    private final AtomicBoolean working = new AtomicBoolean();
    private final AtomicReference<Result<S>> ready = new AtomicReference<>();
    private final Pulse pulse;
    private Subscription following;
    /** Touched by the background step only (one at a time). */
    private int next;
    private ConnectionInfo lastInfo;
    private volatile boolean closed;
    /** A decoder threw: nothing more is decoded, what was shown stays. */
    private volatile boolean failed;
    private volatile int chunksRead;
    private volatile boolean complete;

    ProtocolFollower(CaptureFile file, long connectionId, Decoder<S> decoder, Consumer<S> render,
            Consumer<String> problem, Pulse pulse) {
        this.file = file;
        this.connectionId = connectionId;
        this.decoder = decoder;
        this.render = render;
        this.problem = problem;
        this.pulse = pulse;
    }

    /** Follows the pulse while {@code node} is in a scene: views that are not shown cost nothing. */
    void attach(Node node) {
        if (!closed) {
            following = pulse.addWhileShown(node, (now, behind) -> onPulse());
        }
    }

    /** Stops following; a step in flight finishes and is thrown away. */
    void close() {
        closed = true;
        if (following != null) {
            following.unsubscribe();
        }
    }

    /** Chunks decoded so far (for the status line). */
    int chunksRead() {
        return chunksRead;
    }

    /** The connection has ended and every chunk has been decoded. */
    boolean complete() {
        return complete;
    }

    private void onPulse() {
        Result<S> result = ready.getAndSet(null);
        if (result != null && !closed) {
            if (result.problem() != null) {
                problem.accept(result.problem());
            }
            if (result.snapshot() != null) {
                render.accept(result.snapshot());
            }
        }
        if (closed || failed || working.get()) {
            return;
        }
        ConnectionInfo info = file.index().connection(connectionId).orElse(null);
        int known = file.index().chunkCount(connectionId);
        if (known > next || (info != null && !info.equals(lastInfo))) {
            if (working.compareAndSet(false, true)) {
                Background.execute(this::step);
            }
        }
    }

    /** One background step: new chunks up to {@link #STEP_BYTES}, then the connection's state, then a snapshot. */
    private void step() {
        try {
            if (closed) {
                return;
            }
            String trouble = null;
            // the state first, then the chunk count: a connection seen ended has all its chunks counted
            // then; the other way round, chunks and the end arriving in between would reach the decoder
            // after it was told the connection ended
            ConnectionInfo info = file.index().connection(connectionId).orElse(null);
            int known = file.index().chunkCount(connectionId);
            List<ChunkInfo> chunks = file.index().chunks(connectionId, next, Math.min(known - next, STEP_CHUNKS));
            long bytes = 0;
            for (ChunkInfo chunk : chunks) {
                if (bytes >= STEP_BYTES) {
                    break;
                }
                next++;
                if (chunk.dropped() || chunk.forwardedLength() == 0) {
                    continue;
                }
                if (!chunk.inFile()) {
                    trouble = "some bytes of this connection are not in a capture file and cannot be decoded";
                    continue;
                }
                byte[] forwarded;
                try {
                    forwarded = file.forwarded(chunk);
                } catch (IOException e) {
                    trouble = "cannot read chunk " + chunk.index() + " back from " + file.path() + ": "
                            + e.getMessage();
                    continue;
                }
                decoder.chunk(chunk, forwarded);
                bytes += forwarded.length;
            }
            boolean caughtUp = next >= known;
            if (caughtUp && info != null && !info.equals(lastInfo)) {
                lastInfo = info;
                decoder.connection(info);
            }
            chunksRead = next;
            complete = caughtUp && info != null && !info.isOpen();
            ready.set(new Result<>(decoder.snapshot(), next, known, complete, trouble));
        } catch (RuntimeException e) {
            // A decoder bug must not leave the view silently stuck: say so, keep what was shown.
            failed = true;
            ready.set(new Result<>(null, next, next, false, "decoding stopped: " + e));
        } finally {
            working.set(false);
        }
    }
}
