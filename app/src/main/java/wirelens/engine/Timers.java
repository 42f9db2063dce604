package wirelens.engine;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * The timers of one selector loop: the connect and response deadlines of its connections' targets,
 * the request head and idle deadlines of its connections (one timeout for each kind, see
 * {@link Deadlines}) and one-off actions. Used on the loop's thread only.
 *
 * <p>Idle deadlines are not moved on every byte: a connection notes when it was last active (a field
 * write), and when its deadline passes it is closed only if it has been quiet for the whole timeout;
 * otherwise it is looked at again when it will have been (see {@link Connection#idleDeadlinePassed}).
 */
final class Timers {
    private final Deadlines<Endpoint> connects;
    private final Deadlines<Endpoint> responses;
    /** Null where that timeout is off. */
    private final Deadlines<Connection> requestHeads;
    private final Deadlines<Connection> httpIdle;
    private final Deadlines<Connection> forwardIdle;
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
        connects = new Deadlines<>(TimeUnit.MILLISECONDS.toNanos(options.connectTimeoutMillis()));
        responses = new Deadlines<>(TimeUnit.MILLISECONDS.toNanos(options.responseTimeoutMillis()));
        requestHeads = deadlinesOrNull(options.requestHeadTimeoutMillis());
        httpIdle = deadlinesOrNull(options.httpIdleTimeoutMillis());
        forwardIdle = deadlinesOrNull(options.forwardIdleTimeoutMillis());
    }

    private static Deadlines<Connection> deadlinesOrNull(long timeoutMillis) {
        return timeoutMillis == 0 ? null : new Deadlines<>(TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
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

    /** True while the response timeout of that target runs. */
    boolean awaitsResponse(Endpoint target) {
        return responses.watches(target);
    }

    /** Starts (or restarts) the request head timeout of a connection, if there is one. */
    void watchRequestHead(Connection c) {
        if (requestHeads != null) {
            requestHeads.watch(c);
        }
    }

    void forgetRequestHead(Connection c) {
        if (requestHeads != null) {
            requestHeads.forget(c);
        }
    }

    /** True while the request head timeout of that connection runs. */
    boolean awaitsRequestHead(Connection c) {
        return requestHeads != null && requestHeads.watches(c);
    }

    /** The idle timeout of a connection of that listener kind in nanoseconds, 0 for none. */
    long idleTimeoutNanos(ListenerKind kind) {
        Deadlines<Connection> idle = idle(kind);
        return idle == null ? 0 : idle.timeoutNanos();
    }

    /** Starts the idle timeout of a new connection, if its listener kind has one. */
    void watchIdle(Connection c) {
        Deadlines<Connection> idle = idle(c.listener.kind());
        if (idle != null) {
            idle.watch(c);
        }
    }

    void forgetIdle(Connection c) {
        Deadlines<Connection> idle = idle(c.listener.kind());
        if (idle != null) {
            idle.forget(c);
        }
    }

    /**
     * Looks at a connection's idleness again in {@code delayNanos}. Only a connection that outlived its
     * first idle deadline gets here, so the few that end before their look leave the action behind
     * for at most one timeout.
     */
    void recheckIdle(Connection c, long delayNanos) {
        actions.add(new Timer(System.nanoTime() + delayNanos, sequence++, () -> c.idleDeadlinePassed(System.nanoTime())));
    }

    private Deadlines<Connection> idle(ListenerKind kind) {
        return kind == ListenerKind.HTTP ? httpIdle : forwardIdle;
    }

    void schedule(long delayMillis, Runnable action) {
        actions.add(new Timer(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis), sequence++, action));
    }

    /** Runs timers that are due at {@code now} and returns how long select may wait (0 = no limit). */
    long runDue(long now) {
        Endpoint late;
        while ((late = connects.expired(now)) != null) {
            late.connection.connectTimedOut(late);
        }
        while ((late = responses.expired(now)) != null) {
            late.connection.targetSilent(late);
        }
        long next = Math.min(connects.nanosUntilNext(now), responses.nanosUntilNext(now));
        next = Math.min(next, requestHeadsDue(now));
        next = Math.min(next, idleDue(httpIdle, now));
        next = Math.min(next, idleDue(forwardIdle, now));
        Timer t;
        while ((t = actions.peek()) != null && t.deadlineNanos <= now) {
            actions.poll();
            t.action.run();
        }
        long wait = Math.min(t == null ? Long.MAX_VALUE : t.deadlineNanos - now, next);
        return wait == Long.MAX_VALUE ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1);
    }

    /** Tells the connections whose request head is late; returns nanoseconds until the next deadline. */
    private long requestHeadsDue(long now) {
        if (requestHeads == null) {
            return Long.MAX_VALUE;
        }
        Connection late;
        while ((late = requestHeads.expired(now)) != null) {
            late.requestHeadLate();
        }
        return requestHeads.nanosUntilNext(now);
    }

    /** Tells the connections whose idle deadline has passed; returns nanoseconds until the next. */
    private static long idleDue(Deadlines<Connection> idle, long now) {
        if (idle == null) {
            return Long.MAX_VALUE;
        }
        Connection quiet;
        while ((quiet = idle.expired(now)) != null) {
            quiet.idleDeadlinePassed(now);
        }
        return idle.nanosUntilNext(now);
    }
}
