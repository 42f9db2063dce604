package wirelens.engine;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * The timers of one selector loop: the connect and response deadlines of its connections' targets
 * (one timeout for each kind, see {@link Deadlines}) and one-off actions. Used on the loop's thread only.
 */
final class Timers {
    private final Deadlines connects;
    private final Deadlines responses;
    private final PriorityQueue<Timer> actions = new PriorityQueue<>();
    private long sequence;

    private record Timer(long deadlineNanos, long sequence, Runnable action) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadlineNanos, o.deadlineNanos);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    Timers(EngineOptions options) {
        connects = new Deadlines(TimeUnit.MILLISECONDS.toNanos(options.connectTimeoutMillis()));
        responses = new Deadlines(TimeUnit.MILLISECONDS.toNanos(options.responseTimeoutMillis()));
    }

    /** Starts the connect timeout of a target that is connecting. */
    void watchConnect(Endpoint target) {
        connects.watch(target);
    }

    void forgetConnect(Endpoint target) {
        connects.forget(target);
    }

    /** Starts (or restarts) the response timeout of a target the session awaits. */
    void watchResponse(Endpoint target) {
        responses.watch(target);
    }

    void forgetResponse(Endpoint target) {
        responses.forget(target);
    }

    void schedule(long delayMillis, Runnable action) {
        actions.add(new Timer(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis), sequence++, action));
    }

    /** Runs timers that are due and returns how long select may wait (0 = no limit). */
    long runDue() {
        long now = System.nanoTime();
        Endpoint late;
        while ((late = connects.expired(now)) != null) {
            late.connection.connectTimedOut(late);
        }
        while ((late = responses.expired(now)) != null) {
            late.connection.targetSilent(late);
        }
        long connectWait = Math.min(connects.nanosUntilNext(now), responses.nanosUntilNext(now));
        Timer t;
        while ((t = actions.peek()) != null && t.deadlineNanos <= now) {
            actions.poll();
            t.action.run();
        }
        long wait = Math.min(t == null ? Long.MAX_VALUE : t.deadlineNanos - now, connectWait);
        return wait == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1);
    }
}
