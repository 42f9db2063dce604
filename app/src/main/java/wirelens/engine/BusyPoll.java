package wirelens.engine;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How one selector loop waits for ready keys. After relaying a chunk of a conversation, the loop first
 * polls for the answer for up to a window: a blocking wait costs a thread wake-up on each of the
 * proxy's two hops, which on a virtual machine can take longer than the answer. Only one loop polls at
 * a time, so the clients and servers keep the other cores; and a loop polls only while polling has
 * paid off lately (its credit), so a conversation whose answers come slowly costs no CPU for nothing.
 */
final class BusyPoll {
    /**
     * A poll that runs out costs this many credits and an answer that came fast earns one, up to this
     * many; a loop polls only with credit left, so where answers are slow at most one poll in this
     * many runs out.
     */
    private static final int CREDIT_MAX = 8;
    private final Selector selector;
    private final Consumer<SelectionKey> dispatcher;
    private final Queue<Runnable> tasks;
    private final BooleanSupplier givingWay;
    /** The loop that is busy-polling now, if any: shared by the engine's loops. */
    private final AtomicReference<BusyPoll> spinner;
    /** How long a loop may poll for an expected answer before it blocks; 0 = never poll. */
    private final long windowNanos;
    /** When this round relayed a chunk that a conversation answers (System.nanoTime), 0 if not. */
    private long answerExpectedAt;
    /**
     * Whether polling has paid off lately: up on a poll that found the answer (or a blocking wait
     * that would have), down on one that did not.
     */
    private int credit = 1;
    /** Polls that found something and polls that gave up (for tests). */
    private volatile long answered;
    private volatile long missed;

    /**
     * @param tasks     the loop's tasks from other threads: one arriving ends a poll as a ready key does
     * @param givingWay true while the loop gives way to the window (it does not poll then)
     */
    BusyPoll(Selector selector, Consumer<SelectionKey> dispatcher, Queue<Runnable> tasks, BooleanSupplier givingWay,
            AtomicReference<BusyPoll> spinner, long windowNanos) {
        this.selector = selector;
        this.dispatcher = dispatcher;
        this.tasks = tasks;
        this.givingWay = givingWay;
        this.spinner = spinner;
        this.windowNanos = windowNanos;
    }

    /** Called after a chunk of a conversation (see {@link Connection}) is relayed in full. */
    void expectAnswer() {
        if (windowNanos > 0) {
            answerExpectedAt = System.nanoTime();
        }
    }

    /** Waits for ready keys (at most {@code timeoutMillis}, 0 = no limit) and dispatches them. */
    void await(long timeoutMillis) throws IOException {
        long expected = answerExpectedAt;
        answerExpectedAt = 0;
        if (expected != 0 && credit > 0 && !givingWay.getAsBoolean() && spinner.compareAndSet(null, this)) {
            try {
                do {
                    if (selector.selectNow(dispatcher) > 0 || !tasks.isEmpty()) {
                        credit = Math.min(CREDIT_MAX, credit + 1);
                        answered++;
                        return;
                    }
                    Thread.onSpinWait();
                } while (System.nanoTime() - expected < windowNanos);
            } finally {
                spinner.set(null);
            }
            credit -= CREDIT_MAX;
            missed++;
        }
        selector.select(dispatcher, timeoutMillis);
        // an answer that woke a blocked loop within twice the window would have been found by a
        // poll: the wake-up itself takes part of that time, which is what polling saves
        if (expected != 0 && credit <= 0 && System.nanoTime() - expected < 2 * windowNanos) {
            credit++;
        }
    }

    /** Polls so far: {found what they waited for, gave up} (for tests). */
    long[] counts() {
        return new long[] {answered, missed};
    }
}
