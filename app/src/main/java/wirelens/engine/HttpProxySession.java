package wirelens.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import wirelens.base.Units;
import wirelens.proto.http.Header;
import wirelens.proto.http.HttpDecoder;
import wirelens.proto.http.HttpError;
import wirelens.proto.http.HttpEvent;
import wirelens.proto.http.MessageHead;

/**
 * An HTTP/1.1 forward proxy for one client connection, as a sans-IO {@link Session}.
 *
 * <p>Requests are handled one at a time: while a request's response is on its way, reading from the
 * client pauses, so pipelined requests are answered in order and nothing piles up. Absolute-form
 * requests go upstream in origin-form with hop-by-hop headers removed; the upstream connection is
 * kept for the next request to the same origin and replaced for another one. Bodies are relayed as
 * they arrive, framing and all (chunked stays chunked), never buffered whole. CONNECT and a successful
 * Upgrade turn the connection into a raw two-way relay. What the proxy answers itself (errors, "200
 * Connection established") goes out through {@link SessionOutput#reply} so the capture shows it.
 *
 * <p>A request head must be complete within the request head timeout ({@link
 * SessionOutput#awaitRequestHead}), counted from the accept for the first request and from the first
 * byte of the next head on a kept-alive connection: a client that trickles a head byte by byte is as
 * late as one that stops, and gets a 408 (the idle timeout does not cut a head short). Between
 * requests a kept-alive client only has the engine's idle timeout, as browsers keep connections open
 * for the next click.
 */
public final class HttpProxySession implements Session {

    /** Never forwarded as they are: they describe one hop, not the message (RFC 9110 7.6.1). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "proxy-connection", "keep-alive",
            "proxy-authorization", "proxy-authenticate", "te", "upgrade");

    private enum Mode { HTTP, CONNECTING_TUNNEL, TUNNEL, DONE }

    private final HttpDecoder requests = new HttpDecoder(HttpDecoder.Role.REQUEST);
    private final List<HttpEvent> events = new ArrayList<>();
    private HttpDecoder responses;
    private Mode mode = Mode.HTTP;
    private byte[] scratch = new byte[0];
    /** Client bytes received after a complete request, decoded once its response is through. */
    private byte[] heldClient;

    private String targetHost;
    private int targetPort;
    private boolean targetReusable;
    /** The current request went out on a kept-alive upstream connection (which may close under it). */
    private boolean onReusedTarget;
    /** The rewritten request head, until it is sent together with the body bytes that follow it. */
    private byte[] upstreamHead;
    private byte[] retryHead;
    private RequestTarget upstreamTarget;

    /** The request being answered, or null between exchanges. */
    private MessageHead request;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean closeAfterResponse;
    private boolean clientEof;
    private boolean targetEof;
    /** The request head timeout runs: the first byte of a head (or the accept) came and the head has not. */
    private boolean awaitingHead;

    @Override
    public void handle(SessionEvent event, SessionOutput out) {
        if (mode == Mode.DONE) {
            return;
        }
        if (event instanceof SessionEvent.Accepted) {
            awaitHead(true, out);
        } else if (event instanceof SessionEvent.Received r) {
            ByteBuffer data = r.data();
            int len = data.remaining();
            byte[] array;
            int off;
            if (data.hasArray()) {
                array = data.array();
                off = data.arrayOffset() + data.position();
            } else {
                if (scratch.length < len) {
                    scratch = new byte[Math.max(len, 16 * 1024)];
                }
                data.get(data.position(), scratch, 0, len);
                array = scratch;
                off = 0;
            }
            data.position(data.limit());
            if (r.from() == Side.CLIENT) {
                clientBytes(array, off, len, out);
            } else {
                targetBytes(array, off, len, out);
            }
        } else if (event instanceof SessionEvent.Connected) {
            if (mode == Mode.CONNECTING_TUNNEL) {
                startTunnel(out);
            }
        } else if (event instanceof SessionEvent.ConnectFailed f) {
            targetHost = null;
            String where = Hosts.format(f.host(), f.port());
            // the client gets its 502 or 504, and the connection ends as a failure, as a forward one does
            out.reply(Side.CLIENT, f.timedOut()
                    ? errorPage(504, "Gateway Timeout", "connecting to " + where + " timed out")
                    : errorPage(502, "Bad Gateway", "cannot connect to " + where + ": " + f.reason()));
            mode = Mode.DONE;
            out.finishFailed(f.timedOut() ? "connect to " + where + " timed out"
                    : "connect to " + where + " failed: " + f.reason());
        } else if (event instanceof SessionEvent.Eof e) {
            if (e.from() == Side.CLIENT) {
                clientEof(out);
            } else {
                targetEof(out);
            }
        } else if (event instanceof SessionEvent.Broken b) {
            broken(b, out);
        } else if (event instanceof SessionEvent.RequestHeadLate late) {
            if (mode == Mode.HTTP && awaitingHead) {
                String limit = Units.shortDuration(late.waitedMillis());
                closeTargetIfAny(out);
                out.reply(Side.CLIENT, errorPage(408, "Request Timeout",
                        "the request head did not arrive complete within " + limit));
                mode = Mode.DONE;
                out.finish("request head timeout " + limit);
            }
        } else if (event instanceof SessionEvent.TargetSilent t) {
            if (mode == Mode.HTTP && request != null && !responseStarted) {
                errorReply(out, 504, "Gateway Timeout", Hosts.format(upstreamTarget.host(), upstreamTarget.port())
                        + " did not answer within " + (t.waitedMillis() / 1000.0) + " s");
            }
        }
    }

