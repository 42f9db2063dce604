package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import wirelens.engine.ChunkHook.ChunkContext;
import wirelens.engine.ChunkHook.Verdict;
import wirelens.engine.Direction;

class HoldQueueTest {

    /** Records what the queue asks of the engine. */
    static final class FakeEngine implements HoldQueue.EngineControl {
        final List<String> calls = new ArrayList<>();

        @Override
        public synchronized void release(long connectionId, Direction direction, byte[] bytes) {
            calls.add("release " + connectionId + " " + direction.shortName() + " "
                    + (bytes == null ? "DROP" : new String(bytes, StandardCharsets.ISO_8859_1)));
        }

        @Override
        public synchronized void closeConnection(long connectionId) {
            calls.add("close " + connectionId);
        }
    }

    final FakeEngine engine = new FakeEngine();
    final HoldQueue queue = new HoldQueue(engine);
    final InterceptHook hook = new InterceptHook(queue);
    final AtomicInteger changes = new AtomicInteger();

    {
        queue.addListener(changes::incrementAndGet);
    }

    static ChunkContext ctx(long conn, Direction d, ListenerName l) {
        return new ChunkContext(conn, 1, l.config, d, 0);
    }

    enum ListenerName {
        SMTP(RulesHookTest.SMTP), WEB(RulesHookTest.WEB);

        final wirelens.engine.ListenerConfig config;

