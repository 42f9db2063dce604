package wirelens.flows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import wirelens.capture.CaptureFile;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.capture.HttpExchanges;
import wirelens.engine.Direction;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.ExchangeLog;

/**
 * Flows from exchanges: one row from one exchange, every flow of a capture in arrival order, and an
 * exchange decoded again from the capture file when a flow is shown, copied or exported. Decoding streams
 * through a connection and keeps only its open exchanges, so a keep-alive connection with a hundred
 * thousand requests is read back in constant memory.
 */
public final class Flows {
    /** Arrival order: request start, then connection, then position on it. */
    public static final Comparator<Flow> ARRIVAL = Comparator.comparingLong(Flow::startNanos)
            .thenComparingLong(Flow::connectionId).thenComparingInt(Flow::index);

    private Flows() {}

    /** The row of {@code e}, an exchange of {@code connection} that has a request. */
    public static Flow of(int number, ConnectionInfo connection, Exchange e) {
        return of(number, connection, e, new SharedStrings());
    }

    /**
     * As {@link #of(int, ConnectionInfo, Exchange)}, with the strings that repeat from row to row (method,
     * origin, reason, media type) taken from {@code shared}, so 100,000 rows to one site hold one origin.
     */
    static Flow of(int number, ConnectionInfo connection, Exchange e, SharedStrings shared) {
        String method = e.method();
        String origin;
        String path;
        if ("CONNECT".equalsIgnoreCase(method)) {
            origin = "https://" + e.request().target();
            path = "";
        } else {
            String url = e.url();
            int scheme = url.indexOf("://");
            if (scheme < 0) {
                origin = "";
                path = url;
            } else {
                int end = scheme + 3;
                while (end < url.length() && url.charAt(end) != '/' && url.charAt(end) != '?' && url.charAt(end) != '#') {
                    end++;
                }
                origin = url.substring(0, end);
                path = url.substring(end);
            }
        }
        String reason = e.response() == null ? "" : e.response().reason();
        String type = e.response() == null ? "" : e.response().mediaType();
        return new Flow(number, connection.id(), e.index(), e.requestStartNanos(), shared.of(method), shared.of(origin),
                path, e.status(), shared.of(reason), e.state(), shared.of(type), e.requestBody().length(), e.responseBody().length(), e.requestEndNanos(),
                e.responseStartNanos(), e.responseEndNanos(), "https".equals(e.scheme()),
                Flow.RESEND_LISTENER.equals(connection.listenerName()), e.problem());
    }

    /** Every flow of a capture, numbered in arrival order. */
    public static List<Flow> read(CaptureFile file) throws IOException {
        List<Flow> flows = new ArrayList<>();
        SharedStrings shared = new SharedStrings();
        for (ConnectionInfo c : file.index().connections()) {
            if (HttpExchanges.isHttp(file, c)) {
                forEachExchange(file, c.id(), e -> {
                    if (e.request() != null) {
                        flows.add(of(0, c, e, shared));
                    }
                });
            }
        }
        flows.sort(ARRIVAL);
        List<Flow> numbered = new ArrayList<>(flows.size());
        for (int i = 0; i < flows.size(); i++) {
            numbered.add(renumbered(flows.get(i), i + 1));
        }
        return numbered;
    }

    static Flow renumbered(Flow f, int number) {
        return new Flow(number, f.connectionId(), f.index(), f.startNanos(), f.method(), f.origin(), f.path(), f.status(),
                f.reason(), f.state(), f.contentType(), f.requestBodyBytes(), f.responseBodyBytes(), f.requestEndNanos(),
                f.responseStartNanos(), f.responseEndNanos(), f.tls(), f.resent(), f.problem());
    }

    /** The exchange behind {@code flow}, decoded again from the file; empty when the file no longer has it. */
    public static Optional<Exchange> exchange(CaptureFile file, Flow flow) throws IOException {
        Map<Integer, Exchange> found = exchanges(file, flow.connectionId(), Set.of(flow.index()));
        return Optional.ofNullable(found.get(flow.index()));
    }

    /** The exchanges of one connection at {@code indexes}, decoded again from the file (those it still has). */
    public static Map<Integer, Exchange> exchanges(CaptureFile file, long connectionId, Set<Integer> indexes)
            throws IOException {
        Map<Integer, Exchange> found = new HashMap<>();
        int last = indexes.stream().mapToInt(Integer::intValue).max().orElse(-1);
        forEachExchange(file, connectionId, e -> {
            if (indexes.contains(e.index())) {
                found.put(e.index(), e);
            }
        }, last);
        return found;
    }

    /** Hands each exchange of the connection to {@code each} once it is over (the open ones at the end), in order. */
    public static void forEachExchange(CaptureFile file, long connectionId, Consumer<Exchange> each) throws IOException {
        forEachExchange(file, connectionId, each, Integer.MAX_VALUE);
    }

    /** As above; stops reading once every exchange up to {@code lastIndex} is over. */
    private static void forEachExchange(CaptureFile file, long connectionId, Consumer<Exchange> each, int lastIndex)
            throws IOException {
        ExchangeLog log = new ExchangeLog();
        Map<Integer, Exchange> open = new HashMap<>();
        long tlsFrom = HttpExchanges.clientTlsFrom(file.index(), connectionId);
        int handed = -1;
        for (ChunkInfo chunk : file.index().chunks(connectionId)) {
            if (chunk.timeNanos() >= tlsFrom) {
                log.clientSpokeTls();
                tlsFrom = Long.MAX_VALUE;
            }
            if (chunk.forwardedLength() == 0 || !chunk.inFile()) {
                continue;
            }
            log.onBytes(chunk.direction() == Direction.CLIENT_TO_SERVER, file.forwarded(chunk), chunk.timeNanos());
            handed = handOver(log, open, each, handed);
            if (handed >= lastIndex) {
                return;
            }
        }
        ConnectionInfo info = file.index().connection(connectionId).orElse(null);
        if (info != null) {
            if (info.clientFinished() || !info.isOpen()) {
                log.onEof(true, info.closedNanos());
            }
            if (info.serverFinished() || !info.isOpen()) {
                log.onEof(false, info.closedNanos());
            }
        }
        for (Exchange e : log.takeChanged()) {
            open.put(e.index(), e);
        }
        open.values().stream().sorted(Comparator.comparingInt(Exchange::index)).forEach(each);
    }

    /**
     * Hands over, in order, the exchanges the log let go of (they are over); returns the highest index
     * handed over so far.
     */
    private static int handOver(ExchangeLog log, Map<Integer, Exchange> open, Consumer<Exchange> each, int handed) {
        for (Exchange e : log.takeChanged()) {
            open.put(e.index(), e);
        }
        Set<Integer> held = new HashSet<>();
        for (Exchange e : log.exchanges()) {
            held.add(e.index());
        }
        int i = handed + 1;
        while (open.containsKey(i) && !held.contains(i)) {
            each.accept(open.remove(i));
            handed = i++;
        }
        return handed;
    }
}
