package wirelens.proto.http;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The exchanges of one connection, built from its bytes as they flow (live) or as they are read back
 * (reopened capture). Feed each chunk with its direction and time; take snapshots with
 * {@link #exchanges()}. Holds heads and body ranges only, never body bytes. Not thread-safe: one
 * thread feeds and snapshots (the capture's thread); snapshots are immutable and may be handed on.
 *
 * <p>After a CONNECT's 2xx the client's first bytes decide what the tunnel holds: a TLS record (or
 * anything else that is not a request line) stays opaque, counted as tunnel bytes; a request line
 * means plaintext HTTP, so the rest of the connection is decoded as HTTP exchanges with URLs on the
 * CONNECT target. Whether that plaintext was TLS Wirelens decrypted ({@code https://}) or HTTP sent as
 * it is ({@code http://}) the bytes cannot tell: the caller says so with {@link #clientSpokeTls()}
 * (from the capture's TLS record) before it feeds the first decrypted bytes. The same call before
 * any bytes marks a connection whose client spoke TLS from the start (a forward listener).
 */
public final class ExchangeLog {

    /** What the first bytes through a CONNECT tunnel are, as far as they have arrived. */
    public enum TunnelStart { UNDECIDED, HTTP, OPAQUE }

    private HttpDecoder requests = new HttpDecoder(HttpDecoder.Role.REQUEST);
    private HttpDecoder responses = new HttpDecoder(HttpDecoder.Role.RESPONSE);
    private final List<Entry> entries = new ArrayList<>();
    /** The index the next exchange gets; {@link #takeChanged()} lets go of entries, so not {@code entries.size()}. */
    private int nextIndex;
    /** Exchanges whose request was seen and whose final response has not started, oldest first. */
    private final ArrayDeque<Entry> awaiting = new ArrayDeque<>();
    private final List<HttpEvent> requestEvents = new ArrayList<>();
    private final List<HttpEvent> responseEvents = new ArrayList<>();
    /** Client bytes that arrived while the request decoder waits to learn if CONNECT/Upgrade succeeded. */
    private final ByteArrayOutputStream heldClientBytes = new ByteArrayOutputStream();
    private long heldClientTime;
    /** The client's first bytes through a CONNECT tunnel, kept until they tell TLS from HTTP. */
    private final ByteArrayOutputStream tunnelFirstBytes = new ByteArrayOutputStream();
    private long tunnelFirstTime;
    private boolean sniffingTunnel;
    /** {@code https} for requests that came over TLS Wirelens decrypted. */
    private String scheme = "http";
    /** The client's bytes from here on are TLS that Wirelens decrypted. */
    private boolean clientTls;
    /** The CONNECT target requests inside a decrypted tunnel went to, else null. */
    private String authority;
    private Entry currentRequest;
    private Entry currentResponse;
    private Entry tunnel;
    private long requestStartTime;
    private long responseStartTime;
    private long version;
    private String requestProblem;
    private String responseProblem;

    private static final class Entry {
        final int index;
        MessageHead request;
        MessageHead response;
        final List<MessageHead> interim = new ArrayList<>();
        final BodyRef.Builder requestBody = new BodyRef.Builder();
        final BodyRef.Builder responseBody = new BodyRef.Builder();
        List<Header> requestTrailers = List.of();
        List<Header> responseTrailers = List.of();
        long requestStart;
        long requestEnd;
        long responseStart;
        long responseEnd;
        long requestBytes;
        long responseBytes;
        Exchange.State state = Exchange.State.REQUEST;
        String problem;
        long tunnelUp;
        long tunnelDown;
        String scheme;
        final String authority;
        boolean tunnelDecrypted;
        Exchange snapshot;

        Entry(int index, String scheme, String authority) {
            this.index = index;
            this.scheme = scheme;
            this.authority = authority;
        }

        Exchange snapshot() {
            if (snapshot == null) {
                snapshot = new Exchange(index, request, response, List.copyOf(interim), requestBody.build(),
                        responseBody.build(), requestTrailers, responseTrailers, requestStart, requestEnd,
                        responseStart, responseEnd, requestBytes, responseBytes, state, problem, tunnelUp,
                        tunnelDown, scheme, authority, tunnelDecrypted);
            }
            return snapshot;
        }
    }

    /** True when the first line of a client stream looks like an HTTP/1.x request line. */
    public static boolean looksLikeHttpRequest(byte[] data, int length) {
        int n = Math.min(length, 8192);
        int lf = 0;
        while (lf < n && data[lf] != '\n') {
            lf++;
        }
        if (lf == n) {
            return false;
        }
        String line = new String(data, 0, lf, java.nio.charset.StandardCharsets.ISO_8859_1).stripTrailing();
        return line.matches("[A-Z]+ \\S+ HTTP/1\\.\\d");
    }

    /**
     * What a CONNECT tunnel carries, judged by the client's first bytes: HTTP when they start with a
     * request line (token method, target, {@code HTTP/1.x}, line end), OPAQUE as soon as they cannot
     * (a TLS record starts with 0x16), UNDECIDED while the line is incomplete.
     */
    public static TunnelStart tunnelStart(byte[] b, int len) {
        int i = 0;
        while (i < len && isTokenChar(b[i])) {
            i++;
        }
        if (i == len) {
            return undecidedUpTo(len);
        }
        if (i == 0 || b[i++] != ' ') {
            return TunnelStart.OPAQUE;
        }
        int targetStart = i;
        while (i < len && b[i] > ' ' && b[i] != 0x7f) {
            i++;
        }
        if (i == len) {
            return undecidedUpTo(len);
        }
        if (i == targetStart || b[i++] != ' ') {
            return TunnelStart.OPAQUE;
        }
        for (byte expected : VERSION_AND_LINE_END) {
            if (i == len) {
                return TunnelStart.UNDECIDED;
            }
            byte c = b[i++];
            if (expected == '\r' && c == '\n') {
                return TunnelStart.HTTP; // a bare LF ends the line too
            }
            boolean matches = expected == '#' ? c >= '0' && c <= '9' : c == expected;
            if (!matches) {
                return TunnelStart.OPAQUE;
            }
        }
        return TunnelStart.HTTP;
    }

    /** {@code HTTP/1.x} and the line end; '#' stands for the minor version digit. */
    private static final byte[] VERSION_AND_LINE_END = "HTTP/1.#\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** A request line longer than the decoder's largest head is not one it could decode: opaque. */
    private static TunnelStart undecidedUpTo(int len) {
        return len >= HttpDecoder.DEFAULT_MAX_HEAD_BYTES ? TunnelStart.OPAQUE : TunnelStart.UNDECIDED;
    }

    private static boolean isTokenChar(byte c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Bytes from the client ({@code fromClient}) or from the server, read at {@code timeNanos}. */
    public void onBytes(boolean fromClient, byte[] data, int off, int len, long timeNanos) {
        if (fromClient) {
            clientBytes(data, off, len, timeNanos);
        } else {
            feedResponses(data, off, len, timeNanos);
        }
        version++;
    }

    private void clientBytes(byte[] data, int off, int len, long timeNanos) {
        if (sniffingTunnel) {
            sniffTunnel(data, off, len, timeNanos);
        } else if (requests.awaitingDecision() || heldClientBytes.size() > 0) {
            heldClientBytes.write(data, off, len);
            heldClientTime = heldClientTime == 0 ? timeNanos : heldClientTime;
        } else {
            feedRequests(data, off, len, timeNanos);
        }
    }

    public void onBytes(boolean fromClient, byte[] data, long timeNanos) {
        onBytes(fromClient, data, 0, data.length, timeNanos);
    }

    /** The client (or server) finished sending. */
    public void onEof(boolean fromClient, long timeNanos) {
        if (fromClient) {
            if (sniffingTunnel) {
                leaveTunnelOpaque(); // too little arrived to be a request
            }
            if (!requests.awaitingDecision()) {
                requestEvents.clear();
                requests.finish(requestEvents);
                handleRequestEvents(timeNanos);
            }
        } else {
            responseEvents.clear();
            responses.finish(responseEvents);
            handleResponseEvents(timeNanos);
            for (Entry e : awaiting) {
                if (e.state == Exchange.State.WAITING || e.state == Exchange.State.REQUEST) {
                    e.state = Exchange.State.FAILED;
                    e.problem = "the server closed the connection without a response";
                    e.snapshot = null;
                }
            }
        }
        version++;
    }

    /** Immutable snapshots of every exchange so far, in order. Cheap when little changed. */
    public List<Exchange> exchanges() {
        List<Exchange> list = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            list.add(e.snapshot());
        }
        return list;
    }

    /** How many exchanges began so far (those let go by {@link #takeChanged()} included). */
    public int size() {
        return nextIndex;
    }

    /**
     * Snapshots of the exchanges that began or changed since the last call, in order, for a list that
     * follows the connection live; the exchanges that are over (complete or failed, nothing more can come
     * for them) are then let go, so a keep-alive connection with a hundred thousand requests costs the heap
     * only its open exchanges. {@link #exchanges()} then returns only those still held: use one or the other.
     */
    public List<Exchange> takeChanged() {
        List<Exchange> changed = new ArrayList<>();
        for (Entry e : entries) {
            if (e.snapshot == null) {
                changed.add(e.snapshot());
            }
        }
        entries.removeIf(this::isOver);
        return changed;
    }

    private boolean isOver(Entry e) {
        boolean done = e.state == Exchange.State.COMPLETE || e.state == Exchange.State.FAILED;
        boolean requestStillArriving = e == currentRequest && e.requestEnd == 0 && e.state != Exchange.State.FAILED;
        return done && e != currentResponse && e != tunnel && !requestStillArriving;
    }

    /** Grows whenever something was fed: a view redraws only when it changed. */
    public long version() {
        return version;
    }

    /** Why the client's (request) stream could not be decoded further, or null. */
    public String requestProblem() {
        return requestProblem;
    }

    /** Why the server's (response) stream could not be decoded further, or null. */
    public String responseProblem() {
        return responseProblem;
    }

    private void feedRequests(byte[] data, int off, int len, long time) {
        int end = off + len;
        while (off < end) {
            if (requests.atMessageBoundary()) {
                requestStartTime = time;
            }
            requestEvents.clear();
            int n = requests.feed(data, off, end - off, requestEvents);
            handleRequestEvents(time);
            off += n;
            if (requests.awaitingDecision()) {
                if (off < end) {
                    heldClientBytes.write(data, off, end - off);
                    heldClientTime = time;
                }
                return;
            }
        }
    }

    private void feedResponses(byte[] data, int off, int len, long time) {
        int end = off + len;
        while (off < end) {
            if (responses.atMessageBoundary()) {
                responseStartTime = time;
            }
            responseEvents.clear();
            int n = responses.feed(data, off, end - off, responseEvents);
            handleResponseEvents(time);
            off += n;
        }
    }

    private void handleRequestEvents(long time) {
        for (HttpEvent event : requestEvents) {
            if (event instanceof HttpEvent.Head h) {
                Entry e = newEntry();
                e.request = h.head();
                e.requestStart = requestStartTime;
                e.requestBytes = h.head().end() - h.head().start();
                entries.add(e);
                awaiting.addLast(e);
                currentRequest = e;
                responses.expectResponseTo(h.head().method());
            } else if (event instanceof HttpEvent.Data d) {
                if (currentRequest != null) {
                    currentRequest.requestBody.add(d.position(), d.length());
                    currentRequest.requestBytes = d.position() + d.length() - currentRequest.request.start();
                    currentRequest.snapshot = null;
                }
            } else if (event instanceof HttpEvent.Trailers t) {
                if (currentRequest != null) {
                    currentRequest.requestTrailers = t.trailers();
                }
            } else if (event instanceof HttpEvent.End end) {
                Entry e = currentRequest;
                if (e != null) {
                    e.requestEnd = time;
                    e.requestBytes = end.position() - e.request.start();
                    if (e.state == Exchange.State.REQUEST) {
                        e.state = Exchange.State.WAITING;
                    }
                    e.snapshot = null;
                }
            } else if (event instanceof HttpEvent.Tunnel t) {
                if (tunnel != null) {
                    tunnel.tunnelUp += t.length();
                    tunnel.snapshot = null;
                }
            } else if (event instanceof HttpEvent.Error err) {
                requestProblem = err.error().message();
                Entry e = currentRequest;
                if (e == null || e.state != Exchange.State.REQUEST) {
                    e = newEntry(); // bytes that never made a request head
                    entries.add(e);
                }
                e.state = Exchange.State.FAILED;
                e.problem = "request: " + err.error().message();
                e.snapshot = null;
                awaiting.remove(e);
            }
        }
    }

    private void handleResponseEvents(long time) {
        for (HttpEvent event : responseEvents) {
            if (event instanceof HttpEvent.Head h) {
                Entry e = awaiting.peekFirst();
                if (e == null) {
                    e = newEntry(); // a response nobody asked for (or we missed it)
                    entries.add(e);
                    awaiting.addLast(e);
                }
                if (e.responseStart == 0) {
                    e.responseStart = responseStartTime;
                }
                if (h.head().isInterim()) {
                    e.interim.add(h.head());
                } else {
                    awaiting.removeFirst();
                    e.response = h.head();
                    e.state = Exchange.State.RESPONSE;
                    currentResponse = e;
                }
                e.responseBytes += h.head().end() - h.head().start();
                e.snapshot = null;
            } else if (event instanceof HttpEvent.Data d) {
                Entry e = currentResponse;
                if (e != null) {
                    e.responseBody.add(d.position(), d.length());
                    e.responseBytes += d.length();
                    e.snapshot = null;
                }
            } else if (event instanceof HttpEvent.Trailers t) {
                if (currentResponse != null) {
                    currentResponse.responseTrailers = t.trailers();
                }
            } else if (event instanceof HttpEvent.End end) {
                Entry e = currentResponse;
                if (e == null || e.state != Exchange.State.RESPONSE) {
                    continue; // the end of an interim response
                }
                e.responseEnd = time;
                e.responseBytes = end.position() - e.response.start()
                        + e.interim.stream().mapToLong(i -> i.end() - i.start()).sum();
                e.snapshot = null;
                boolean switched = responses.inTunnel();
                e.state = switched ? Exchange.State.TUNNEL : Exchange.State.COMPLETE;
                if (switched) {
                    tunnel = e;
                    if ("CONNECT".equalsIgnoreCase(e.request == null ? null : e.request.method())) {
                        sniffingTunnel = true; // the client's first bytes tell TLS from decrypted HTTP
                    } else {
                        requests.startTunnel();
                    }
                } else if (e == currentRequest) {
                    requests.resume();
                }
                currentResponse = null;
                replayHeldClientBytes();
            } else if (event instanceof HttpEvent.Tunnel t) {
                if (tunnel != null) {
                    tunnel.tunnelDown += t.length();
                    tunnel.snapshot = null;
                }
            } else if (event instanceof HttpEvent.Error err) {
                responseProblem = err.error().message();
                Entry e = currentResponse != null ? currentResponse : awaiting.peekFirst();
                if (e == null) {
                    e = newEntry();
                    entries.add(e);
                }
                e.state = Exchange.State.FAILED;
                e.problem = "response: " + err.error().message();
                e.snapshot = null;
                awaiting.remove(e);
                currentResponse = null;
            }
        }
    }

    private void replayHeldClientBytes() {
        if (heldClientBytes.size() == 0 || (requests.awaitingDecision() && !sniffingTunnel)) {
            return;
        }
        byte[] held = heldClientBytes.toByteArray();
        heldClientBytes.reset();
        long time = heldClientTime;
        heldClientTime = 0;
        clientBytes(held, 0, held.length, time);
    }

    /**
     * The client's bytes fed from now on were TLS that Wirelens decrypted: requests decoded from them
     * (on a connection that starts so, or in the CONNECT tunnel that follows) get {@code https://} URLs.
     */
    public void clientSpokeTls() {
        clientTls = true;
        if (nextIndex == 0 && tunnel == null) {
            scheme = "https";
        }
    }

    private Entry newEntry() {
        return new Entry(nextIndex++, scheme, authority);
    }

    private void sniffTunnel(byte[] data, int off, int len, long time) {
        if (tunnelFirstBytes.size() == 0) {
            tunnelFirstTime = time;
        }
        tunnelFirstBytes.write(data, off, len);
        byte[] start = tunnelFirstBytes.toByteArray();
        switch (tunnelStart(start, start.length)) {
            case UNDECIDED -> {
            }
            case OPAQUE -> leaveTunnelOpaque();
            case HTTP -> decodeDecryptedTunnel();
        }
    }

    /** The tunnel is TLS (or another protocol) relayed as it was: count its bytes, decode nothing. */
    private void leaveTunnelOpaque() {
        sniffingTunnel = false;
        requests.startTunnel();
        replayTunnelFirstBytes();
    }

    /**
     * The tunnel carries plaintext HTTP: decode the rest of both streams as fresh messages, their
     * positions going on from where the CONNECT's ended, their URLs on the CONNECT target.
     */
    private void decodeDecryptedTunnel() {
        sniffingTunnel = false;
        Entry connect = tunnel;
        connect.tunnelDecrypted = true;
        connect.snapshot = null;
        String target = connect.request.target();
        scheme = clientTls ? "https" : "http";
        connect.scheme = scheme;
        String defaultPort = clientTls ? ":443" : ":80";
        authority = target.endsWith(defaultPort) ? target.substring(0, target.length() - defaultPort.length()) : target;
        tunnel = null;
        currentRequest = null;
        requests = new HttpDecoder(HttpDecoder.Role.REQUEST, HttpDecoder.DEFAULT_MAX_HEAD_BYTES, requests.position());
        responses = new HttpDecoder(HttpDecoder.Role.RESPONSE, HttpDecoder.DEFAULT_MAX_HEAD_BYTES, responses.position());
        replayTunnelFirstBytes();
    }

    private void replayTunnelFirstBytes() {
        byte[] start = tunnelFirstBytes.toByteArray();
        tunnelFirstBytes.reset();
        feedRequests(start, 0, start.length, tunnelFirstTime);
    }
}
