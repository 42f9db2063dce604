package wirelens.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import wirelens.base.Units;
import wirelens.proto.http.HttpDecoder;
import wirelens.proto.http.HttpError;
import wirelens.proto.http.HttpEvent;
import wirelens.proto.http.MessageHead;

/**
 * The HTTP/1.x exchanges of one {@link HttpProxySession} connection, sans-IO: requests decoded from the
 * client and sent upstream, responses decoded and sent to the client, and the messages breakpoints hold.
 * Two kinds of connection use it: the proxy's own, whose absolute-form requests name their origin (the
 * upstream connection is kept for the next request to the same one and replaced for another), and the
 * requests to one origin ({@link TunnelOrigin}: inside a CONNECT tunnel whose TLS Wirelens decrypts, or on a
 * forward or SOCKS5 connection), which all go to it over the connection already open to it, their heads as
 * they came.
 *
 * <p>Requests are handled one at a time: while a request's response is on its way, reading from the
 * client pauses, so pipelined requests are answered in order and nothing piles up. Bodies are relayed as
 * they arrive, framing and all (chunked stays chunked), never buffered whole, except a message a
 * breakpoint wants ({@link ExchangeBreakpoints}): that is collected whole ({@link HttpBreakpoint}) and
 * held. A held request has not gone anywhere yet (no upstream connection is opened for it, so an Answer
 * never touches the server, and on the proxy an edited URL may name another origin; inside a tunnel it may
 * not); a held response has not reached the client. Meanwhile only this connection waits. The message the
 * user lets go on is sent as one write, and recorded as it went on: from the first byte of each head until no
 * breakpoint wants it, the side's recording is held ({@link SessionOutput#holdRecording}), and a held
 * message is recorded once the user has decided, as one chunk with the bytes the peer sent as its original
 * and what went on (edited, or nothing: dropped or answered) as forwarded. An edit is also told in a notice.
 *
 * <p>A request head must be complete within the request head timeout ({@link
 * SessionOutput#awaitRequestHead}), counted from the accept for the first request and from the first
 * byte of the next head on a kept-alive connection: a client that trickles a head byte by byte is as
 * late as one that stops, and gets a 408 (the idle timeout does not cut a head short). Between
 * requests a kept-alive client only has the engine's idle timeout, as browsers keep connections open
 * for the next click.
 */
final class ProxyExchanges {

    private final HttpProxySession proxy;
    private final Upstream upstream;
    /** Inside a CONNECT tunnel whose TLS Wirelens decrypts: its one origin; null on the proxy itself. */
    private final TunnelOrigin origin;
    private final HttpDecoder requests = new HttpDecoder(HttpDecoder.Role.REQUEST);
    private final List<HttpEvent> events = new ArrayList<>();
    private HttpDecoder responses;
    /** Client bytes received after a complete request, decoded once its response is through. */
    private byte[] heldClient;
    /** The rewritten request head, until it is sent together with the body bytes that follow it. */
    private byte[] upstreamHead;
    private RequestTarget upstreamTarget;

    /** The request being answered, or null between exchanges. */
    private MessageHead request;
    private boolean requestComplete;
    /** The complete request had no body (so it may be sent again on a fresh connection). */
    private boolean requestBodiless;
    private final ExchangeBreakpoints breakpoints;
    /** Where the request (response) head being read, or the last one, starts in its side's stream. */
    private long requestStart;
    private long responseStart;
    private boolean responseStarted;
    private boolean closeAfterResponse;
    private boolean clientEof;
    /** The request head timeout runs: the first byte of a head (or the accept) came and the head has not. */
    private boolean awaitingHead;

    /** {@code origin}: the tunnel's, for the requests inside a decrypted CONNECT tunnel; null on the proxy. */
    ProxyExchanges(HttpProxySession proxy, Upstream upstream, TunnelOrigin origin) {
        this.proxy = proxy;
        this.upstream = upstream;
        this.origin = origin;
        this.breakpoints = new ExchangeBreakpoints(proxy, this, upstream, origin);
        if (origin != null) {
            responses = new HttpDecoder(HttpDecoder.Role.RESPONSE);
        }
    }

