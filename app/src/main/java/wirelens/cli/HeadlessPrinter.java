package wirelens.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.slf4j.Logger;
import wirelens.capture.CaptureUpdate;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.EngineEvent;
import wirelens.engine.Hosts;

/**
 * The headless output: one line on stdout per connection opened and per connection ended, with its byte
 * counts (unless quiet). Engine notices and capture write failures are diagnostics, not output: they go
 * to {@code log}.
 */
final class HeadlessPrinter {
    private final PrintWriter out;
    private final Logger log;
    private final boolean quiet;
    private final Map<Long, Long> openedAt = new HashMap<>();

    HeadlessPrinter(PrintWriter out, Logger log, boolean quiet) {
        this.out = out;
        this.log = log;
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
            if (n.connectionId() > 0) {
                log.warn("#{} {}", n.connectionId(), n.message());
            } else {
                log.warn(n.message());
            }
        }
    }

    /** The same lines from the recorder's updates (a {@link wirelens.capture.Recorder} subscriber). */
    void print(List<CaptureUpdate> batch) {
        for (CaptureUpdate u : batch) {
            if (u instanceof CaptureUpdate.ConnectionOpened o) {
                ConnectionInfo c = o.connection();
                if (!quiet) {
                    out.println("#" + c.id() + " open " + Hosts.format(c.client()) + " -> " + Hosts.format(c.target())
                            + " (" + c.listenerName() + ")");
                }
            } else if (u instanceof CaptureUpdate.ConnectionEnded e) {
                ConnectionInfo c = e.connection();
                if (!quiet) {
                    String how = switch (c.end()) {
                        case RESET -> " reset";
                        case FAILED -> " error " + c.failure();
                        default -> " closed";
                    };
                    out.println("#" + c.id() + how + " c2s=" + c.bytesClientToServer() + " s2c="
                            + c.bytesServerToClient() + " bytes in " + seconds(c.durationNanos()));
                }
            } else if (u instanceof CaptureUpdate.Notice n) {
                print(n.notice());
            } else if (u instanceof CaptureUpdate.WriteFailed f) {
                log.error(f.message());
            }
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3fs", nanos / 1e9);
    }
}
