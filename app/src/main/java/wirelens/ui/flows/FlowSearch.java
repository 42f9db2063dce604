package wirelens.ui.flows;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javafx.application.Platform;
import wirelens.capture.CaptureFile;
import wirelens.flows.Flow;
import wirelens.flows.FlowFilter;
import wirelens.flows.FlowText;
import wirelens.ui.base.Background;

/**
 * The background half of a filter with text terms: reads each flow's heads and decoded bodies back from
 * the capture and keeps a verdict per flow. A new filter cancels the search under way; flows that arrive
 * while a filter is set are searched after those before them. Progress and the end are told on the FX
 * thread, progress at most four times a second.
 */
final class FlowSearch {
    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;

    /** What the list hears: how many of how many were searched, and whether that was all of them. */
    interface Listener {
        void progress(int searched, int total, boolean done);
    }

    private final CaptureFile file;
    private final Listener listener;
    private final Executor queue = Background.serial();
    private final AtomicLong generation = new AtomicLong();
    /** Verdicts of the current filter; replaced with each filter. */
    private volatile Map<Flow.Key, Boolean> verdicts = new ConcurrentHashMap<>();
    private volatile Predicate<FlowFilter.Searched> test;
    private int searched;
    private int total;

    FlowSearch(CaptureFile file, Listener listener) {
        this.file = file;
        this.listener = listener;
    }

    /** Starts over with {@code content} (null: no search) over {@code flows}. FX thread. */
    void start(Predicate<FlowFilter.Searched> content, List<Flow> flows) {
        long gen = generation.incrementAndGet();
        verdicts = new ConcurrentHashMap<>();
        test = content;
        searched = 0;
        total = 0;
        if (content != null) {
            more(flows, gen);
        }
    }

    /** Searches flows that arrived after the search began. FX thread. */
    void add(List<Flow> flows) {
        if (test != null && !flows.isEmpty()) {
            more(flows, generation.get());
        }
    }

    boolean active() {
        return test != null;
    }

    /** The verdict for {@code f}, or null while it has not been searched. */
    Boolean verdict(Flow f) {
        return verdicts.get(f.key());
    }

    private void more(List<Flow> flows, long gen) {
        total += flows.size();
        Map<Flow.Key, Boolean> into = verdicts;
        Predicate<FlowFilter.Searched> with = test;
        List<Flow> copy = List.copyOf(flows);
        // queued once the FX thread has applied the row filter: started at once it took a core from it
        Platform.runLater(() -> queue.execute(() -> {
            long[] lastTold = {System.nanoTime()};
            int[] count = {0};
            try {
                FlowText.search(file, copy, with, () -> generation.get() != gen, (f, yes) -> into.put(f.key(), yes), n -> {
                    count[0] = n;
                    long now = System.nanoTime();
                    if (now - lastTold[0] >= PROGRESS_EVERY_NANOS) {
                        lastTold[0] = now;
                        tell(gen, n, false);
                    }
                });
            } catch (IOException e) {
                // a flow the file cannot give back counts as not matching; the rest is searched
            }
            tell(gen, count[0], true);
        }));
    }

    private void tell(long gen, int n, boolean batchDone) {
        Platform.runLater(() -> {
            if (gen != generation.get()) {
                return;
            }
            if (batchDone) {
                searched += n;
            }
            int shown = batchDone ? searched : searched + n;
            listener.progress(shown, total, batchDone && searched >= total);
        });
    }
}
