package wirelens.engine;

import java.util.Collection;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one-way channel from the engine to whoever records its events. Publishing never blocks and
 * never drops: instead the queue keeps a byte budget, and while it is over budget the engine stops
 * reading from its sockets (so TCP pushes back on the peers) until the consumer has caught up.
 */
public final class EventQueue {
    private final LinkedBlockingQueue<EngineEvent> queue = new LinkedBlockingQueue<>();
    private final AtomicLong weight = new AtomicLong();
    private final long budgetBytes;
    private volatile Runnable onRelieved = () -> {};
    private volatile boolean pausedProducer;

    public EventQueue(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** Called by the engine; never blocks. */
    public void publish(EngineEvent event) {
        weight.addAndGet(event.weight());
        queue.add(event);
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
        EngineEvent first = queue.poll(timeout, unit);
        if (first == null) {
            return 0;
        }
        out.add(first);
        int n = 1 + queue.drainTo(out, max - 1);
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

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    public long pendingBytes() {
        return weight.get();
    }
}
