package wirelens.engine;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one-way channel from the engine to whoever records its events. Publishing never blocks and
 * never drops: instead the queue keeps a byte budget, and while it is over budget the engine stops
 * reading from its sockets (so TCP pushes back on the peers) until the consumer has caught up.
 *
 * <p>An engine loop collects the events of a round and publishes them as one batch at its end
 * ({@link #publishAll}), then calls {@link #nudge()}, which wakes the consumer only when a good part of
 * the budget is waiting. Consumers poll with a short timeout (the capture writer every 50 ms, the
 * window once per pulse), so a trickle of small events costs no cross-thread wake-up per connection —
 * on a busy two-core machine such a wake-up costs more than the event itself — and one hand-over
 * between threads per round, not one per event. Any number of engine loops publish at once (each one
 * the events of its own connections, in order); one consumer thread at a time.
 */
public final class EventQueue {
    private final ConcurrentLinkedQueue<List<EngineEvent>> queue = new ConcurrentLinkedQueue<>();
    private volatile Thread waiter;
    private final AtomicLong weight = new AtomicLong();
    private final long budgetBytes;
    private volatile Runnable onRelieved = () -> {};
    private volatile boolean pausedProducer;
    /** What the consumer's last drain had no room for, from {@code restIndex} on; the consumer's own. */
    private List<EngineEvent> rest = List.of();
    private int restIndex;

    public EventQueue(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** Adds an event without waking the consumer; the publisher calls {@link #nudge()} after a batch. */
    public void publish(EngineEvent event) {
        weight.addAndGet(event.weight());
        queue.add(List.of(event));
    }

    /**
     * Adds events in order, {@code batchWeight} being the sum of their weights, without waking the
     * consumer. The list is the queue's from then on: the publisher must not touch it again.
     */
    public void publishAll(List<EngineEvent> batch, long batchWeight) {
        weight.addAndGet(batchWeight);
        queue.add(batch);
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
        return overBudget(0);
    }

    /** As {@link #overBudget()}, counting {@code unpublished} bytes of events the caller has yet to publish. */
    public boolean overBudget(long unpublished) {
        if (weight.get() + unpublished > budgetBytes) {
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
            int n = takeRest(out, max);
            List<EngineEvent> batch;
            while (n < max && (batch = queue.poll()) != null) {
                rest = batch;
                restIndex = 0;
                n += takeRest(out, max - n);
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

    private int takeRest(Collection<? super EngineEvent> out, int max) {
        int n = 0;
        while (n < max && restIndex < rest.size()) {
            out.add(rest.get(restIndex++));
            n++;
        }
        return n;
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

    /** True if nothing waits to be drained (exact on the consumer's thread). */
    public boolean isEmpty() {
        return restIndex >= rest.size() && queue.isEmpty();
    }

    public long pendingBytes() {
        return weight.get();
    }
}
