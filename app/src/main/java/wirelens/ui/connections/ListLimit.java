package wirelens.ui.connections;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.IntConsumer;
import javafx.scene.control.Menu;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ToggleGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import wirelens.ui.base.WindowProperties;

/**
 * How many connections a live window's list keeps (as Fiddler's "keep N sessions"): the oldest finished
 * ones leave the list and the memory, the capture file keeps them. The choice is a menu and is saved in
 * a small properties file of the config folder.
 */
public final class ListLimit {
    private static final Logger log = LoggerFactory.getLogger(ListLimit.class);

    /** No limit. */
    public static final int ALL = Integer.MAX_VALUE;
    public static final int DEFAULT = 100_000;
    static final List<Integer> CHOICES = List.of(1_000, 10_000, DEFAULT, 1_000_000, ALL);
    private static final String KEY = "keepConnections";
    /**
     * The window's heap without kept connections: with 100,000 kept under the soak's load at most 172 MiB
     * was live in all, so the default list's heap (287 MiB) leaves ~115 MiB of room.
     */
    public static final long BASE_HEAP_BYTES = 160L << 20;
    /** Heap per kept connection: its row, its index entry and its share of the list (measured ~1.2 KiB). */
    public static final long HEAP_BYTES_PER_CONNECTION = 1_330;

    private ListLimit() {}

    /** The saved limit, or {@link #DEFAULT} when none is saved or the file cannot be read (said in the log). */
    public static int load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return DEFAULT;
        } catch (IOException | IllegalArgumentException e) {
            log.warn("{}: cannot read it ({}); the list keeps {} connections", file, e.getMessage(), DEFAULT);
            return DEFAULT;
        }
        String value = p.getProperty(KEY, "").trim();
        if (value.equalsIgnoreCase("all")) {
            return ALL;
        }
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        if (!value.isEmpty()) {
            log.warn("{}: {}={} is not a positive number or 'all'; the list keeps {} connections", file, KEY, value,
                    DEFAULT);
        }
        return DEFAULT;
    }

    /** Saves {@code limit} (whole or not at all), keeping the file's other choices. */
    public static void save(Path file, int limit) throws IOException {
        WindowProperties.set(file, KEY, limit == ALL ? "all" : Integer.toString(limit));
    }

    /** The heap a window keeping {@code limit} connections needs (not for {@link #ALL}). */
    public static long heapFor(int limit) {
        return BASE_HEAP_BYTES + limit * HEAP_BYTES_PER_CONNECTION;
    }

    /** {@code limit}, or fewer when a heap of {@code maxHeapBytes} cannot hold that many. */
    public static int fitting(int limit, long maxHeapBytes) {
        long fits = Math.max(1_000, (maxHeapBytes - BASE_HEAP_BYTES) / HEAP_BYTES_PER_CONNECTION);
        return (int) Math.min(limit, fits);
    }

    /** "100,000" or "all". */
    public static String label(int limit) {
        return limit == ALL ? "all" : String.format(Locale.ROOT, "%,d", limit);
    }

    /** View → Keep connections: one radio item per choice (and the current one, if it is not a choice). */
    public static Menu menu(int current, IntConsumer chosen) {
        Menu menu = new Menu("Keep connections");
        menu.setId("menu-keep-connections");
        ToggleGroup group = new ToggleGroup();
        List<Integer> choices = CHOICES.contains(current) ? CHOICES
                : java.util.stream.Stream.concat(CHOICES.stream(), java.util.stream.Stream.of(current)).sorted().toList();
        for (int n : choices) {
            RadioMenuItem item = new RadioMenuItem(n == ALL ? "All" : "Latest " + label(n));
            item.setToggleGroup(group);
            item.setSelected(n == current);
            item.setOnAction(e -> chosen.accept(n));
            menu.getItems().add(item);
        }
        return menu;
    }
}
