package wirelens.ui.base;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The rows of a list whose items change as they go on (an HTTP flow until its response is in, a mail
 * transaction until its final reply): a changed item replaces its row, a new one is added at the end and
 * numbered in arrival order, and the oldest leave past the list's limit. FX thread only.
 *
 * @param <K> what identifies an item across its changes
 * @param <R> the row
 */
public final class KeyedRows<K, R> {
    private final ObservableList<R> rows = FXCollections.observableArrayList();
    /** Each shown row's number, by key: also how an update finds out that its row is shown. */
    private final Map<K, Integer> numbers = new HashMap<>();
    private final Function<R, K> key;
    private int nextNumber = 1;

    public KeyedRows(Function<R, K> key) {
        this.key = key;
    }

    /** The rows, for a table (through a filtered and a sorted list). */
    public ObservableList<R> rows() {
        return rows;
    }

    /** Replaces the rows of items already shown and adds the others at the end; returns those added. */
    public List<R> apply(List<R> changed) {
        List<R> added = new ArrayList<>();
        for (R r : changed) {
            K k = key.apply(r);
            if (numbers.containsKey(k)) {
                int i = indexOf(k);
                if (i >= 0) {
                    rows.set(i, r);
                }
            } else {
                numbers.put(k, nextNumber++);
                added.add(r);
            }
        }
        rows.addAll(added);
        return added;
    }

    /** The row's number in arrival order (from 1), or 0 for a row no longer shown. */
    public int number(R row) {
        return numbers.getOrDefault(key.apply(row), 0);
    }

    /** Keeps the newest {@code limit} rows. */
    public void trim(int limit) {
        int excess = rows.size() - limit;
        if (excess > 0) {
            rows.subList(0, excess).forEach(r -> numbers.remove(key.apply(r)));
            rows.remove(0, excess);
        }
    }

    /** Removes the rows whose key is {@code gone}. */
    public void removeIf(Predicate<K> gone) {
        rows.removeIf(r -> gone.test(key.apply(r)));
        numbers.keySet().removeIf(gone);
    }

    /** Removes every row; numbering starts again from 1. */
    public void clear() {
        rows.clear();
        numbers.clear();
        nextNumber = 1;
    }

    private int indexOf(K k) {
        // updates come to the newest rows: search from the end
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (key.apply(rows.get(i)).equals(k)) {
                return i;
            }
        }
        return -1;
    }
}
