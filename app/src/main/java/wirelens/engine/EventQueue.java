package wirelens.engine;

import java.util.Collection;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one-way channel from the engine to whoever records its events. Publishing never blocks and
 * never drops: instead the queue keeps a byte budget, and while it is over budget the engine stops
 * reading from its sockets (so TCP pushes back on the peers) until the consumer has caught up.
 *
 * <p>The engine publishes without waking the consumer and calls {@link #nudge()} once per loop turn,
 * which wakes it only when a good part of the budget is waiting. Consumers poll with a short
 * timeout (the capture writer every 50 ms, the window once per pulse), so a trickle of small events
 * costs no cross-thread wake-up per connection — on a busy two-core machine such a wake-up costs more
 * than the event itself. Any number of engine loops publish at once (each one the events of its own
 * connections, in order); one consumer thread at a time.
 */
public final class EventQueue {
    private final ConcurrentLinkedQueue<EngineEvent> queue = new ConcurrentLinkedQueue<>();
    private volatile Thread waiter;
    private final AtomicLong weight = new AtomicLong();
    private final long budgetBytes;
    private volatile Runnable onRelieved = () -> {};
    private volatile boolean pausedProducer;

    public EventQueue(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** Adds an event without waking the consumer; the publisher calls {@link #nudge()} after a batch. */
    public void publish(EngineEvent event) {
        weight.addAndGet(event.weight());
        queue.add(event);
    }

    /** Adds an event and wakes the consumer at once. */
    public void publishNow(EngineEvent event) {
        publish(event);
        signal();
    }

    /** Wakes the consumer if enough is waiting that it should not sit out its poll timeout. */
    public void nudge() {
        if (weight.get() > budgetBytes / 8) {
            signal();
        }
    }

    /** Wakes the consumer if it waits. */
    public void signal() {
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** True while the consumer is behind by more than the budget; the engine then pauses reading. */
    public boolean overBudget() {
        if (weight.get() > budgetBytes) {
            pausedProducer = true;
            return true;
        }
        return false;
    }

    /** Run (on the consumer's thread) when the queue has drained below half its budget after a pause. */
    public void onRelieved(Runnable action) {
        this.onRelieved = action;
    }

    /** Waits up to the timeout for at least one event, then moves up to {@code max} events to {@code out}. */
    public int drainTo(Collection<? super EngineEvent> out, int max, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            int n = 0;
            EngineEvent e;
            while (n < max && (e = queue.poll()) != null) {
                out.add(e);
                n++;
            }
            if (n > 0) {
                return n;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            waiter = Thread.currentThread();
            if (queue.isEmpty()) {
                LockSupport.parkNanos(this, left);
            }
            waiter = null;
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** The consumer calls this once it has finished with drained events, releasing their budget. */
    public void consumed(Collection<? extends EngineEvent> events) {
        long total = 0;
        for (EngineEvent e : events) {
            total += e.weight();
        }
        long left = weight.addAndGet(-total);
        if (pausedProducer && left <= budgetBytes / 2) {
            pausedProducer = false;
            onRelieved.run();
        }
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    public long pendingBytes() {
        return weight.get();
    }
}
