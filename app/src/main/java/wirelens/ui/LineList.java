package wirelens.ui;

import javafx.collections.ObservableListBase;

/**
 * The items of a stream list: just the line numbers 0..size-1, without storing them, so a ListView can
 * virtualise millions of lines. Only grows (a new list replaces it when the layout changes).
 */
final class LineList extends ObservableListBase<Integer> {
    private int size;

    LineList(int size) {
        this.size = size;
    }

    @Override
    public Integer get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return index;
    }

    @Override
    public int size() {
        return size;
    }

    /** Appends lines up to {@code newSize} in one change. */
    void growTo(int newSize) {
        if (newSize <= size) {
            return;
        }
        int old = size;
        size = newSize;
        beginChange();
        nextAdd(old, newSize);
        endChange();
    }
}
