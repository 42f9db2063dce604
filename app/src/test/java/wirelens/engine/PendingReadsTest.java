package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link PendingReads} records, and when, for reads a chunk hook changed or dropped and for holds it cannot keep. */
class PendingReadsTest {
    private final List<String> recorded = new ArrayList<>();
    private final PendingReads pending = new PendingReads(1, e -> recorded.add(describe(e)));

    private static String describe(EngineEvent e) {
        if (e instanceof EngineEvent.HalfClosed h) {
            return "end " + h.timeNanos();
        }
        EngineEvent.Chunk c = (EngineEvent.Chunk) e;
        String line = text(c.original()) + " " + c.timeNanos();
        return c.dropped() ? line + " => dropped" : c.edited() ? line + " => " + text(c.forwarded()) : line;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private void read(String original, String forwarded, long time) {
        byte[] o = bytes(original);
        pending.read(Side.CLIENT, o, forwarded == null ? null : forwarded.equals(original) ? o : bytes(forwarded), time);
    }

    @Test
    void aReadAHoldStartsInIsRecordedInTwoPartsAndTheMessageAsItWentOnAfterWhatCameBeforeIt() {
        read("abcHEAD", "abcHEAD", 1);
        assertTrue(pending.hold(Side.CLIENT, 4));
        read("dropped by a hook", null, 2);
        read("BODY", "BODY", 3);
        pending.flush();
        assertEquals(List.of("abc 1"), recorded, "the part before the hold only");
        pending.releaseMessage(Side.CLIENT, 8, bytes("EDITED"), false, 10);
        pending.flush();
        assertEquals(List.of("abc 1", "dropped by a hook 2 => dropped", "HEADBODY 10 => EDITED"), recorded);
    }

    @Test
    void aReadAChunkHookChangedKeepsItsOriginalWhenAHoldCutsIt() {
        read("xyHEAD", "XYHEAD", 1);
        assertTrue(pending.hold(Side.CLIENT, 4));
        pending.releaseMessage(Side.CLIENT, 4, null, true, 5);
        assertEquals(List.of("xyHEAD 1 => XY", "HEAD 5"), recorded, "the forwarded stream is exactly what went on");
    }

    @Test
    void bytesRecordedAlreadyCannotBeHeldAndTheEndWaitsBehindAHeldMessage() {
        read("one", "one", 1);
        pending.flush();
        assertFalse(pending.hold(Side.CLIENT, 4), "one byte more than is unrecorded");
        assertFalse(pending.holding(Side.CLIENT));
        read("two", "two", 2);
        assertTrue(pending.hold(Side.CLIENT, 3));
        pending.halfClosed(Side.CLIENT, 3);
        pending.flush();
        assertEquals(List.of("one 1"), recorded);
        pending.flushAll();
        assertEquals(List.of("one 1", "two 2", "end 3"), recorded, "a connection's end records what a hold kept, as read");
    }
}
