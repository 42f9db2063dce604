package wirelens.engine;

import java.nio.ByteBuffer;
import java.util.List;
import wirelens.base.Units;
import wirelens.proto.http.HttpDecoder;
import wirelens.proto.http.HttpEvent;
import wirelens.proto.http.HttpMessages;
import wirelens.proto.http.MessageHead;

/**
 * The breakpoints of one connection's HTTP exchanges ({@link ProxyExchanges}), sans-IO: a message whose head
 * a breakpoint wants ({@link SessionOutput#breakpoint}) is collected whole ({@link HttpBreakpoint}) and held
 * until the user decides; then it goes on as it came or edited, is dropped, or (a request) is answered, and
 * is recorded as it went on ({@link SessionOutput#releaseRecording}). One message at a time: a request
 * collected or held has not gone upstream, a response has not reached the client.
 */
final class ExchangeBreakpoints {

    private final HttpProxySession proxy;
    private final ProxyExchanges exchanges;
    private final Upstream upstream;
    /** The connection's one origin (a decrypted tunnel, a forward or SOCKS5 connection); null on the proxy. */
    private final TunnelOrigin origin;
    /** The message of this exchange a breakpoint collects or holds, or null. */
    private HttpBreakpoint breakpoint;
    private long breakpoints;

    ExchangeBreakpoints(HttpProxySession proxy, ProxyExchanges exchanges, Upstream upstream, TunnelOrigin origin) {
        this.proxy = proxy;
        this.exchanges = exchanges;
        this.upstream = upstream;
        this.origin = origin;
    }

    /** True while a breakpoint collects or holds a message of this exchange. */
    boolean any() {
        return breakpoint != null;
    }

    /** True while a message is held: the user decides about it. */
    boolean holding() {
        return breakpoint != null && breakpoint.held;
    }

    boolean collectingRequest() {
        return breakpoint != null && !breakpoint.held && !breakpoint.isResponse();
    }

    boolean collectingResponse() {
        return breakpoint != null && !breakpoint.held && breakpoint.isResponse();
    }

    /** A request a breakpoint collects or holds has not gone upstream: the upstream connection is idle. */
    boolean requestNotSent() {
        return breakpoint != null && !breakpoint.isResponse();
    }

    /** The request collected is answered with an error instead: nothing went upstream. */
    void forgetRequest() {
        breakpoint = null;
    }

    /**
     * Asks about a message whose head just came ({@code response} null: the request), which starts at
     * {@code start} in its side's stream; true when a breakpoint wants it: it is collected from now on.
     */
    boolean ask(String url, MessageHead request, MessageHead response, long start, SessionOutput out) {
        MessageHook.MessageContext wanted = out.breakpoint(url, origin, request, response);
        if (wanted == null) {
            return false;
        }
        breakpoint = new HttpBreakpoint(wanted, ++breakpoints, start);
        return true;
    }

    /** Adds body bytes to the message collected (see {@link HttpBreakpoint#add}); one too large goes on as it is. */
    void collect(byte[] data, int from, int to, List<HttpEvent> events, SessionOutput out) {
        if (breakpoint.add(data, from, to, events)) {
            return;
        }
        HttpBreakpoint b = breakpoint;
        breakpoint = null;
        out.notice(b.describe() + " has a body over " + Units.bytes(MessageHook.MAX_BODY_BYTES)
                + ": it passed its breakpoint unheld");
        if (b.isResponse()) {
            out.releaseRecording(Side.TARGET);
            exchanges.sendResponse(b.outgoing(null, null), out);
        } else {
            out.releaseRecording(Side.CLIENT);
            exchanges.sendRequest(b.outgoing(null, null), exchanges.upstreamTarget(), out);
        }
    }

    /** The message collected is complete ({@code untilClose}: a response whose body the target's close ended): held. */
    void hold(boolean untilClose, SessionOutput out) {
        breakpoint.untilClose = untilClose;
        breakpoint.held = true;
        out.holdMessage(breakpoint.message());
    }

