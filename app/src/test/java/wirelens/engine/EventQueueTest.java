package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventQueueTest {

    private static EngineEvent chunk(int size) {
        byte[] b = new byte[size];
        return new EngineEvent.Chunk(1, Direction.CLIENT_TO_SERVER, 0, b, b);
    }

    @Test
    void goesOverBudgetAndIsRelievedOnceDrainedBelowHalf() throws Exception {
        EventQueue q = new EventQueue(10_000);
        AtomicInteger relieved = new AtomicInteger();
        q.onRelieved(relieved::incrementAndGet);
        for (int i = 0; i < 20; i++) {
            q.publish(chunk(1000));
        }
        assertTrue(q.overBudget());
        List<EngineEvent> batch = new ArrayList<>();
        assertEquals(12, q.drainTo(batch, 12, 1, TimeUnit.SECONDS));
        q.consumed(batch);
        assertEquals(0, relieved.get(), "still above half the budget");
        batch.clear();
        assertEquals(8, q.drainTo(batch, 100, 1, TimeUnit.SECONDS));
        q.consumed(batch);
        assertEquals(1, relieved.get());
        assertFalse(q.overBudget());
        assertEquals(0, q.pendingBytes());
    }

    @Test
    void keepsEveryEventInOrder() throws Exception {
        EventQueue q = new EventQueue(1);
        for (int i = 0; i < 100; i++) {
            q.publish(new EngineEvent.HalfClosed(i, Direction.SERVER_TO_CLIENT, i));
        }
        List<EngineEvent> out = new ArrayList<>();
        while (out.size() < 100 && q.drainTo(out, 7, 1, TimeUnit.SECONDS) > 0) { }
        assertEquals(100, out.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i, ((EngineEvent.HalfClosed) out.get(i)).connectionId());
        }
    }
}
