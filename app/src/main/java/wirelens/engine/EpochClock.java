package wirelens.engine;

import java.time.Instant;

/** Wall-clock nanoseconds since the epoch, monotonic within one run. */
public final class EpochClock {
    private static final long BASE_EPOCH_NANOS;
    private static final long BASE_NANO_TIME;

    static {
        Instant now = Instant.now();
        BASE_NANO_TIME = System.nanoTime();
        BASE_EPOCH_NANOS = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private EpochClock() {}

    public static long nowNanos() {
        return BASE_EPOCH_NANOS + (System.nanoTime() - BASE_NANO_TIME);
    }
}
