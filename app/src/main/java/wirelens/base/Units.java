package wirelens.base;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How sizes, durations and times read for people, in the window and on the command line alike. */
public final class Units {
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|)");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)");

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

    /**
     * A duration as an option gives it: a number with {@code ms}, {@code s}, {@code m} or {@code h} after it
     * ({@code 300ms}, {@code 1.5s}, {@code 5m}, {@code 2h}), or a bare number of seconds as the other
     * timeout options take. Returns milliseconds.
     *
     * @throws IllegalArgumentException when the text is not such a duration (the message says what is)
     */
    public static long parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || m.group(1).length() > 12) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: give a number with ms, s, m or h"
                    + " after it (300ms, 60s, 5m, 2h), or seconds");
        }
        long unitMillis = switch (m.group(2)) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 1_000;
        };
        return Math.round(Double.parseDouble(m.group(1)) * unitMillis);
    }

    /**
     * A duration of whole milliseconds in few characters, as options are written: {@code 300ms}, {@code 1s},
     * {@code 60s}, {@code 90s}, {@code 5m}, {@code 60m}, {@code 2h}. A larger unit only from two of it on,
     * so that one minute reads {@code 60s} as people say it.
     */
    public static String shortDuration(long millis) {
        if (millis > 3_600_000 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis > 60_000 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }

    /** The local wall-clock time of an instant given as nanoseconds since the epoch: {@code 14:03:07.412}. */
    public static String clock(long epochNanos) {
        return CLOCK.format(Instant.ofEpochSecond(0, epochNanos));
    }

    /**
     * A size as an option gives it: a number of bytes, or a number with {@code K}, {@code M}, {@code G} or
     * {@code T} after it (also written {@code KB}/{@code KiB}, any case), each 1024 times the one before:
     * {@code 64K}, {@code 256MiB}, {@code 1.5G}.
     *
     * @throws IllegalArgumentException when the text is not such a size (the message says what is)
     */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || m.group(1).length() > 15) {
            throw new IllegalArgumentException("'" + text + "' is not a size: give bytes, or a number with K, M, G or T"
                    + " after it (64K, 256M, 4G; each 1024 times the one before)");
        }
        int shift = switch (m.group(2).isEmpty() ? 'b' : m.group(2).charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
        if (bytes >= Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
        return Math.round(bytes);
    }
}