        ListenerName(wirelens.engine.ListenerConfig config) {
            this.config = config;
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void offByDefaultAndForwardsEverything() {
        byte[] data = b("HELLO");
        Verdict v = hook.onChunk(ctx(1, Direction.CLIENT_TO_SERVER, ListenerName.WEB), data);
        assertSame(data, ((Verdict.Forward) v).bytes());
        assertEquals(0, queue.size());
    }

    @Test
    void holdsMatchingChunksAndForwardsTheEditedBytes() {
        queue.setEnabled(true);
        byte[] data = b("HELLO");
        assertSame(Verdict.HOLD, hook.onChunk(ctx(7, Direction.CLIENT_TO_SERVER, ListenerName.WEB), data));
        List<HoldQueue.HeldChunk> held = queue.held();
        assertEquals(1, held.size());
        HoldQueue.HeldChunk c = held.get(0);
        assertEquals(7, c.connectionId());
        assertEquals("web", c.listener());
        assertEquals(Direction.CLIENT_TO_SERVER, c.direction());
        assertEquals(5, c.size());
        assertArrayEquals(data, c.bytes());
        c.bytes()[0] = 'J'; // the accessor hands out copies
        assertArrayEquals(b("HELLO"), c.bytes());

        assertTrue(queue.forward(c, b("HELLO WORLD")));
        assertEquals(List.of("release 7 c2s HELLO WORLD"), engine.calls);
        assertEquals(0, queue.size());
        assertFalse(queue.forward(c, b("again")), "a chunk is released once");
        assertFalse(queue.drop(c));
        assertEquals(1, engine.calls.size());
        assertEquals(3, changes.get(), "enabled, held, forwarded");
    }

    @Test
    void forwardOriginalDropAndClose() {
        queue.setEnabled(true);
        hook.onChunk(ctx(1, Direction.CLIENT_TO_SERVER, ListenerName.WEB), b("one"));
        hook.onChunk(ctx(1, Direction.SERVER_TO_CLIENT, ListenerName.WEB), b("two"));
        hook.onChunk(ctx(2, Direction.CLIENT_TO_SERVER, ListenerName.WEB), b("three"));
        hook.onChunk(ctx(3, Direction.CLIENT_TO_SERVER, ListenerName.WEB), b("four"));
        List<HoldQueue.HeldChunk> held = queue.held();
        assertEquals(4, held.size());
        queue.forwardOriginal(held.get(1));
        queue.drop(held.get(0));
        queue.closeConnection(2);
        assertEquals(List.of("release 1 s2c two", "release 1 c2s DROP", "close 2"), engine.calls);
        assertEquals(List.of(held.get(3)), queue.held());
        queue.onEngineEvent(new wirelens.engine.EngineEvent.Closed(4, 0, 0, 0, false)); // another connection
        assertEquals(1, queue.size());
        queue.onEngineEvent(new wirelens.engine.EngineEvent.Failed(3, 0, "reset", 0, 0));
        assertEquals(0, queue.size());
        assertFalse(queue.forwardOriginal(held.get(3)), "a chunk of an ended connection is gone");
        assertEquals(3, engine.calls.size());
    }

    @Test
    void forwardAllAndDisableReleasesOldestFirstAndHoldsNothingAfter() {
        queue.setEnabled(true);
        for (int i = 1; i <= 3; i++) {
            hook.onChunk(ctx(i, Direction.CLIENT_TO_SERVER, ListenerName.WEB), b("c" + i));
        }
        queue.forwardAllAndDisable();
        assertEquals(List.of("release 1 c2s c1", "release 2 c2s c2", "release 3 c2s c3"), engine.calls);
        assertFalse(queue.isEnabled());
        assertInstanceOf(Verdict.Forward.class, hook.onChunk(ctx(4, Direction.CLIENT_TO_SERVER, ListenerName.WEB), b("x")));
        assertEquals(0, queue.size());
    }

    @Test
    void turningOffKeepsWhatIsHeld() {
        queue.setEnabled(true);
        hook.onChunk(ctx(1, Direction.CLIENT_TO_SERVER, ListenerName.WEB), b("x"));
        queue.setEnabled(false);
        assertEquals(1, queue.size());
        assertTrue(engine.calls.isEmpty());
    }

    @Test
    void filterByDirectionListenerAndPattern() {
        queue.setEnabled(true);
        queue.setFilter(new InterceptFilter(DirectionFilter.C2S, "smtp", Rule.Kind.REGEX, "^MAIL FROM:"));
        assertInstanceOf(Verdict.Forward.class, hook.onChunk(ctx(1, Direction.CLIENT_TO_SERVER, ListenerName.SMTP), b("EHLO x\r\n")));
        assertInstanceOf(Verdict.Forward.class, hook.onChunk(ctx(1, Direction.SERVER_TO_CLIENT, ListenerName.SMTP), b("MAIL FROM:<a>\r\n")));
        assertInstanceOf(Verdict.Forward.class, hook.onChunk(ctx(1, Direction.CLIENT_TO_SERVER, ListenerName.WEB), b("MAIL FROM:<a>\r\n")));
        assertSame(Verdict.HOLD, hook.onChunk(ctx(1, Direction.CLIENT_TO_SERVER, ListenerName.SMTP), b("MAIL FROM:<a>\r\n")));

        queue.setFilter(new InterceptFilter(DirectionFilter.BOTH, null, Rule.Kind.HEX, "00 ff"));
        assertInstanceOf(Verdict.Forward.class, hook.onChunk(ctx(2, Direction.SERVER_TO_CLIENT, ListenerName.WEB), new byte[] {0, 1}));
        assertSame(Verdict.HOLD, hook.onChunk(ctx(2, Direction.SERVER_TO_CLIENT, ListenerName.WEB), new byte[] {9, 0, (byte) 0xff}));

        assertThrows(RuleSyntaxException.class, () -> new InterceptFilter(DirectionFilter.BOTH, null, Rule.Kind.REGEX, "("));
    }

    @Test
    void aFailingListenerDoesNotStopTheQueue() {
        queue.addListener(() -> {
            throw new IllegalStateException("boom");
        });
        queue.setEnabled(true);
        assertSame(Verdict.HOLD, hook.onChunk(ctx(1, Direction.CLIENT_TO_SERVER, ListenerName.WEB), b("x")));
        assertEquals(1, queue.size());
    }

    @Test
    void forwardAllAndDisableRacingNewHoldsLeavesNothingHeldAndReleasesEachOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            FakeEngine fake = new FakeEngine();
            HoldQueue q = new HoldQueue(fake);
            InterceptHook h = new InterceptHook(q);
            q.setEnabled(true);
            int threads = 4;
            int perThread = 200;
            java.util.concurrent.atomic.AtomicInteger holds = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long conn = t + 1;
                Thread w = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        if (h.onChunk(ctx(conn * 1000 + i, Direction.CLIENT_TO_SERVER, ListenerName.WEB), b("c")) == Verdict.HOLD) {
                            holds.incrementAndGet();
                        }
                    }
                });
                w.start();
                workers.add(w);
            }
            start.countDown();
            q.forwardAllAndDisable();
            for (Thread w : workers) {
                w.join(10_000);
            }
            assertEquals(0, q.size(), "nothing may stay held once intercept is off");
            assertEquals(holds.get(), fake.calls.size(), "every hold released exactly once");
        }
    }
}
