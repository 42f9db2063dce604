package wirelens.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import wirelens.engine.EngineEvent;
import wirelens.engine.Hosts;

/** The headless log: one line per connection opened and per connection ended, with its byte counts. */
final class HeadlessPrinter {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean quiet;
    private final Map<Long, Long> openedAt = new HashMap<>();

    HeadlessPrinter(PrintWriter out, PrintWriter err, boolean quiet) {
        this.out = out;
        this.err = err;
        this.quiet = quiet;
    }

    void print(EngineEvent event) {
        if (event instanceof EngineEvent.Opened o) {
            openedAt.put(o.connectionId(), o.timeNanos());
            if (!quiet) {
                out.println("#" + o.connectionId() + " open " + Hosts.format(o.client()) + " -> "
                        + Hosts.format(o.target()) + " (" + o.listener().name() + ")");
            }
        } else if (event instanceof EngineEvent.Closed c) {
            long duration = c.timeNanos() - openedAt.getOrDefault(c.connectionId(), c.timeNanos());
            openedAt.remove(c.connectionId());
            if (!quiet) {
                out.println("#" + c.connectionId() + (c.reset() ? " reset" : " closed") + " c2s=" + c.bytesClientToServer()
                        + " s2c=" + c.bytesServerToClient() + " bytes in " + seconds(duration));
            }
        } else if (event instanceof EngineEvent.Failed f) {
            long duration = f.timeNanos() - openedAt.getOrDefault(f.connectionId(), f.timeNanos());
            openedAt.remove(f.connectionId());
            if (!quiet) {
                out.println("#" + f.connectionId() + " error " + f.message() + " c2s=" + f.bytesClientToServer()
                        + " s2c=" + f.bytesServerToClient() + " bytes in " + seconds(duration));
            }
        } else if (event instanceof EngineEvent.Notice n) {
            err.println("wirelens: " + (n.connectionId() > 0 ? "#" + n.connectionId() + " " : "") + n.message());
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3fs", nanos / 1e9);
    }
}