    /** Every event but the bytes, while the connection is not a tunnel (the bytes come to the two methods below). */
    void handle(SessionEvent event, SessionOutput out) {
        if (event instanceof SessionEvent.Accepted) {
            awaitHead(true, out);
        } else if (event instanceof SessionEvent.Eof e) {
            if (e.from() == Side.CLIENT) {
                clientEof(out);
            } else {
                targetEof(out);
            }
        } else if (event instanceof SessionEvent.Broken b) {
            broken(b, out);
        } else if (event instanceof SessionEvent.RequestHeadLate late) {
            if (proxy.inHttp() && awaitingHead) {
                String limit = Units.shortDuration(late.waitedMillis());
                upstream.close(out);
                out.releaseRecording(Side.CLIENT); // the part of the head that came goes before the 408
                out.reply(Side.CLIENT, ProxyHeads.errorPage(408, "Request Timeout",
                        "the request head did not arrive complete within " + limit));
                proxy.done();
                out.finish("request head timeout " + limit);
            }
        } else if (event instanceof SessionEvent.MessageResumed m) {
            if (proxy.inHttp()) {
                breakpoints.resumed(m, out);
            }
        } else if (event instanceof SessionEvent.TargetSilent t) {
            if (proxy.inHttp() && request != null && !responseStarted && !breakpoints.any()) {
                proxy.errorReply(out, 504, "Gateway Timeout", upstream.describe() + " did not answer within "
                        + (t.waitedMillis() / 1000.0) + " s");
            }
        }
    }

    /** The client bytes held back (pipelined, or sent after a CONNECT or Upgrade), now the tunnel's; null if none. */
    byte[] takeHeldClient() {
        byte[] rest = heldClient;
        heldClient = null;
        return rest;
    }

    boolean clientEnded() {
        return clientEof;
    }

    // ---- client side ------------------------------------------------------------------------

    void clientBytes(byte[] data, int off, int len, SessionOutput out) {
        int end = off + len;
        while (off < end && proxy.inHttp()) {
            if (request != null && requestComplete) {
                if (requests.atMessageBoundary()) {
                    out.holdRecording(Side.CLIENT, end - off); // a breakpoint may want the next request too
                }
                hold(data, off, end, out); // pipelined: the next request waits for this response
                return;
            }
            boolean wasInBody = requests.inBody();
            long start = requests.position();
            if (request == null && requests.atMessageBoundary()) {
                requestStart = start;
                out.holdRecording(Side.CLIENT, end - off); // until the head is complete and no breakpoint wants it
            }
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
            if (head != null && !breakpoints.collectingRequest()) {
                out.releaseRecording(Side.CLIENT);
            }
            if (last instanceof HttpEvent.Error err) {
                requestError(err.error(), out);
                return;
            }
            int bodyFrom = head != null ? off + (int) (head.end() - start) : wasInBody ? off : off + n;
            if (breakpoints.collectingRequest()) {
                breakpoints.collect(data, bodyFrom, off + n, events, out);
            } else if (head != null && upstreamHead != null) {
                out.send(Side.TARGET, ProxyHeads.headAndBody(upstreamHead, data, bodyFrom, off + n));
                upstreamHead = null;
            } else if (bodyFrom < off + n && upstream.isOpen()) {
                out.send(Side.TARGET, ByteBuffer.wrap(data, bodyFrom, off + n - bodyFrom));
            }
            if (last instanceof HttpEvent.End) {
                requestComplete = true;
                requestBodiless = requests.position() == request.end();
                if (breakpoints.collectingRequest()) {
                    breakpoints.hold(false, out);
                } else if (!responseStarted && upstream.isOpen()) {
                    awaitResponse(out); // the clock for a 504 starts once the whole request is out
                }
            }
            off += n;
            if (n == 0) {
                hold(data, off, end, out); // after CONNECT or Upgrade: wait for the answer
                return;
            }
        }
        if (off < end && proxy.connecting()) {
            hold(data, off, end, out);
        }
    }

