package wirelens.base;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Waiting rows: the latest state of each, in first-changed order, the oldest let go past the bound. */
class LatestRowsTest {
    private record Row(int key, String state) {}

    @Test
    void latestStateInFirstChangedOrderBoundedByTheOldestGoingFirst() {
        LatestRows<Integer, Row> rows = new LatestRows<>(Row::key, 3);
        rows.offer(List.of(new Row(1, "a"), new Row(2, "a")));
        rows.offer(List.of(new Row(1, "b"), new Row(3, "a"), new Row(4, "a")));
        assertEquals(List.of(new Row(2, "a"), new Row(3, "a"), new Row(4, "a")), rows.drain(),
                "row 1 changed first, so it went first once four waited");
        assertEquals(List.of(), rows.drain());
        rows.offer(List.of(new Row(5, "a"), new Row(6, "a")));
        rows.removeIf(k -> k == 5);
        rows.setMax(0);
        assertEquals(List.of(new Row(6, "a")), rows.drain());
    }
}
