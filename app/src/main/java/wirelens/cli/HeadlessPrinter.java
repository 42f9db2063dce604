package wirelens.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import wirelens.capture.CaptureUpdate;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.EngineEvent;
import wirelens.engine.Hosts;

/**
 * The headless output: one line on stdout per connection opened, per origin an HTTP proxy connection goes
 * to, per SOCKS5 handshake, and per connection ended, with its byte counts (unless quiet). Engine notices
 * and capture write failures are diagnostics, not output: they go to {@code log}.
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
        } else if (event instanceof EngineEvent.Origin o) {
            if (!quiet) {
                out.println(originLine(o.connectionId(), o.origin()));
            }
        } else if (event instanceof EngineEvent.Closed c) {
            long duration = c.timeNanos() - openedAt.getOrDefault(c.connectionId(), c.timeNanos());
            openedAt.remove(c.connectionId());
            if (!quiet) {
                out.println("#" + c.connectionId() + (c.reset() ? " reset" : " closed") + because(c.reason())
                        + " c2s=" + c.bytesClientToServer()
                        + " s2c=" + c.bytesServerToClient() + " bytes in " + seconds(duration));
            }
        } else if (event instanceof EngineEvent.Failed f) {
            long duration = f.timeNanos() - openedAt.getOrDefault(f.connectionId(), f.timeNanos());
            openedAt.remove(f.connectionId());
            if (!quiet) {
                out.println("#" + f.connectionId() + " error " + f.message() + " c2s=" + f.bytesClientToServer()
                        + " s2c=" + f.bytesServerToClient() + " bytes in " + seconds(duration));
            }
        } else if (event instanceof EngineEvent.Tls t) {
            if (!quiet) {
                out.println("#" + t.connectionId() + " tls " + tlsLine(t));
            }
        } else if (event instanceof EngineEvent.ProxyHandshake h) {
            if (!quiet) {
                out.println("#" + h.connectionId() + " " + h.summary());
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
            } else if (u instanceof CaptureUpdate.OriginChosen o) {
                if (!quiet) {
                    out.println(originLine(o.connection().id(), o.connection().origin()));
                }
            } else if (u instanceof CaptureUpdate.ConnectionEnded e) {
                ConnectionInfo c = e.connection();
                if (!quiet) {
                    String how = switch (c.end()) {
                        case RESET -> " reset" + because(c.endReason());
                        case FAILED -> " error " + c.endReason();
                        default -> " closed" + because(c.endReason());
                    };
                    out.println("#" + c.id() + how + " c2s=" + c.bytesClientToServer() + " s2c="
                            + c.bytesServerToClient() + " bytes in " + seconds(c.durationNanos()));
                }
            } else if (u instanceof CaptureUpdate.Notice n) {
                print(n.notice());
            } else if (u instanceof CaptureUpdate.Tls t) {
                print(t.event());
            } else if (u instanceof CaptureUpdate.ProxyHandshake h) {
                print(h.event());
            } else if (u instanceof CaptureUpdate.WriteFailed f) {
                log.error(f.message());
            } else if (u instanceof CaptureUpdate.DiskSpace d) {
                if (d.state() == CaptureUpdate.DiskSpaceState.RESUMED) {
                    log.info(d.message());
                } else {
                    log.warn(d.message());
                }
            }
        }
    }

    /**
     * {@code client TLSv1.3 TLS_AES_128_GCM_SHA256 sni=example.com alpn=http/1.1}, {@code server ... verified},
     * {@code passthrough example.com:443}, {@code server failed: why}.
     */
    static String tlsLine(EngineEvent.Tls t) {
        String leg = t.side() == wirelens.engine.Side.CLIENT ? "client" : "server";
        switch (t.kind()) {
            case PASSTHROUGH -> {
                return "passthrough" + (t.detail() == null ? "" : " " + t.detail());
            }
            case FAILED -> {
                return leg + (t.startTls() ? " STARTTLS" : "") + " failed" + (t.detail() == null ? "" : ": " + t.detail());
            }
            case HANDSHAKE_DONE -> { }
        }
        StringBuilder sb = new StringBuilder(leg).append(' ').append(t.facts().protocol()).append(' ')
                .append(t.facts().cipherSuite());
        if (t.facts().serverName() != null) {
            sb.append(" sni=").append(t.facts().serverName());
        }
        if (!t.facts().alpn().isEmpty()) {
            sb.append(" alpn=").append(t.facts().alpn());
        }
        if (t.side() == wirelens.engine.Side.TARGET) {
            sb.append(t.facts().verified() ? " verified" : " NOT VERIFIED");
        }
        if (t.startTls()) {
            sb.append(" STARTTLS");
        }
        return sb.toString();
    }

    /** {@code #3 origin example.com:80}: where an HTTP proxy connection's requests go from now on. */
    private static String originLine(long id, String origin) {
        return "#" + id + " origin " + origin;
    }

    /** {@code " (idle timeout 5m)"} for an end Wirelens chose, nothing for one the peers brought about. */
    private static String because(String reason) {
        return reason == null ? "" : " (" + reason + ")";
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3fs", nanos / 1e9);
    }
}
