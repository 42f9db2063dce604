package wirelens.testkit;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Bounded waits for something another thread (an engine, a server, a child process) makes true. */
public final class Wait {
    /** How long a test waits for anything before it gives up. */
    public static final long SECONDS = 10;

    private Wait() {}

    /** Waits until the condition holds, checking it every few milliseconds; fails the test after 10 s. */
    public static void until(String what, Callable<Boolean> condition) throws Exception {
        until(what, SECONDS, condition);
    }

    /** As {@link #until(String, Callable)}, with a bound of its own (a window test on a busy machine). */
    public static void until(String what, long seconds, Callable<Boolean> condition) throws Exception {
        if (!eventually(seconds, condition)) {
            throw new AssertionError("timed out after " + seconds + " s waiting for: " + what);
        }
    }

    /** True as soon as the condition holds, false if it still does not after 10 s (the caller asserts). */
    public static boolean eventually(Callable<Boolean> condition) throws Exception {
        return eventually(SECONDS, condition);
    }

    /** As {@link #eventually(Callable)}, for things that take longer (a child JVM starting on a busy machine). */
    public static boolean eventually(long seconds, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Boolean.TRUE.equals(condition.call())) {
            if (System.nanoTime() > deadline) {
                return Boolean.TRUE.equals(condition.call());
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** The first value {@code source} gives that is not null, waiting at most {@code seconds} for it. */
    public static <T> T value(long seconds, Callable<T> source) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            T t = source.call();
            if (t != null) {
                return t;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("timed out after " + seconds + " s");
    }
}
