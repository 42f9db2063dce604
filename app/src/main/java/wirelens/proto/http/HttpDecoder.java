package wirelens.proto.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Incremental HTTP/1.x decoder for one direction of a connection, without I/O: feed it bytes split
 * anywhere, it reports heads, body content and message ends as {@link HttpEvent}s.
 *
 * <p>{@link #feed} stops right after a message ends and returns how many bytes it consumed, so a
 * caller that wants to act between messages (a proxy answering pipelined requests in order) can; a
 * caller that does not simply feeds the rest again. After a CONNECT or Upgrade request the request
 * decoder waits ({@link #awaitingDecision()}, consuming nothing) until told whether the peer agreed:
 * {@link #startTunnel()} or {@link #resume()}.
 *
 * <p>A response's framing depends on the request it answers (HEAD, CONNECT), so the response decoder
 * is told each request method in order through {@link #expectResponseTo}; without one it assumes GET.
 *
 * <p>Malformed input never throws: the decoder reports one {@link HttpEvent.Error} and then consumes
 * and ignores everything else.
 *
 * <p>This class is the framing state machine; the grammar of start lines, fields and chunk-size lines
 * is {@link HeadSyntax}'s.
 */
public final class HttpDecoder {

    public enum Role { REQUEST, RESPONSE }

    /** The largest start line plus header section accepted (and the largest trailer section). */
    public static final int DEFAULT_MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 4096;
    
    private enum State {
        HEAD, LENGTH_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, AWAIT_DECISION, TUNNEL,
        CLOSED, ERROR
    }

    private final Role role;
    private final int maxHeadBytes;
    private final ArrayDeque<String> expectedMethods = new ArrayDeque<>();

    private State state = State.HEAD;
    private long position;
    private byte[] buf = new byte[512];
    private int bufLen;
    private int lineStart;
    private long messageStart;
    private long remaining;
    private MessageHead current;
    private HttpError error;
    private boolean endedInThisFeed;

    public HttpDecoder(Role role) {
        this(role, DEFAULT_MAX_HEAD_BYTES);
    }

    public HttpDecoder(Role role, int maxHeadBytes) {
        this(role, maxHeadBytes, 0);
    }

    /**
     * A decoder for a stream whose first {@code position} bytes were something else (the CONNECT head
     * before a decrypted tunnel): positions it reports go on from there, so body ranges stay ranges of
     * the whole stream.
     */
    public HttpDecoder(Role role, int maxHeadBytes, long position) {
        this.role = role;
        this.maxHeadBytes = maxHeadBytes;
        this.position = position;
    }

    public Role role() {
        return role;
    }

    /** Bytes consumed so far: the stream position of the next byte. */
    public long position() {
        return position;
    }

    /** The head of the message being decoded (or the last one), or null before the first. */
    public MessageHead current() {
        return current;
    }

    /** The error that stopped decoding, or null. */
    public HttpError error() {
        return error;
    }

    /** True between messages with no byte of the next one seen yet. */
    public boolean atMessageBoundary() {
        return state == State.HEAD && bufLen == 0;
    }

    /** True while a body is being read (after a head, before its end). */
    public boolean inBody() {
        return switch (state) {
            case LENGTH_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE -> true;
            default -> false;
        };
    }

    /** True while reading a response body that ends only when the connection closes. */
    public boolean readsUntilClose() {
        return state == State.UNTIL_CLOSE;
    }

    public boolean inTunnel() {
        return state == State.TUNNEL;
    }

    public boolean failed() {
        return state == State.ERROR;
    }

    /** After a CONNECT or Upgrade request: nothing is consumed until {@link #startTunnel} or {@link #resume}. */
    public boolean awaitingDecision() {
        return state == State.AWAIT_DECISION;
    }

    /** Response role: the next response answers a request with this method. */
    public void expectResponseTo(String method) {
        expectedMethods.addLast(method.toUpperCase(Locale.ROOT));
    }

    /** Every byte from now on is opaque tunnel data. */
    public void startTunnel() {
        if (state != State.ERROR) {
            state = State.TUNNEL;
        }
    }

    /** The CONNECT or Upgrade was refused: decode the next request. */
    public void resume() {
        if (state == State.AWAIT_DECISION) {
            startMessage();
        }
    }

    /**
     * Decodes from {@code data[off, off+len)}, appending events to {@code out}; stops after a message
     * end. Returns the number of bytes consumed (0 only while {@link #awaitingDecision()}).
     */
    public int feed(byte[] data, int off, int len, List<HttpEvent> out) {
        int i = off;
        int end = off + len;
        long base = position - off;
        endedInThisFeed = false;
        loop:
        while (i < end) {
            switch (state) {
                case HEAD -> {
                    i = readHead(data, i, end, base, out);
                    if (state == State.ERROR || state == State.AWAIT_DECISION || endedInThisFeed) {
                        break loop;
                    }
                }
                case LENGTH_BODY, UNTIL_CLOSE -> {
                    int n = (int) Math.min(remaining, end - i);
                    out.add(new HttpEvent.Data(base + i, data, i, n));
                    i += n;
                    if (state == State.LENGTH_BODY) {
                        remaining -= n;
                        if (remaining == 0) {
                            endMessage(base + i, false, out);
                            break loop;
                        }
                    }
                }
                case CHUNK_SIZE -> {
                    int lf = HeadSyntax.indexOfLf(data, i, end);
                    int stop = lf < 0 ? end : lf + 1;
                    if (!append(data, i, stop, MAX_CHUNK_LINE)) {
                        fail(HttpError.Kind.MALFORMED, "chunk size line longer than " + MAX_CHUNK_LINE + " bytes",
                                base + i, out);
                        i = end;
                        break loop;
                    }
                    i = stop;
                    if (lf >= 0) {
                        chunkSizeLine(base + i, out);
                        if (state == State.ERROR) {
                            i = end;
                            break loop;
                        }
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    out.add(new HttpEvent.Data(base + i, data, i, n));
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_END;
                        bufLen = 0;
                    }
                }
                case CHUNK_END -> {
                    byte b = data[i++];
                    if (b == '\n') {
                        state = State.CHUNK_SIZE;
                        bufLen = 0;
                    } else if (b != '\r' || bufLen > 0) {
                        fail(HttpError.Kind.MALFORMED, "chunk data not followed by CRLF", base + i - 1, out);
                        i = end;
                        break loop;
                    } else {
                        bufLen = 1;
                    }
                }
                case TRAILERS -> {
                    i = readTrailers(data, i, end, base, out);
                    if (state != State.TRAILERS) {
                        if (state == State.ERROR) {
                            i = end;
                        }
                        break loop;
                    }
                }
                case TUNNEL -> {
                    out.add(new HttpEvent.Tunnel(base + i, data, i, end - i));
                    i = end;
                }
                case AWAIT_DECISION -> {
                    break loop;
                }
                case CLOSED, ERROR -> {
                    i = end;
                }
            }
        }
        position = base + i;
        return i - off;
    }

    /** Convenience: feeds the whole array, looping over message ends (not for a decoder that may await a decision). */
    public List<HttpEvent> feedAll(byte[] data) {
        List<HttpEvent> out = new ArrayList<>();
        int off = 0;
        while (off < data.length) {
            int n = feed(data, off, data.length - off, out);
            if (n == 0) {
                break;
            }
            off += n;
        }
        return out;
    }

    /** The stream ended (EOF). Ends a body delimited by close, or reports a truncated message. */
    public void finish(List<HttpEvent> out) {
        switch (state) {
            case HEAD -> {
                if (bufLen > 0) {
                    fail(HttpError.Kind.TRUNCATED, "connection closed inside a message head", position, out);
                }
            }
            case UNTIL_CLOSE -> {
                endMessage(position, true, out);
                state = State.CLOSED;
            }
            case LENGTH_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS ->
                    fail(HttpError.Kind.TRUNCATED, "connection closed inside a message body", position, out);
            default -> {
            }
        }
        if (state != State.ERROR) {
            state = State.CLOSED;
        }
    }

    private int readHead(byte[] data, int i, int end, long base, List<HttpEvent> out) {
        while (i < end) {
            if (bufLen == 0) {
                messageStart = base + i;
            }
            int lf = HeadSyntax.indexOfLf(data, i, end);
            int stop = lf < 0 ? end : lf + 1;
            if (!append(data, i, stop, maxHeadBytes)) {
                fail(HttpError.Kind.HEAD_TOO_LARGE, "message head larger than " + maxHeadBytes + " bytes",
                        base + i, out);
                return end;
            }
            i = stop;
            if (lf < 0) {
                return i;
            }
            int lineEnd = bufLen - 1;
            if (lineEnd > lineStart && buf[lineEnd - 1] == '\r') {
                lineEnd--;
            }
            if (lineEnd == lineStart) {
                if (lineStart == 0) {
                    bufLen = 0; // blank lines before a message are ignored (RFC 9112 2.2)
                    continue;
                }
                headComplete(base + i, out);
                return i;
            }
            lineStart = bufLen;
        }
        return i;
    }

    private int readTrailers(byte[] data, int i, int end, long base, List<HttpEvent> out) {
        while (i < end) {
            int lf = HeadSyntax.indexOfLf(data, i, end);
            int stop = lf < 0 ? end : lf + 1;
            if (!append(data, i, stop, maxHeadBytes)) {
                fail(HttpError.Kind.HEAD_TOO_LARGE, "trailer section larger than " + maxHeadBytes + " bytes",
                        base + i, out);
                return end;
            }
            i = stop;
            if (lf < 0) {
                return i;
            }
            int lineEnd = bufLen - 1;
            if (lineEnd > lineStart && buf[lineEnd - 1] == '\r') {
                lineEnd--;
            }
            if (lineEnd == lineStart) {
                List<String> lines = HeadSyntax.lines(buf, 0, lineStart);
                List<Header> trailers = new ArrayList<>();
                String problem = HeadSyntax.parseFields(lines, 0, trailers);
                if (problem != null) {
                    fail(HttpError.Kind.MALFORMED, "bad trailer: " + problem, base + i, out);
                    return end;
                }
                if (!trailers.isEmpty()) {
                    out.add(new HttpEvent.Trailers(List.copyOf(trailers)));
                }
                endMessage(base + i, false, out);
                return i;
            }
            lineStart = bufLen;
        }
        return i;
    }

    private void headComplete(long endPosition, List<HttpEvent> out) {
        List<String> lines = HeadSyntax.lines(buf, 0, lineStart);
        String startLine = lines.get(0);
        List<Header> headers = new ArrayList<>();
        String problem = HeadSyntax.parseFields(lines, 1, headers);
        if (problem != null) {
            fail(HttpError.Kind.MALFORMED, problem, messageStart, out);
            return;
        }
        MessageHead head = role == Role.REQUEST
                ? HeadSyntax.parseRequestLine(startLine, headers, messageStart, endPosition)
                : HeadSyntax.parseStatusLine(startLine, headers, messageStart, endPosition);
        if (head == null) {
            fail(HttpError.Kind.MALFORMED, "bad " + (role == Role.REQUEST ? "request" : "status") + " line: "
                    + HeadSyntax.printable(startLine), messageStart, out);
            return;
        }
        current = head;
        bufLen = 0;
        lineStart = 0;
        out.add(new HttpEvent.Head(head));
        if (role == Role.REQUEST) {
            frameRequest(head, endPosition, out);
        } else {
            frameResponse(head, endPosition, out);
        }
    }

    private void frameRequest(MessageHead head, long at, List<HttpEvent> out) {
        List<String> te = head.headers("Transfer-Encoding");
        if (!te.isEmpty()) {
            if (HeadSyntax.lastCodingIsChunked(te)) {
                state = State.CHUNK_SIZE;
            } else {
                fail(HttpError.Kind.UNSUPPORTED, "request Transfer-Encoding not ending in chunked: "
                        + String.join(", ", te), at, out);
            }
            return;
        }
        long length = contentLength(head, at, out);
        if (length < 0) {
            return;
        }
        startBody(length, at, out);
    }

    private void frameResponse(MessageHead head, long at, List<HttpEvent> out) {
        int status = head.status();
        if (head.isInterim()) {
            endMessage(at, false, out); // the same request still awaits its final response
            return;
        }
        String method = expectedMethods.isEmpty() ? "GET" : expectedMethods.removeFirst();
        if (status == 101 || ("CONNECT".equals(method) && status >= 200 && status < 300)) {
            out.add(new HttpEvent.End(at, false));
            endedInThisFeed = true;
            state = State.TUNNEL;
            return;
        }
        if ("HEAD".equals(method) || status == 204 || status == 304) {
            endMessage(at, false, out);
            return;
        }
        List<String> te = head.headers("Transfer-Encoding");
        if (!te.isEmpty()) {
            if (HeadSyntax.lastCodingIsChunked(te)) {
                state = State.CHUNK_SIZE;
            } else {
                state = State.UNTIL_CLOSE;
                remaining = Long.MAX_VALUE;
            }
            return;
        }
        if (head.header("Content-Length") == null) {
            state = State.UNTIL_CLOSE;
            remaining = Long.MAX_VALUE;
            return;
        }
        long length = contentLength(head, at, out);
        if (length >= 0) {
            startBody(length, at, out);
        }
    }

    private void startBody(long length, long at, List<HttpEvent> out) {
        if (length == 0) {
            endMessage(at, false, out);
        } else {
            state = State.LENGTH_BODY;
            remaining = length;
        }
    }

    /** Returns the Content-Length (0 when absent), or -1 after reporting an error. */
    private long contentLength(MessageHead head, long at, List<HttpEvent> out) {
        long length = -2;
        for (String value : head.headers("Content-Length")) {
            for (String part : value.split(",", -1)) {
                long n = HeadSyntax.parseDecimal(part.trim());
                if (n < 0 || (length >= 0 && n != length)) {
                    fail(HttpError.Kind.MALFORMED, "bad Content-Length: " + HeadSyntax.printable(value), at, out);
                    return -1;
                }
                length = n;
            }
        }
        return length == -2 ? 0 : length;
    }

    private void endMessage(long at, boolean byClose, List<HttpEvent> out) {
        out.add(new HttpEvent.End(at, byClose));
        endedInThisFeed = true;
        if (byClose) {
            state = State.CLOSED;
            return;
        }
        if (role == Role.REQUEST && current != null
                && ("CONNECT".equals(current.methodUpper()) || isUpgradeRequest(current))) {
            state = State.AWAIT_DECISION;
            return;
        }
        startMessage();
    }

    private void startMessage() {
        state = State.HEAD;
        bufLen = 0;
        lineStart = 0;
    }

    /** An HTTP/1.1 request asking to switch protocols (WebSocket and the like). */
    public static boolean isUpgradeRequest(MessageHead head) {
        return head.isRequest() && head.header("Upgrade") != null && head.hasToken("Connection", "upgrade");
    }

    private void chunkSizeLine(long at, List<HttpEvent> out) {
        int n = bufLen;
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
            n--;
        }
        long size = HeadSyntax.chunkSize(buf, n);
        if (size < 0) {
            fail(HttpError.Kind.MALFORMED, "bad chunk size: " + HeadSyntax.printable(new String(buf, 0, n,
                    StandardCharsets.ISO_8859_1)), at, out);
            return;
        }
        bufLen = 0;
        lineStart = 0;
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            state = State.CHUNK_DATA;
            remaining = size;
        }
    }

    private boolean append(byte[] data, int from, int to, int limit) {
        int n = to - from;
        if (bufLen + n > limit) {
            return false;
        }
        if (bufLen + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.min(limit, Math.max(buf.length * 2, bufLen + n)));
        }
        System.arraycopy(data, from, buf, bufLen, n);
        bufLen += n;
        return true;
    }

    private void fail(HttpError.Kind kind, String message, long at, List<HttpEvent> out) {
        error = new HttpError(kind, message);
        state = State.ERROR;
        buf = new byte[0];
        bufLen = 0;
        out.add(new HttpEvent.Error(error, at));
    }
}
