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

    @Test
    void batchesComeOutInOrderSplitAcrossDrainsAndCountTowardsTheBudget() throws Exception {
        EventQueue q = new EventQueue(100_000);
        // two loops' rounds: batches of 6 and 5 events, then a single event
        List<EngineEvent> first = new ArrayList<>();
        long firstWeight = 0;
        for (int i = 0; i < 6; i++) {
            EngineEvent e = new EngineEvent.Chunk(i, Direction.CLIENT_TO_SERVER, i, new byte[1000], new byte[1000]);
            first.add(e);
            firstWeight += e.weight();
        }
        q.publishAll(first, firstWeight);
        List<EngineEvent> second = new ArrayList<>();
        for (int i = 6; i < 11; i++) {
            second.add(new EngineEvent.HalfClosed(i, Direction.SERVER_TO_CLIENT, i));
        }
        q.publishAll(second, second.stream().mapToLong(EngineEvent::weight).sum());
        q.publish(new EngineEvent.HalfClosed(11, Direction.CLIENT_TO_SERVER, 11));
        assertFalse(q.overBudget());
        // what a loop has yet to publish counts too
        assertFalse(q.overBudget(100_000 - q.pendingBytes()));
        assertTrue(q.overBudget(100_000 - q.pendingBytes() + 1));

        List<EngineEvent> out = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        int n;
        while (out.size() < 12 && (n = q.drainTo(out, 4, 1, TimeUnit.SECONDS)) > 0) {
            sizes.add(n);
        }
        assertEquals(List.of(4, 4, 4), sizes, "a batch is split where a drain has no more room");
        assertTrue(q.isEmpty());
        for (int i = 0; i < 12; i++) {
            EngineEvent e = out.get(i);
            long id = e instanceof EngineEvent.Chunk c ? c.connectionId() : ((EngineEvent.HalfClosed) e).connectionId();
            assertEquals(i, id, "event " + i + " in order");
        }
        q.consumed(out);
        assertEquals(0, q.pendingBytes());
    }
}
