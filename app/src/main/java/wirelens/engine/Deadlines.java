package wirelens.engine;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Things waiting for something that may not come (an endpoint's connect or response, a connection's
 * request head or its next byte), oldest first. Every entry of one set gets the same timeout, so
 * insertion order is deadline order: the oldest entry is the next to expire, and an entry whose wait
 * ends is removed at once rather than lingering (with its connection) until its deadline passes.
 */
final class Deadlines<T> {
    private final long timeoutNanos;
    private final LinkedHashMap<T, Long> deadlines = new LinkedHashMap<>();

    Deadlines(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
        // create the map's lazy views now: otherwise the first expiry check of every new engine takes
        // a branch the warm-up's engine took only once, and the JIT throws away code compiled without it
        deadlines.entrySet();
        deadlines.values();
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    /** Starts (or restarts) the wait of {@code e}. */
    void watch(T e) {
        deadlines.remove(e);
        deadlines.put(e, System.nanoTime() + timeoutNanos);
    }

    boolean watches(T e) {
        return !deadlines.isEmpty() && deadlines.containsKey(e);
    }

    void forget(T e) {
        if (!deadlines.isEmpty()) {
            deadlines.remove(e);
        }
    }

    /** Removes and returns one entry whose deadline has passed, or null. */
    T expired(long now) {
        if (deadlines.isEmpty()) {
            return null; // asked every loop turn: no iterator then
        }
        Iterator<Map.Entry<T, Long>> it = deadlines.entrySet().iterator();
        if (it.hasNext()) {
            Map.Entry<T, Long> oldest = it.next();
            if (oldest.getValue() - now <= 0) {
                it.remove();
                return oldest.getKey();
            }
        }
        return null;
    }

    /** Nanoseconds until the next deadline, or Long.MAX_VALUE when nothing waits. */
    long nanosUntilNext(long now) {
        if (deadlines.isEmpty()) {
            return Long.MAX_VALUE;
        }
        Iterator<Long> it = deadlines.values().iterator();
        return it.hasNext() ? Math.max(0, it.next() - now) : Long.MAX_VALUE;
    }
}