    /**
     * Starts or ends the request head's clock (408). A forward or SOCKS5 connection has neither it nor
     * the response's clock (504): it is transparent, and without breakpoints its client and server may take
     * as long as they like, so holding messages must not change that.
     */
    private void awaitHead(boolean waiting, SessionOutput out) {
        if (proxy.transparent()) {
            return;
        }
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
        // on a plain forward connection (to a proxy, say) a CONNECT goes on as it came; its 2xx makes a tunnel
        if (method.equals("CONNECT") && origin != null && origin.scheme().equals("https")) {
            proxy.errorReply(out, 400, "Bad Request", "CONNECT inside the TLS tunnel to " + upstream.describe());
            return false;
        }
        if (method.equals("CONNECT") && origin == null) {
            HostPort hp = HostPort.parse(head.target(), -1);
            if (hp == null) {
                proxy.errorReply(out, 400, "Bad Request", "CONNECT needs host:port, got " + head.target());
                return false;
            }
            proxy.connectTunnel(hp, out);
            return true;
        }
        RequestTarget t = origin != null ? null : RequestTarget.of(head.target());
        if (t == null && origin == null) {
            String why = head.target().regionMatches(true, 0, "https://", 0, 8)
                    ? "https:// URLs must go through CONNECT"
                    : "this is a proxy: requests need an absolute http:// URL, got " + head.target();
            proxy.errorReply(out, 400, "Bad Request", why);
            return false;
        }
        upstreamTarget = t;
        if (breakpoints.ask(url(head), head, null, requestStart, out)) {
            return true; // routed once the user lets it go on
        }
        route(t, out); // the head itself goes out with the first body bytes, in one write
        return true;
    }

    /** The absolute URL of a request: on the proxy its target; inside a tunnel the tunnel's origin and the path. */
    private String url(MessageHead head) {
        return origin != null ? origin.url(head.target()) : head.target();
    }

    /**
     * Picks the upstream connection for {@link #request} (the kept one, or a new one) and prepares its head;
     * inside a decrypted tunnel the connection is the tunnel's and the head goes as it came, in origin-form.
     */
    private void route(RequestTarget t, SessionOutput out) {
        if (origin != null) {
            String head = request.toWireText();
            String line = request.method() + " " + origin.originForm(request.target()) + " " + request.version();
            upstreamHead = (line + head.substring(head.indexOf("\r\n"))).getBytes(StandardCharsets.ISO_8859_1);
        } else {
            upstreamTarget = t;
            upstreamHead = ProxyHeads.upstreamHead(request, t).getBytes(StandardCharsets.ISO_8859_1);
            if (upstream.use(t.host(), t.port(), upstreamHead, out)) {
                responses = new HttpDecoder(HttpDecoder.Role.RESPONSE);
            }
        }
        responses.expectResponseTo(request.method());
    }

    // ---- what a message held at a breakpoint changes ------------------------------------------

    MessageHead request() {
        return request;
    }

    RequestTarget upstreamTarget() {
        return upstreamTarget;
    }

    /** The held request goes on edited as {@code head} ({@code bodiless}: with no body). */
    void requestEdited(MessageHead head, boolean bodiless) {
        request = head;
        requestBodiless = bodiless;
    }

    /** The held request was answered at its breakpoint ({@code closes}: by a response that ends the connection). */
    void answered(boolean closes, SessionOutput out) {
        responseStarted = true;
        if (closes) {
            closeAfterResponse = true;
        }
        exchangeDone(out);
    }

    void closeAfterResponse() {
        closeAfterResponse = true;
    }

    /** Requests pipelined behind a held one stay kept back from the capture: a breakpoint may want them in their turn. */
    void holdPipelinedRecording(SessionOutput out) {
        if (heldClient != null) {
            out.holdRecording(Side.CLIENT, heldClient.length);
        }
    }

    void awaitResponse(SessionOutput out) {
        if (!proxy.transparent()) {
            out.awaitTarget(true);
        }
    }

    /**
     * Sends a request that was collected whole (or edited) upstream, head and body in one write; false when
     * the tunnel's origin went away meanwhile (the client is told, and the connection ends).
     */
    boolean sendRequest(HttpBreakpoint.Outgoing o, RequestTarget t, SessionOutput out) {
        if (origin != null && !upstream.isOpen()) {
            proxy.errorReply(out, 502, "Bad Gateway", "the origin closed " + origin.connectionName()
                    + " while the request waited at"
                    + " its breakpoint (Edit and resend sends it again on a new connection)");
            return false;
        }
        route(t, out);
        out.send(Side.TARGET, ProxyHeads.headAndBody(upstreamHead, o.wire(), o.bodyStart(), o.wire().length));
        upstreamHead = null;
        return true;
    }

