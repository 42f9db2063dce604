package wirelens.engine;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The bytes a connection read and has not recorded yet, while a {@link MessageHook} watches its HTTP
 * messages. A message a breakpoint holds is to be recorded as it went on (edited, dropped), and the
 * session only knows whether it holds one once the whole head has come, perhaps over several reads; so
 * each read is recorded only after the session handled it ({@link #flush}), and the bytes the session
 * holds recording for ({@link SessionOutput#holdRecording}) wait until it says what became of them.
 *
 * <p>Per side, in the order read. Positions count the bytes handed to the session from that side; a read
 * that a hold starts in the middle of is recorded in two parts. Times never go back within a direction: a
 * read recorded after a message that went on later gets that message's time.
 */
final class PendingReads {

    /**
     * A read as the session got it ({@code forwarded}: null when a chunk hook dropped it, so the session got
     * nothing), or with {@code halfClosed} the side's end.
     */
    private record Piece(byte[] original, byte[] forwarded, long timeNanos, boolean halfClosed) {

        int length() {
            return forwarded == null ? 0 : forwarded.length;
        }
    }

    /** One side's reads not recorded yet. */
    private static final class Kept {
        final ArrayDeque<Piece> pieces = new ArrayDeque<>();
        /** Bytes handed to the session so far; the position after the last piece. */
        long handed;
        /** The position of the first piece: everything before it is recorded. */
        long recorded;
        /** Bytes from this position on wait for the session; -1: no hold. */
        long holdAt = -1;
        long lastNanos;
    }

    private final long connectionId;
    private final Consumer<EngineEvent> emit;
    private final Kept[] sides = {new Kept(), new Kept()};

    PendingReads(long connectionId, Consumer<EngineEvent> emit) {
        this.connectionId = connectionId;
        this.emit = emit;
    }

    /** A read from {@code from}: {@code forwarded} is what the session gets (null: nothing, a hook dropped it). */
    void read(Side from, byte[] original, byte[] forwarded, long timeNanos) {
        Kept k = kept(from);
        k.pieces.add(new Piece(original, forwarded, timeNanos, false));
        k.handed += forwarded == null ? 0 : forwarded.length;
    }

    /** The side ended: recorded after the bytes before it. */
    void halfClosed(Side from, long timeNanos) {
        kept(from).pieces.add(new Piece(null, null, timeNanos, true));
    }

    /**
     * Holds back the last {@code lastBytes} bytes handed to the session from {@code from} and all after
     * them; a hold that starts earlier stays. False when some of them are recorded already (then nothing
     * is held).
     */
    boolean hold(Side from, long lastBytes) {
        Kept k = kept(from);
        long at = k.handed - lastBytes;
        if (lastBytes <= 0 || at < k.recorded) {
            return false;
        }
        k.holdAt = k.holdAt < 0 ? at : Math.min(k.holdAt, at);
        return true;
    }

    boolean holding(Side from) {
        return kept(from).holdAt >= 0;
    }

    boolean holdsAny() {
        return sides[0].holdAt >= 0 || sides[1].holdAt >= 0;
    }

    /** Ends the hold on {@code from}: its bytes are recorded as read at the next {@link #flush}. */
    void release(Side from) {
        kept(from).holdAt = -1;
    }

    /**
     * Ends the hold on {@code from} with the message it held: its first {@code length} bytes are recorded
     * now as one chunk that went on as {@code forwarded} (null: dropped), or unchanged; what follows them
     * is recorded as read at the next {@link #flush}.
     */
    void releaseMessage(Side from, long length, byte[] forwarded, boolean unchanged, long timeNanos) {
        Kept k = kept(from);
        if (k.holdAt < 0) {
            return; // nothing was held: the bytes were recorded as read
        }
        record(from, k);
        byte[] original = take(from, k, length);
        k.holdAt = -1;
        byte[] sent = unchanged || forwarded != null && Arrays.equals(forwarded, original) ? original : forwarded;
        emit(from, k, new Piece(original, sent, timeNanos, false));
    }

    /** Records what no hold keeps back, both sides. */
    void flush() {
        record(Side.CLIENT, sides[0]);
        record(Side.TARGET, sides[1]);
    }

    /** Ends every hold and records everything (the connection ends: nothing is lost). */
    void flushAll() {
        sides[0].holdAt = -1;
        sides[1].holdAt = -1;
        flush();
    }

    private Kept kept(Side side) {
        return sides[side.ordinal()];
    }

    private void record(Side from, Kept k) {
        while (!k.pieces.isEmpty()) {
            Piece p = k.pieces.peekFirst();
            long end = k.recorded + p.length();
            if (k.holdAt >= 0 && (p.length() == 0 ? k.recorded > k.holdAt : end > k.holdAt)) {
                if (p.length() > 0 && k.recorded < k.holdAt) {
                    int cut = (int) (k.holdAt - k.recorded);
                    k.pieces.removeFirst();
                    k.pieces.addFirst(rest(p, cut));
                    emit(from, k, first(p, cut));
                    k.recorded += cut;
                }
                return;
            }
            k.pieces.removeFirst();
            emit(from, k, p);
            k.recorded = end;
        }
    }

    /** Removes the first {@code length} bytes kept (the pieces start at the hold) and returns them as one array. */
    private byte[] take(Side from, Kept k, long length) {
        ByteArrayOutputStream message = new ByteArrayOutputStream((int) Math.min(length, 1 << 20));
        long left = length;
        while (left > 0 && !k.pieces.isEmpty()) {
            Piece p = k.pieces.removeFirst();
            if (p.length() == 0) {
                emit(from, k, p);
            } else if (p.length() <= left) {
                message.write(p.forwarded(), 0, p.length());
                left -= p.length();
            } else {
                message.write(p.forwarded(), 0, (int) left);
                k.pieces.addFirst(rest(p, (int) left));
                left = 0;
            }
        }
        k.recorded += length - left;
        return message.toByteArray();
    }

    /** The first {@code cut} bytes of a read; one a chunk hook changed keeps its whole original here. */
    private static Piece first(Piece p, int cut) {
        byte[] forwarded = Arrays.copyOf(p.forwarded(), cut);
        return new Piece(p.original() == p.forwarded() ? forwarded : p.original(), forwarded, p.timeNanos(), false);
    }

    /** The bytes of a read from {@code cut} on, as read (the original of a changed read went with its first part). */
    private static Piece rest(Piece p, int cut) {
        byte[] rest = Arrays.copyOfRange(p.forwarded(), cut, p.length());
        return new Piece(rest, rest, p.timeNanos(), false);
    }

    private void emit(Side from, Kept k, Piece p) {
        long time = Math.max(p.timeNanos(), k.lastNanos);
        k.lastNanos = time;
        emit.accept(p.halfClosed() ? new EngineEvent.HalfClosed(connectionId, from.from(), time)
                : new EngineEvent.Chunk(connectionId, from.from(), time, p.original(), p.forwarded()));
    }
}
