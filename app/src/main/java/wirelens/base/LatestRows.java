package wirelens.base;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Rows that changed and wait to be shown: the latest state of each (by key), in the order they first
 * changed, at most {@link #setMax a bound} of them, the oldest let go first. A list that keeps N rows would
 * let older ones go anyway, so a reader that falls behind a flood never makes the waiting grow past N.
 * Thread-safe: one thread offers, another drains.
 */
public final class LatestRows<K, V> {
    private final Function<V, K> key;
    private final Map<K, V> waiting = new LinkedHashMap<>();
    private int max;

    public LatestRows(Function<V, K> key, int max) {
        this.key = key;
        setMax(max);
    }

    public synchronized void setMax(int max) {
        this.max = Math.max(1, max);
        trim();
    }

    /** Adds or replaces each row's waiting state. */
    public synchronized void offer(Collection<V> rows) {
        for (V row : rows) {
            waiting.put(key.apply(row), row);
        }
        trim();
    }

    /** Drops the waiting rows whose key {@code gone} says. */
    public synchronized void removeIf(java.util.function.Predicate<K> gone) {
        waiting.keySet().removeIf(gone);
    }

    public synchronized int size() {
        return waiting.size();
    }

    /** Everything waiting, taken. */
    public synchronized List<V> drain() {
        List<V> rows = new ArrayList<>(waiting.values());
        waiting.clear();
        return rows;
    }

    private void trim() {
        Iterator<K> oldest = waiting.keySet().iterator();
        for (int excess = waiting.size() - max; excess > 0 && oldest.hasNext(); excess--) {
            oldest.next();
            oldest.remove();
        }
    }
}
