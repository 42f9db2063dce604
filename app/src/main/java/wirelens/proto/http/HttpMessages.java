package wirelens.proto.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Whole HTTP/1.x messages as a user edits them (at a breakpoint, in the resend editor): one complete
 * message parsed from its wire bytes, and a message made valid again after its head or body was edited.
 * Pure functions: bytes in, bytes out.
 */
public final class HttpMessages {

    private HttpMessages() {}

    /**
     * One complete message: its head, and its body content with the chunked framing removed (any
     * Content-Encoding still applied). {@code untilClose}: a response whose body only the connection's close
     * ends (no Content-Length, not chunked).
     */
    public record Whole(MessageHead head, byte[] body, boolean untilClose) {}

    /**
     * Parses {@code wire} as exactly one complete message ({@code requestMethod}: the method a response
     * answers, null for GET). Throws {@link IllegalArgumentException} saying what is wrong: not HTTP, cut
     * short, bytes after its end, a 1xx response, a CONNECT or Upgrade request.
     */
    public static Whole parse(byte[] wire, HttpDecoder.Role role, String requestMethod) {
        HttpDecoder decoder = new HttpDecoder(role);
        if (role == HttpDecoder.Role.RESPONSE) {
            decoder.expectResponseTo(requestMethod == null ? "GET" : requestMethod);
        }
        List<HttpEvent> events = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int consumed = decoder.feed(wire, 0, wire.length, events);
        collect(events, body);
        MessageHead head = decoder.current();
        if (head != null && head.isRequest() && (decoder.awaitingDecision() || "CONNECT".equalsIgnoreCase(head.method()))) {
            throw new IllegalArgumentException("a CONNECT or Upgrade request cannot be sent as an edited message");
        }
        End end = endOf(events);
        if (end == null && decoder.error() == null && consumed == wire.length) {
            events.clear();
            decoder.finish(events);
            collect(events, body);
            end = endOf(events);
        }
        if (decoder.error() != null) {
            throw new IllegalArgumentException("not a valid HTTP message: " + decoder.error().message());
        }
        if (head == null) {
            throw new IllegalArgumentException("not an HTTP message: no complete head (a blank line ends the headers)");
        }
        if (head.isInterim()) {
            throw new IllegalArgumentException("a " + head.status() + " response is interim: a final response is needed");
        }
        if (end == null) {
            throw new IllegalArgumentException("the message ends before its body does");
        }
        if (consumed < wire.length) {
            throw new IllegalArgumentException((wire.length - consumed) + " bytes after the end of the message");
        }
        return new Whole(head, body.toByteArray(), end.byClose());
    }

    private record End(boolean byClose) {}

    private static End endOf(List<HttpEvent> events) {
        for (HttpEvent e : events) {
            if (e instanceof HttpEvent.End end) {
                return new End(end.byClose());
            }
        }
        return null;
    }

    private static void collect(List<HttpEvent> events, ByteArrayOutputStream body) {
        for (HttpEvent e : events) {
            if (e instanceof HttpEvent.Data d) {
                body.write(d.array(), d.offset(), d.length());
            }
        }
    }

    /**
     * The message in wire form, valid for its body. {@code content} is the body as the user sees it: with
     * {@code contentDecoded} its Content-Encoding is applied again (gzip, x-gzip, deflate; a coding Wirelens
     * cannot apply, such as br, is dropped from the head and the body goes as it is), else it is sent as
     * given. A chunked message gets its body as one chunk; any other gets a Content-Length for the body's
     * length, except a request with no body and none before, and a 1xx, 204 or 304 response, which has no
     * body ({@link IllegalArgumentException} if one was given).
     */
    public static byte[] valid(String startLine, List<Header> headers, byte[] content, boolean contentDecoded) {
        List<String> codings = Bodies.codings(firstValue(headers, "Content-Encoding"));
        byte[] body = content;
        boolean dropCodings = false;
        if (contentDecoded && !codings.isEmpty()) {
            if (canEncode(codings)) {
                body = encode(codings, content);
            } else {
                dropCodings = true;
            }
        }
        boolean chunked = isChunked(headers);
        boolean request = !startLine.startsWith("HTTP/");
        int status = request ? 0 : statusOf(startLine);
        boolean bodiless = !request && (status < 200 || status == 204 || status == 304);
        if (bodiless && body.length > 0) {
            throw new IllegalArgumentException("a " + status + " response has no body");
        }
        boolean hadLength = firstValue(headers, "Content-Length") != null;
        boolean withLength = !chunked && !bodiless && (!request || body.length > 0 || hadLength);

        StringBuilder head = new StringBuilder(256).append(startLine).append("\r\n");
        boolean lengthWritten = false;
        for (Header h : headers) {
            if (h.is("Content-Length")) {
                if (withLength && !lengthWritten) {
                    head.append(h.name()).append(": ").append(body.length).append("\r\n");
                    lengthWritten = true;
                }
                continue;
            }
            if (dropCodings && h.is("Content-Encoding")) {
                continue;
            }
            head.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (withLength && !lengthWritten) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length + 16);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (chunked) {
            if (body.length > 0) {
                out.writeBytes((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(body);
                out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    /** As {@link #valid(String, List, byte[], boolean)}, keeping the start line and headers of {@code head}. */
    public static byte[] valid(MessageHead head, byte[] content, boolean contentDecoded) {
        return valid(head.startLine(), head.headers(), content, contentDecoded);
    }

    /** Whether Wirelens can apply every one of these content codings again. */
    public static boolean canEncode(List<String> codings) {
        for (String c : codings) {
            if (!c.equals("gzip") && !c.equals("x-gzip") && !c.equals("deflate")) {
                return false;
            }
        }
        return true;
    }

    private static byte[] encode(List<String> codings, byte[] content) {
        byte[] data = content;
        for (String coding : codings) { // listed in the order they were applied (RFC 9110 8.4)
            ByteArrayOutputStream buf = new ByteArrayOutputStream(data.length / 2 + 64);
            try (OutputStream z = coding.equals("deflate") ? new DeflaterOutputStream(buf) : new GZIPOutputStream(buf)) {
                z.write(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // in memory: does not happen
            }
            data = buf.toByteArray();
        }
        return data;
    }

    private static boolean isChunked(List<Header> headers) {
        for (Header h : headers) {
            if (h.is("Transfer-Encoding")) {
                for (String token : h.value().split(",")) {
                    if (token.strip().toLowerCase(Locale.ROOT).equals("chunked")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static int statusOf(String startLine) {
        String[] parts = startLine.split(" ", 3);
        try {
            return parts.length < 2 ? 0 : Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a status line: " + startLine);
        }
    }

    private static String firstValue(List<Header> headers, String name) {
        for (Header h : headers) {
            if (h.is(name)) {
                return h.value();
            }
        }
        return null;
    }

    /**
     * Headers from text lines {@code Name: value} (blank lines skipped); {@link IllegalArgumentException}
     * names the first line that is not a header.
     */
    public static List<Header> parseHeaders(String text) {
        List<Header> headers = new ArrayList<>();
        int number = 0;
        for (String line : text.split("\r?\n", -1)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).strip().equals(line.substring(0, colon))
                    || !line.substring(0, colon).chars().allMatch(HttpMessages::isTokenChar)) {
                throw new IllegalArgumentException("line " + number + " is not a header (Name: value): " + line);
            }
            headers.add(new Header(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
        return headers;
    }

    private static boolean isTokenChar(int c) {
        return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
}
