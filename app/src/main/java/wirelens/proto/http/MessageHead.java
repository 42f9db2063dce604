package wirelens.proto.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The start line and header section of a request or response, as decoded. Requests have a
 * {@code method} and {@code target} (status is 0); responses have a {@code status} and {@code reason}
 * (method and target are null). {@code start} and {@code end} are positions in the direction's byte
 * stream: the head occupies bytes {@code [start, end)}.
 */
public record MessageHead(String method, String target, int status, String reason, String version,
        List<Header> headers, long start, long end) {

    public MessageHead {
        headers = List.copyOf(headers);
    }

    public boolean isRequest() {
        return method != null;
    }

    /** A 1xx response other than 101: a final response to the same request follows. */
    public boolean isInterim() {
        return !isRequest() && status >= 100 && status < 200 && status != 101;
    }

    /** The value of the first header with that name (any case), or null. */
    public String header(String name) {
        for (Header h : headers) {
            if (h.is(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** Every value of that header, in order. */
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (Header h : headers) {
            if (h.is(name)) {
                values.add(h.value());
            }
        }
        return values;
    }

    /** True when a comma-separated header (e.g. Connection) lists {@code token}, in any case. */
    public boolean hasToken(String name, String token) {
        for (String value : headers(name)) {
            for (String part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    public boolean isHttp10() {
        return "HTTP/1.0".equals(version);
    }

    /** The first line as it would be written: {@code GET /x HTTP/1.1} or {@code HTTP/1.1 200 OK}. */
    public String startLine() {
        return isRequest() ? method + " " + target + " " + version
                : version + " " + status + (reason.isEmpty() ? "" : " " + reason);
    }

    /** The head in wire form with CRLF line ends, headers in their order and case. */
    public String toWireText() {
        StringBuilder sb = new StringBuilder(startLine()).append("\r\n");
        for (Header h : headers) {
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** The media type without parameters, lower case, or "" when there is no Content-Type. */
    public String mediaType() {
        return ContentTypes.mediaType(header("Content-Type"));
    }

    String methodUpper() {
        return method == null ? null : method.toUpperCase(Locale.ROOT);
    }
}