    /** The user decided about message {@code messageId}: on with it, if it is the one held. */
    void resumed(SessionEvent.MessageResumed m, SessionOutput out) {
        if (breakpoint == null || !breakpoint.held || breakpoint.id != m.messageId()) {
            return;
        }
        HttpBreakpoint b = breakpoint;
        breakpoint = null;
        if (b.isResponse()) {
            resumeResponse(b, m.verdict(), out);
        } else {
            resumeRequest(b, m.verdict(), out);
        }
    }

    private void resumeRequest(HttpBreakpoint b, MessageHook.Verdict verdict, SessionOutput out) {
        if (verdict instanceof MessageHook.Verdict.Drop drop) {
            recordHeld(b, false, null, out);
            if (drop.answer502()) {
                proxy.errorReply(out, 502, "Bad Gateway", b.describe() + " was dropped at a breakpoint");
            } else {
                upstream.close(out);
                proxy.done();
                out.finish("request dropped at a breakpoint");
            }
        } else if (verdict instanceof MessageHook.Verdict.Answer answer) {
            HttpMessages.Whole typed = HttpMessages.parse(answer.response(), HttpDecoder.Role.RESPONSE,
                    exchanges.request().method());
            recordHeld(b, false, null, out); // the request never left; the reply is recorded as injected
            out.reply(Side.CLIENT, ByteBuffer.wrap(answer.response()));
            exchanges.answered(typed.untilClose() || typed.head().hasToken("Connection", "close"), out);
        } else {
            byte[] edited = ((MessageHook.Verdict.Continue) verdict).message();
            HttpBreakpoint.Outgoing o = b.outgoing(edited, null);
            RequestTarget t = o.notice() == null ? exchanges.upstreamTarget() : RequestTarget.of(o.head().target());
            String refusal = o.notice() == null ? null : origin != null ? origin.refusal(o.head().target())
                    : t == null ? "the edited request needs an absolute http:// URL" : null;
            // a tunnel's origin that went away meanwhile: sendRequest tells the client
            recordHeld(b, refusal == null && (origin == null || upstream.isOpen()), edited, out);
            if (refusal != null) {
                proxy.errorReply(out, 400, "Bad Request", refusal); // Engine.resumeMessage refuses it first
                return;
            }
            exchanges.requestEdited(o.head(), o.bodyStart() == o.wire().length);
            if (!exchanges.sendRequest(o, t, out)) {
                return;
            }
            if (o.notice() != null) {
                out.notice(o.notice());
            }
            exchanges.awaitResponse(out);
        }
    }

    private void resumeResponse(HttpBreakpoint b, MessageHook.Verdict verdict, SessionOutput out) {
        if (verdict instanceof MessageHook.Verdict.Drop) {
            recordHeld(b, false, null, out);
            upstream.close(out);
            proxy.done();
            out.finish("response dropped at a breakpoint");
            return;
        }
        byte[] edited = verdict instanceof MessageHook.Verdict.Continue c ? c.message()
                : ((MessageHook.Verdict.Answer) verdict).response();
        recordHeld(b, true, edited, out);
        HttpBreakpoint.Outgoing o = b.outgoing(edited, exchanges.request().method());
        if (o.notice() != null) {
            out.notice(o.notice());
        }
        if (o.untilClose()) {
            exchanges.closeAfterResponse(); // its body ends where the connection does
        }
        exchanges.sendResponse(o, out);
        exchanges.responseComplete(out);
    }

    /**
     * Records the message held at a breakpoint as it went on: as it came ({@code edited} null), edited, or
     * not at all ({@code wentOn} false: dropped, answered, refused). Requests pipelined behind a request stay
     * kept back, as a breakpoint may want them in their turn.
     */
    private void recordHeld(HttpBreakpoint b, boolean wentOn, byte[] edited, SessionOutput out) {
        Side from = b.isResponse() ? Side.TARGET : Side.CLIENT;
        if (wentOn && edited == null) {
            out.releaseRecording(from, b.length());
        } else {
            out.releaseRecording(from, b.length(), wentOn ? edited : null);
        }
        if (from == Side.CLIENT) {
            exchanges.holdPipelinedRecording(out);
        }
    }
}