    // ---- client side ------------------------------------------------------------------------

    private void clientBytes(byte[] data, int off, int len, SessionOutput out) {
        if (mode == Mode.TUNNEL) {
            out.send(Side.TARGET, ByteBuffer.wrap(data, off, len));
            return;
        }
        int end = off + len;
        while (off < end && mode == Mode.HTTP) {
            if (request != null && requestComplete) {
                hold(data, off, end, out); // pipelined: the next request waits for this response
                return;
            }
            boolean wasInBody = requests.inBody();
            long start = requests.position();
            Fed fed = feed(requests, data, off, end);
            int n = fed.consumed();
            MessageHead head = fed.head();
            HttpEvent last = fed.last();
            if (head != null) {
                awaitHead(false, out);
            } else if (request == null && n > 0) {
                // part of a head: its clock runs until the rest comes (a head that comes whole costs no timer)
                awaitHead(true, out);
            }
            if (head != null && !requestHead(head, out)) {
                return;
            }
            if (last instanceof HttpEvent.Error err) {
                requestError(err.error(), out);
                return;
            }
            int bodyFrom = head != null ? off + (int) (head.end() - start) : wasInBody ? off : off + n;
            if (head != null && upstreamHead != null) {
                out.send(Side.TARGET, headAndBody(upstreamHead, data, bodyFrom, off + n));
                upstreamHead = null;
            } else if (bodyFrom < off + n && targetHost != null) {
                out.send(Side.TARGET, ByteBuffer.wrap(data, bodyFrom, off + n - bodyFrom));
            }
            if (last instanceof HttpEvent.End) {
                requestComplete = true;
                if (!responseStarted && targetHost != null) {
                    out.awaitTarget(true); // the clock for a 504 starts once the whole request is out
                }
            }
            off += n;
            if (n == 0) {
                hold(data, off, end, out); // after CONNECT or Upgrade: wait for the answer
                return;
            }
        }
        if (off < end && mode == Mode.CONNECTING_TUNNEL) {
            hold(data, off, end, out);
        }
    }

    private void awaitHead(boolean waiting, SessionOutput out) {
        if (awaitingHead != waiting) {
            awaitingHead = waiting;
            out.awaitRequestHead(waiting);
        }
    }

    private void hold(byte[] data, int off, int end, SessionOutput out) {
        if (off >= end) {
            return;
        }
        byte[] rest = new byte[(heldClient == null ? 0 : heldClient.length) + end - off];
        int at = 0;
        if (heldClient != null) {
            System.arraycopy(heldClient, 0, rest, 0, heldClient.length);
            at = heldClient.length;
        }
        System.arraycopy(data, off, rest, at, end - off);
        heldClient = rest;
        out.pauseReading(Side.CLIENT, true);
    }