    void sendResponse(HttpBreakpoint.Outgoing o, SessionOutput out) {
        byte[] head = clientHead(o.head()).getBytes(StandardCharsets.ISO_8859_1);
        out.send(Side.CLIENT, ProxyHeads.headAndBody(head, o.wire(), o.bodyStart(), o.wire().length));
    }

    /**
     * A kept-alive upstream connection may close just as a request goes out on it. A request without
     * a body is then sent again, once, on a fresh connection (not inside a tunnel: its one connection is gone).
     */
    private boolean retriedOnFreshConnection(SessionOutput out) {
        if (origin != null || responseStarted || !requestComplete || !requestBodiless || breakpoints.any()
                || !upstream.retry(out)) {
            return false;
        }
        out.releaseRecording(Side.TARGET); // a head cut short by the close is not the fresh connection's
        responses = new HttpDecoder(HttpDecoder.Role.RESPONSE);
        responses.expectResponseTo(request.method());
        return true;
    }

    private void requestError(HttpError error, SessionOutput out) {
        if (breakpoints.requestNotSent()) {
            breakpoints.forgetRequest(); // nothing went upstream: the client can be answered
            proxy.errorReply(out, error.kind().status() == 431 ? 431 : 400, "Bad Request", error.message());
        } else if (request != null && !requestComplete && responseStarted) {
            out.fail("bad request from the client: " + error.message());
            proxy.done();
        } else if (request != null && !requestComplete && upstream.isOpen() && requests.position() > request.end()) {
            // part of the body already went upstream: there is no clean way to answer
            out.fail("bad request body from the client: " + error.message());
            proxy.done();
        } else {
            String reason = switch (error.kind().status()) {
                case 431 -> "Request Header Fields Too Large";
                case 501 -> "Not Implemented";
                default -> "Bad Request";
            };
            proxy.errorReply(out, error.kind().status(), reason, error.message());
        }
    }

