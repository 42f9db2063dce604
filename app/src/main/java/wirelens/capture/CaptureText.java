package wirelens.capture;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import wirelens.base.Units;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.Hosts;

/** Plain-text views of a capture for the terminal: a summary table and a socat -x like dump. */
public final class CaptureText {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSSSSS", Locale.ROOT).withZone(ZoneId.systemDefault());
    private static final int DUMP_CHUNKS_PER_READ = 256;

    private CaptureText() {}

    /**
     * One line per connection: id, client, target, bytes each way, duration, how it ended, and for TLS
     * connections what TLS did ({@code tls: TLSv1.3}, {@code tls: STARTTLS TLSv1.3}, {@code tls: passthrough}),
     * for SOCKS5 ones the handshake ({@code SOCKS5 CONNECT example.com:443 → succeeded}).
     */
    public static void summary(CaptureIndex index, Appendable out) throws IOException {
        List<ConnectionInfo> all = index.connections();
        out.append(String.format(Locale.ROOT, "%6s  %-22s %-28s %12s %12s %10s  %s%n", "id", "client", "target",
                "client>", "<server", "duration", "end"));
        for (ConnectionInfo c : all) {
            out.append(String.format(Locale.ROOT, "%6d  %-22s %-28s %12d %12d %10s  %s%n", c.id(),
                    Hosts.format(c.client()), c.destination(), c.bytesClientToServer(),
                    c.bytesServerToClient(), c.isOpen() ? "-" : Units.duration(c.durationNanos()),
                    ending(c) + tls(index.tlsSummary(c.id())) + handshake(index.proxyHandshake(c.id()), c)));
        }
        out.append(all.size() + (all.size() == 1 ? " connection" : " connections") + System.lineSeparator());
    }

    /** A SOCKS5 connection's handshake line, unless it is the reason of the end already. */
    private static String handshake(EngineEvent.ProxyHandshake h, ConnectionInfo c) {
        return h == null || h.summary().equals(c.endReason()) ? "" : "  " + h.summary();
    }

    private static String tls(String summary) {
        return summary.isEmpty() ? "" : "  tls: " + summary;
    }

    private static String ending(ConnectionInfo c) {
        return switch (c.end()) {
            case OPEN -> "open (capture ended first)";
            case FAILED -> "failed: " + c.endReason();
            default -> c.endReason() == null ? c.end().label() : c.end().label() + ": " + c.endReason();
        };
    }

    /**
     * Every chunk of a connection, like {@code socat -x}: a header line per chunk ({@code >} client to
     * server, {@code <} server to client, time, length, byte offsets in that direction), then 16 bytes a
     * line as hex and text, then {@code --}. Edited and dropped chunks say so and show the original too.
     *
     * @throws CaptureFormatException when the connection is unknown or its bytes cannot be read
     */
    public static void dump(CaptureFile file, long connectionId, Appendable out) throws IOException {
        CaptureIndex index = file.index();
        ConnectionInfo c = index.connection(connectionId).orElseThrow(() -> new CaptureFormatException(
                file.path() + ": no connection " + connectionId + " (there are " + index.connectionCount()
                        + "; see --read without --dump)"));
        out.append("connection " + c.id() + "  " + Hosts.format(c.client()) + " > " + c.destination()
                + "  listener " + c.listenerName() + System.lineSeparator());
        long[] sent = new long[2];
        int count = index.chunkCount(connectionId);
        for (int from = 0; from < count; from += DUMP_CHUNKS_PER_READ) {
            for (ChunkInfo chunk : index.chunks(connectionId, from, DUMP_CHUNKS_PER_READ)) {
                int d = chunk.direction() == Direction.CLIENT_TO_SERVER ? 0 : 1;
                String arrow = chunk.direction().arrow();
                String time = TIME.format(Instant.ofEpochSecond(0, chunk.timeNanos()));
                if (chunk.dropped()) {
                    out.append(arrow + " " + time + "  dropped, original length=" + chunk.originalLength()
                            + System.lineSeparator());
                    hex(file.original(chunk), out);
                } else {
                    byte[] bytes = file.forwarded(chunk);
                    out.append(arrow + " " + time + "  length=" + bytes.length + " from=" + sent[d] + " to="
                            + (sent[d] + bytes.length - 1) + (chunk.injected() ? "  injected" : "")
                            + (chunk.edited() && !chunk.injected() ? "  edited" : "") + System.lineSeparator());
                    hex(bytes, out);
                    sent[d] += bytes.length;
                    if (chunk.edited() && !chunk.injected()) {
                        out.append("  original length=" + chunk.originalLength() + System.lineSeparator());
                        hex(file.original(chunk), out);
                    }
                }
                out.append("--").append(System.lineSeparator());
            }
        }
        out.append(ending(c) + System.lineSeparator());
    }

    private static void hex(byte[] bytes, Appendable out) throws IOException {
        StringBuilder line = new StringBuilder(80);
        for (int at = 0; at < bytes.length; at += 16) {
            line.setLength(0);
            int n = Math.min(16, bytes.length - at);
            for (int i = 0; i < 16; i++) {
                if (i < n) {
                    line.append(' ').append(Character.forDigit((bytes[at + i] >> 4) & 0xF, 16))
                            .append(Character.forDigit(bytes[at + i] & 0xF, 16));
                } else {
                    line.append("   ");
                }
            }
            line.append("  ");
            for (int i = 0; i < n; i++) {
                int b = bytes[at + i] & 0xFF;
                line.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
            }
            out.append(line).append(System.lineSeparator());
        }
    }
}