    /** Starts an exchange; false when it was answered with an error and the connection is ending. */
    private boolean requestHead(MessageHead head, SessionOutput out) {
        request = head;
        requestComplete = false;
        responseStarted = false;
        closeAfterResponse = head.hasToken("Connection", "close") || head.isHttp10()
                || head.hasToken("Proxy-Connection", "close");
        String method = head.method().toUpperCase(Locale.ROOT);
        if (method.equals("CONNECT")) {
            HostPort hp = HostPort.parse(head.target(), -1);
            if (hp == null) {
                errorReply(out, 400, "Bad Request", "CONNECT needs host:port, got " + head.target());
                return false;
            }
            closeTargetIfAny(out);
            mode = Mode.CONNECTING_TUNNEL;
            targetHost = hp.host();
            targetPort = hp.port();
            targetEof = false;
            out.connect(hp.host(), hp.port());
            return true;
        }
        RequestTarget t = RequestTarget.of(head.target());
        if (t == null) {
            String why = head.target().regionMatches(true, 0, "https://", 0, 8)
                    ? "https:// URLs must go through CONNECT"
                    : "this is a proxy: requests need an absolute http:// URL, got " + head.target();
            errorReply(out, 400, "Bad Request", why);
            return false;
        }
        if (targetHost != null && !(targetReusable && targetHost.equalsIgnoreCase(t.host()) && targetPort == t.port())) {
            closeTargetIfAny(out);
        }
        onReusedTarget = targetHost != null;
        upstreamTarget = t;
        upstreamHead = upstreamHead(head, t).getBytes(StandardCharsets.ISO_8859_1);
        retryHead = upstreamHead;
        sendUpstream(out); // the head itself goes out with the first body bytes, in one write
        return true;
    }

    private void sendUpstream(SessionOutput out) {
        if (targetHost == null) {
            targetHost = upstreamTarget.host();
            targetPort = upstreamTarget.port();
            targetEof = false;
            responses = new HttpDecoder(HttpDecoder.Role.RESPONSE);
            out.connect(targetHost, targetPort);
        }
        targetReusable = true;
        responses.expectResponseTo(request.method());
    }

    /**
     * A kept-alive upstream connection may close just as a request goes out on it. A request without
     * a body is then sent again, once, on a fresh connection (RFC 9112 9.3.1 allows this).
     */
    private boolean retriedOnFreshConnection(SessionOutput out) {
        if (!onReusedTarget || responseStarted || !requestComplete || requests.position() != request.end()) {
            return false;
        }
        onReusedTarget = false;
        closeTargetIfAny(out);
        sendUpstream(out);
        out.send(Side.TARGET, ByteBuffer.wrap(retryHead));
        return true;
    }

