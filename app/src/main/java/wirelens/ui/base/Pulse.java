package wirelens.ui.base;

import java.util.ArrayList;
import java.util.List;
import javafx.animation.AnimationTimer;
import javafx.scene.Node;
import javafx.util.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A window's one clock: a single {@link AnimationTimer} that runs every registered follower once per
 * FX pulse, on the FX thread, in the order they registered. Followers catch up with what background
 * threads did since the last pulse (the capture feed, layout and decoding results), so the window
 * redraws at most once per pulse however fast the traffic comes.
 *
 * <p>It also tells followers whether the window is behind: a pulse that comes {@link #LATE_NANOS}
 * after the one before means the FX and render threads are short of a core. The window is then behind
 * for {@link #BEHIND_FOR_NANOS}, and the owner's late-pulse action runs (a live window asks the engine
 * to give way).
 */
public final class Pulse {
    private static final Logger log = LoggerFactory.getLogger(Pulse.class);

    /** A pulse this much later than the one before is late. */
    public static final long LATE_NANOS = 70_000_000L;
    /** After a late pulse the window counts as behind for this long. */
    public static final long BEHIND_FOR_NANOS = 1_000_000_000L;

    /** Something that catches up once per pulse, on the FX thread. */
    @FunctionalInterface
    public interface Follower {
        /**
         * {@code now}: the pulse's time ({@link System#nanoTime()} base); {@code behind}: the window's
         * pulses came late lately, so growing views should show new lines less often.
         */
        void pulse(long now, boolean behind);
    }

    private final Runnable onLate;
    private final List<Follower> followers = new ArrayList<>();
    /** The followers as of the last change: a follower may leave (or add one) while the pulse runs. */
    private Follower[] current = new Follower[0];
    private final AnimationTimer timer = new AnimationTimer() {
        @Override
        public void handle(long now) {
            tick(now);
        }
    };
    private long lastNanos;
    private long behindUntilNanos;

    /** A pulse that only runs its followers (views and panes shown on their own, in tests). */
    public Pulse() {
        this(() -> {});
    }

    /** {@code onLate} runs on the FX thread at each late pulse. */
    public Pulse(Runnable onLate) {
        this.onLate = onLate;
    }

    public void start() {
        timer.start();
    }

    public void stop() {
        timer.stop();
    }

    /** Runs {@code follower} at every pulse from the next one on, until the subscription is ended. */
    public Subscription add(Follower follower) {
        followers.add(follower);
        current = followers.toArray(new Follower[0]);
        return () -> remove(follower);
    }

    /**
     * Runs {@code follower} at every pulse while {@code node} is in a scene, so a pane or view that is
     * not shown costs nothing; ending the subscription stops it for good.
     */
    public Subscription addWhileShown(Node node, Follower follower) {
        Subscription[] running = {null};
        // called at once with the node's scene now, then on every change
        Subscription watching = node.sceneProperty().subscribe(scene -> {
            if (scene != null && running[0] == null) {
                running[0] = add(follower);
            } else if (scene == null && running[0] != null) {
                running[0].unsubscribe();
                running[0] = null;
            }
        });
        return () -> {
            watching.unsubscribe();
            if (running[0] != null) {
                running[0].unsubscribe();
                running[0] = null;
            }
        };
    }

    private void remove(Follower follower) {
        if (followers.remove(follower)) {
            current = followers.toArray(new Follower[0]);
        }
    }

    private void tick(long now) {
        if (lastNanos != 0 && now - lastNanos > LATE_NANOS) {
            behindUntilNanos = now + BEHIND_FOR_NANOS;
            onLate.run();
        }
        lastNanos = now;
        boolean behind = now - behindUntilNanos < 0;
        for (Follower f : current) {
            try {
                f.pulse(now, behind);
            } catch (RuntimeException e) {
                // one broken view must not stop the others
                log.error("a view failed at the pulse", e);
            }
        }
    }
}
