package wirelens.ui.base;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the window's off-FX work runs: laying out streams, decoding HTTP and SMTP, reading
 * bodies, sniffing protocols, searching, saving and exporting. A few named daemon threads shared by
 * every window and view (never one per connection), idle ones let go after a while. Work that must
 * stay in order for one owner takes a {@link #serial()} queue; views that keep one step in flight
 * (layout, decoding) need none.
 */
public final class Background {
    private static final Logger log = LoggerFactory.getLogger(Background.class);

    /** Enough for a long save or export not to hold up the views' short steps; bounded on any machine. */
    private static final int THREADS = 4;
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();
    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "wirelens-background-" + THREAD_NUMBER.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    static {
        POOL.allowCoreThreadTimeOut(true);
    }

    private Background() {}

    /** Runs {@code task} on a background thread; a task that throws is logged. */
    public static void execute(Runnable task) {
        POOL.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("background task failed", e);
            }
        });
    }

    /** A queue whose tasks run one after another, in order, on the shared threads. */
    public static Executor serial() {
        return new Serial();
    }

    private static final class Serial implements Executor {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        private boolean running;

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
            if (!running) {
                running = true;
                Background.execute(this::runNext);
            }
        }

        private void runNext() {
            Runnable task;
            synchronized (this) {
                task = tasks.poll();
                if (task == null) {
                    running = false;
                    return;
                }
            }
            try {
                task.run();
            } finally {
                Background.execute(this::runNext);
            }
        }
    }
}