    /** The request head as the origin gets it: origin-form, Host from the URL, no hop-by-hop fields. */
    static String upstreamHead(MessageHead head, RequestTarget t) {
        boolean upgrade = HttpDecoder.isUpgradeRequest(head);
        List<String> dropped = connectionTokens(head);
        if (head.header("Transfer-Encoding") != null) {
            dropped.add("content-length"); // chunked framing wins; never pass both on (RFC 9112 6.3)
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append(head.method()).append(' ').append(t.path()).append(' ').append(head.version()).append("\r\n");
        boolean hostWritten = false;
        for (Header h : head.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (name.equals("host")) {
                if (!hostWritten) {
                    sb.append(h.name()).append(": ").append(t.authority()).append("\r\n");
                    hostWritten = true;
                }
                continue;
            }
            boolean keep = upgrade && name.equals("upgrade");
            if (!keep && (HOP_BY_HOP.contains(name) || dropped.contains(name))) {
                continue;
            }
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (!hostWritten) {
            sb.insert(sb.indexOf("\r\n") + 2, "Host: " + t.authority() + "\r\n");
        }
        if (upgrade) {
            sb.append("Connection: Upgrade\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private void requestError(HttpError error, SessionOutput out) {
        if (request != null && !requestComplete && responseStarted) {
            out.fail("bad request from the client: " + error.message());
            mode = Mode.DONE;
        } else if (request != null && !requestComplete && targetHost != null && requests.position() > request.end()) {
            // part of the body already went upstream: there is no clean way to answer
            out.fail("bad request body from the client: " + error.message());
            mode = Mode.DONE;
        } else {
            String reason = switch (error.kind().status()) {
                case 431 -> "Request Header Fields Too Large";
                case 501 -> "Not Implemented";
                default -> "Bad Request";
            };
            errorReply(out, error.kind().status(), reason, error.message());
        }
    }

    private void clientEof(SessionOutput out) {
        clientEof = true;
        if (mode == Mode.TUNNEL) {
            out.shutdownOutput(Side.TARGET);
            if (targetEof) {
                finish(out);
            }
        } else if (request != null && requestComplete && mode == Mode.HTTP) {
            closeAfterResponse = true; // the client half-closed after its request: answer, then close
        } else {
            finish(out);
        }
    }

    /** What one feed of a decoder produced: bytes consumed, the head it completed, and End or Error. */
    private record Fed(int consumed, MessageHead head, HttpEvent last) {}

    private Fed feed(HttpDecoder decoder, byte[] data, int off, int end) {
        events.clear();
        int n = decoder.feed(data, off, end - off, events);
        MessageHead head = null;
        HttpEvent last = null;
        for (HttpEvent e : events) {
            if (e instanceof HttpEvent.Head h) {
                head = h.head();
            } else if (e instanceof HttpEvent.End || e instanceof HttpEvent.Error) {
                last = e;
            }
        }
        return new Fed(n, head, last);
    }

    // ---- target side ------------------------------------------------------------------------

    private void targetBytes(byte[] data, int off, int len, SessionOutput out) {
        int end = off + len;
        while (off < end) {
            if (mode == Mode.TUNNEL) {
                out.send(Side.CLIENT, ByteBuffer.wrap(data, off, end - off));
                return;
            }
            if (request == null || mode != Mode.HTTP) {
                // bytes nobody asked for (say a 408 before an idle close): this upstream is done
                targetReusable = false;
                return;
            }
            boolean wasInBody = responses.inBody();
            long start = responses.position();
            Fed fed = feed(responses, data, off, end);
            int n = fed.consumed();
            MessageHead head = fed.head();
            HttpEvent last = fed.last();
            if (last instanceof HttpEvent.Error err) {
                responseError("bad response from " + Hosts.format(targetHost, targetPort) + ": "
                        + err.error().message(), out);
                return;
            }
            int bodyFrom = head != null ? off + (int) (head.end() - start) : wasInBody ? off : off + n;
            if (head != null) {
                byte[] rewritten = clientHead(head).getBytes(StandardCharsets.ISO_8859_1);
                out.send(Side.CLIENT, headAndBody(rewritten, data, bodyFrom, off + n));
            } else if (bodyFrom < off + n) {
                out.send(Side.CLIENT, ByteBuffer.wrap(data, bodyFrom, off + n - bodyFrom));
            }
            off += n;
            if (last instanceof HttpEvent.End && !(head != null && head.isInterim())) {
                responseComplete(out);
            }
        }
    }

    /** One buffer with a head and the body bytes after it, so a small message leaves in one write. */
    private static ByteBuffer headAndBody(byte[] head, byte[] data, int from, int to) {
        if (from >= to) {
            return ByteBuffer.wrap(head);
        }
        byte[] both = new byte[head.length + to - from];
        System.arraycopy(head, 0, both, 0, head.length);
        System.arraycopy(data, from, both, head.length, to - from);
        return ByteBuffer.wrap(both);
    }

    /** The response head as the client gets it: no hop-by-hop fields, and whether we close after. */
    private String clientHead(MessageHead head) {
        if (head.isInterim()) {
            return head.toWireText();
        }
        responseStarted = true;
        boolean switching = head.status() == 101;
        List<String> dropped = connectionTokens(head);
        if (head.header("Transfer-Encoding") != null) {
            dropped.add("content-length");
        }
        boolean upstreamKeepsAlive = head.isHttp10() ? head.hasToken("Connection", "keep-alive")
                : !head.hasToken("Connection", "close");
        if (!upstreamKeepsAlive || responses.readsUntilClose()) {
            targetReusable = false;
        }
        if (responses.readsUntilClose() || !requestComplete) {
            closeAfterResponse = true;
        }
        StringBuilder sb = new StringBuilder(256).append(head.startLine()).append("\r\n");
        for (Header h : head.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            boolean keep = switching && name.equals("upgrade");
            if (!keep && (HOP_BY_HOP.contains(name) || dropped.contains(name))) {
                continue;
            }
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (switching) {
            sb.append("Connection: Upgrade\r\n");
        } else if (closeAfterResponse) {
            sb.append("Connection: close\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private void responseComplete(SessionOutput out) {
        if (responses.inTunnel()) {
            startTunnel(out);
            return;
        }
        request = null;
        requests.resume(); // an Upgrade the origin declined: back to plain requests
        if (closeAfterResponse || clientEof) {
            finish(out);
            return;
        }
        if (!targetReusable || targetEof) {
            closeTargetIfAny(out);
        }
        out.pauseReading(Side.CLIENT, false);
        if (heldClient != null) {
            byte[] next = heldClient;
            heldClient = null;
            clientBytes(next, 0, next.length, out);
        }
    }

    private void targetEof(SessionOutput out) {
        targetEof = true;
        if (mode == Mode.TUNNEL) {
            out.shutdownOutput(Side.CLIENT);
            if (clientEof) {
                finish(out);
            }
            return;
        }
        if (request == null || mode != Mode.HTTP) {
            closeTargetIfAny(out); // an idle keep-alive connection went away; the next request opens another
            return;
        }
        if (retriedOnFreshConnection(out)) {
            return;
        }
        events.clear();
        responses.finish(events);
        for (HttpEvent e : events) {
            if (e instanceof HttpEvent.End) {
                responseComplete(out);
                return;
            }
        }
        responseError(Hosts.format(targetHost, targetPort) + " closed the connection "
                + (responseStarted ? "in the middle of the response" : "without a response"), out);
    }

    private void responseError(String message, SessionOutput out) {
        if (responseStarted) {
            out.fail(message);
            mode = Mode.DONE;
        } else {
            errorReply(out, 502, "Bad Gateway", message);
        }
    }

    private void broken(SessionEvent.Broken b, SessionOutput out) {
        String why = b.side().name().toLowerCase(Locale.ROOT) + " " + b.reason();
        if (b.side() == Side.TARGET && mode == Mode.HTTP && request == null) {
            targetHost = null; // an idle upstream broke: the engine drops it and the client goes on
            return;
        }
        if (b.side() == Side.TARGET && mode == Mode.HTTP && !responseStarted) {
            if (retriedOnFreshConnection(out)) {
                return;
            }
            targetHost = null;
            errorReply(out, 502, "Bad Gateway", "the connection to the origin broke: " + b.reason());
            return;
        }
        mode = Mode.DONE;
        out.reset(why);
    }

    // ---- tunnels and endings ----------------------------------------------------------------

    private void startTunnel(SessionOutput out) {
        if (mode == Mode.CONNECTING_TUNNEL) {
            out.reply(Side.CLIENT, ByteBuffer.wrap(
                    "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            out.expectTls(targetHost, targetPort);
        }
        mode = Mode.TUNNEL;
        requests.startTunnel();
        out.pauseReading(Side.CLIENT, false);
        if (heldClient != null) {
            out.send(Side.TARGET, ByteBuffer.wrap(heldClient));
            heldClient = null;
        }
        if (clientEof) {
            out.shutdownOutput(Side.TARGET);
        }
    }

    /** Answers the client with a short plain-text error and closes once it is sent. */
    private void errorReply(SessionOutput out, int status, String reason, String message) {
        closeTargetIfAny(out);
        out.reply(Side.CLIENT, errorPage(status, reason, message));
        finish(out);
    }

    private static ByteBuffer errorPage(int status, String reason, String message) {
        byte[] bodyBytes = ("wirelens: " + message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + bodyBytes.length + "\r\nConnection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(headBytes.length + bodyBytes.length).put(headBytes).put(bodyBytes).flip();
    }

    private void finish(SessionOutput out) {
        mode = Mode.DONE;
        out.finish();
    }

    private void closeTargetIfAny(SessionOutput out) {
        if (targetHost != null) {
            out.closeTarget();
            targetHost = null;
        }
    }

    private static List<String> connectionTokens(MessageHead head) {
        List<String> tokens = new ArrayList<>();
        for (String value : head.headers("Connection")) {
            for (String t : value.split(",")) {
                String token = t.strip().toLowerCase(Locale.ROOT);
                if (!token.isEmpty() && !token.equals("close") && !token.equals("keep-alive")) {
                    tokens.add(token);
                }
            }
        }
        return tokens;
    }
}
