package wirelens.base;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How sizes, durations and times read for people, in the window and on the command line alike. */
public final class Units {
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    private Units() {}

    /** {@code 812 B}, {@code 14.2 KiB}, {@code 3.1 MiB}, {@code 1.25 GiB}: at most four significant digits. */
    public static String bytes(long n) {
        if (n < 10_000) {
            return n + " B";
        }
        if (n < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / 1073741824.0);
    }

    /**
     * {@code 25ms}, {@code 12.5s}, then {@code 1h02m03s} from ten minutes on: no spaces, so a column of
     * them stays one field for {@code awk} and {@code sort}.
     */
    public static String duration(long nanos) {
        if (nanos < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%dms", nanos / 1_000_000);
        }
        if (nanos < 600_000_000_000L) {
            return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
        }
        long s = nanos / 1_000_000_000L;
        return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60);
    }

    /** The local wall-clock time of an instant given as nanoseconds since the epoch: {@code 14:03:07.412}. */
    public static String clock(long epochNanos) {
        return CLOCK.format(Instant.ofEpochSecond(0, epochNanos));
    }
}
