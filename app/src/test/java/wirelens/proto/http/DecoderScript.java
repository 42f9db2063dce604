package wirelens.proto.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: feeds a decoder pieces of input and writes what it reports as readable lines. */
final class DecoderScript {
    private final HttpDecoder decoder;
    private final boolean tunnelOnDecision;
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder data = new StringBuilder();
    private final List<HttpEvent> events = new ArrayList<>();

    DecoderScript(HttpDecoder decoder, boolean tunnelOnDecision) {
        this.decoder = decoder;
        this.tunnelOnDecision = tunnelOnDecision;
    }

    static List<String> run(HttpDecoder.Role role, List<String> methods, String input, int... splits) {
        HttpDecoder d = new HttpDecoder(role);
        methods.forEach(d::expectResponseTo);
        DecoderScript s = new DecoderScript(d, true);
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        int from = 0;
        for (int split : splits) {
            s.feed(bytes, from, split - from);
            from = split;
        }
        s.feed(bytes, from, bytes.length - from);
        return s.finish();
    }

    void feed(byte[] bytes, int off, int len) {
        int end = off + len;
        int rounds = 0;
        while (off < end) {
            if (++rounds > 100_000) {
                throw new AssertionError("decoder made no progress");
            }
            events.clear();
            int n = decoder.feed(bytes, off, end - off, events);
            if (n < 0 || n > end - off) {
                throw new AssertionError("consumed " + n + " of " + (end - off));
            }
            record();
            off += n;
            if (n == 0) {
                if (!decoder.awaitingDecision()) {
                    throw new AssertionError("consumed nothing without awaiting a decision");
                }
                if (tunnelOnDecision) {
                    decoder.startTunnel();
                } else {
                    decoder.resume();
                }
            }
        }
    }

    List<String> finish() {
        events.clear();
        decoder.finish(events);
        record();
        flushData();
        return lines;
    }

    private void record() {
        for (HttpEvent e : events) {
            if (e instanceof HttpEvent.Data d) {
                data.append(new String(d.array(), d.offset(), d.length(), StandardCharsets.ISO_8859_1));
                continue;
            }
            flushData();
            if (e instanceof HttpEvent.Head h) {
                lines.add("head " + h.head().startLine() + " " + h.head().headers() + " @" + h.head().start() + "-"
                        + h.head().end());
            } else if (e instanceof HttpEvent.Trailers t) {
                lines.add("trailers " + t.trailers());
            } else if (e instanceof HttpEvent.End end) {
                lines.add("end @" + end.position() + (end.byClose() ? " by close" : ""));
            } else if (e instanceof HttpEvent.Tunnel t) {
                String s = new String(t.array(), t.offset(), t.length(), StandardCharsets.ISO_8859_1);
                if (!lines.isEmpty() && lines.get(lines.size() - 1).startsWith("tunnel ")) {
                    lines.set(lines.size() - 1, lines.get(lines.size() - 1) + s);
                } else {
                    lines.add("tunnel " + s);
                }
            } else if (e instanceof HttpEvent.Error err) {
                lines.add("error " + err.error().kind() + " " + err.error().message());
            }
        }
    }

    private void flushData() {
        if (data.length() > 0) {
            lines.add("data " + data);
            data.setLength(0);
        }
    }
}