    private void clientEof(SessionOutput out) {
        clientEof = true;
        if (request != null && requestComplete && proxy.inHttp()) {
            closeAfterResponse = true; // the client half-closed after its request: answer, then close
        } else {
            proxy.finish(out);
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

    /** Returns how many bytes it took: fewer than {@code len} when a 101 turned the connection into a tunnel. */
    int targetBytes(byte[] data, int off, int len, SessionOutput out) {
        int end = off + len;
        int from = off;
        while (off < end) {
            if (!proxy.inHttp() && !proxy.connecting()) {
                return off - from; // after a 101 the rest is the tunnel's
            }
            if (request == null || !proxy.inHttp() || breakpoints.requestNotSent() || breakpoints.holding()) {
                upstream.notReusable(); // bytes nobody asked for (say a 408 before an idle close)
                return len;
            }
            boolean wasInBody = responses.inBody();
            long start = responses.position();
            if (responses.atMessageBoundary()) {
                responseStart = start;
                out.holdRecording(Side.TARGET, end - off); // until the head is complete and no breakpoint wants it
            }
            Fed fed = feed(responses, data, off, end);
            int n = fed.consumed();
            MessageHead head = fed.head();
            HttpEvent last = fed.last();
            if (last instanceof HttpEvent.Error err) {
                responseError("bad response from " + upstream.describe() + ": " + err.error().message(), out);
                return len;
            }
            int bodyFrom = head != null ? off + (int) (head.end() - start) : wasInBody ? off : off + n;
            if (head != null && !head.isInterim() && head.status() != 101) {
                breakpoints.ask(url(request), request, head, responseStart, out);
            }
            if (head != null && !breakpoints.collectingResponse()) {
                out.releaseRecording(Side.TARGET);
            }
            if (breakpoints.collectingResponse()) {
                breakpoints.collect(data, bodyFrom, off + n, events, out);
            } else if (head != null) {
                byte[] rewritten = clientHead(head).getBytes(StandardCharsets.ISO_8859_1);
                out.send(Side.CLIENT, ProxyHeads.headAndBody(rewritten, data, bodyFrom, off + n));
            } else if (bodyFrom < off + n) {
                out.send(Side.CLIENT, ByteBuffer.wrap(data, bodyFrom, off + n - bodyFrom));
            }
            off += n;
            if (last instanceof HttpEvent.End ended && !(head != null && head.isInterim())) {
                responseEnded(ended, out);
            }
        }
        return len;
    }

    /** The response head as the client gets it, and whether the connection closes after it. */
    private String clientHead(MessageHead head) {
        if (head.isInterim()) {
            return head.toWireText();
        }
        responseStarted = true;
        boolean upstreamKeepsAlive = head.isHttp10() ? head.hasToken("Connection", "keep-alive")
                : !head.hasToken("Connection", "close");
        if (!upstreamKeepsAlive || responses.readsUntilClose()) {
            upstream.notReusable();
        }
        if (responses.readsUntilClose() || !requestComplete || origin != null && !upstream.reusable()) {
            closeAfterResponse = true; // inside a tunnel the origin's connection is the only one
        }
        return origin != null ? ProxyHeads.asItCame(head, closeAfterResponse)
                : ProxyHeads.clientHead(head, closeAfterResponse);
    }

    private void responseEnded(HttpEvent.End end, SessionOutput out) {
        if (breakpoints.collectingResponse()) {
            breakpoints.hold(end.byClose(), out);
        } else {
            responseComplete(out);
        }
    }

    void responseComplete(SessionOutput out) {
        if (responses.inTunnel()) {
            proxy.startTunnel(out);
            return;
        }
        exchangeDone(out);
    }

    /** The client has its answer: on to its next request, or the end. */
    private void exchangeDone(SessionOutput out) {
        request = null;
        requests.resume(); // an Upgrade the origin declined: back to plain requests
        if (closeAfterResponse || clientEof) {
            proxy.finish(out);
            return;
        }
        if (origin != null && (!upstream.reusable() || upstream.hasEnded())) {
            proxy.finish(out); // the tunnel's origin is done: so is the client's connection to it
            return;
        }
        if (!upstream.reusable() || upstream.hasEnded()) {
            upstream.close(out);
        }
        out.pauseReading(Side.CLIENT, false);
        if (heldClient != null) {
            byte[] next = heldClient;
            heldClient = null;
            clientBytes(next, 0, next.length, out);
        }
    }

    private void targetEof(SessionOutput out) {
        upstream.ended();
        if (origin != null && request == null) {
            proxy.finish(out); // the tunnel's origin went away: there is no other connection to it
            return;
        }
        if (request == null || !proxy.inHttp() || breakpoints.requestNotSent() || breakpoints.holding()) {
            upstream.close(out); // an idle keep-alive connection went away; the next request opens another
            return;
        }
        if (retriedOnFreshConnection(out)) {
            return;
        }
        events.clear();
        responses.finish(events);
        for (HttpEvent e : events) {
            if (e instanceof HttpEvent.End end) {
                responseEnded(end, out);
                return;
            }
        }
        responseError(upstream.describe() + " closed the connection "
                + (responseStarted ? "in the middle of the response" : "without a response"), out);
    }

    private void responseError(String message, SessionOutput out) {
        if (responseStarted) {
            out.fail(message);
            proxy.done();
        } else {
            proxy.errorReply(out, 502, "Bad Gateway", message);
        }
    }

    private void broken(SessionEvent.Broken b, SessionOutput out) {
        String why = b.side().name().toLowerCase(Locale.ROOT) + " " + b.reason();
        if (b.side() == Side.TARGET && proxy.inHttp() && origin != null && request == null) {
            proxy.done();
            out.reset(why); // the tunnel's origin broke: the client's connection to it ends the same way
            return;
        }
        if (b.side() == Side.TARGET && proxy.inHttp()
                && (request == null || breakpoints.requestNotSent() || breakpoints.holding())) {
            upstream.forget(); // an idle upstream broke: the engine drops it and the client goes on
            return;
        }
        if (b.side() == Side.TARGET && proxy.inHttp() && !responseStarted) {
            if (retriedOnFreshConnection(out)) {
                return;
            }
            upstream.forget();
            proxy.errorReply(out, 502, "Bad Gateway", "the connection to the origin broke: " + b.reason());
            return;
        }
        proxy.done();
        out.reset(why);
    }
}
