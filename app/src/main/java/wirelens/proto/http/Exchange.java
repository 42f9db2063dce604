package wirelens.proto.http;

import java.util.List;

/**
 * One request and its response on a connection, as far as they have arrived: an immutable snapshot
 * taken by {@link ExchangeLog#exchanges()}. Bodies are {@link BodyRef}s into the connection's byte
 * streams (request body in the client-to-server stream, response body in the server-to-client
 * stream); read them with {@link Bodies}. Times are the nanosecond timestamps of the chunks that
 * carried the first/last byte (0 = not yet). Sizes are wire bytes (head plus framed body).
 *
 * @param index         0-based position on the connection
 * @param request       the request head, or null for a response nobody asked for
 * @param response      the final response head, or null while waiting
 * @param interim       1xx responses before the final one (e.g. 100 Continue)
 * @param state         how far the exchange got
 * @param problem       what went wrong when state is FAILED, else null
 * @param tunnelBytesUp bytes the client sent through the tunnel after CONNECT/Upgrade
 * @param scheme        {@code http}, or {@code https} for a request that came over TLS Wirelens decrypted (a
 *                      CONNECT tunnel, or a forward listener's client that spoke TLS); on a CONNECT whose
 *                      tunnel was decoded, what the tunnel carried
 * @param authority     where a request inside a CONNECT tunnel went ({@code host[:port]}, from the CONNECT
 *                      target), or null: then the request's own target or Host says
 * @param tunnelDecrypted for a CONNECT in state TUNNEL: the tunnel carried plaintext HTTP (TLS that Wirelens
 *                      decrypted when {@code scheme} is {@code https}, else HTTP sent as it is), decoded as the
 *                      exchanges after this one and not counted in the tunnel bytes
 */
public record Exchange(int index, MessageHead request, MessageHead response, List<MessageHead> interim,
        BodyRef requestBody, BodyRef responseBody, List<Header> requestTrailers, List<Header> responseTrailers,
        long requestStartNanos, long requestEndNanos, long responseStartNanos, long responseEndNanos,
        long requestBytes, long responseBytes, State state, String problem, long tunnelBytesUp,
        long tunnelBytesDown, String scheme, String authority, boolean tunnelDecrypted) {

    public enum State {
        /** The request is still arriving. */
        REQUEST,
        /** The request is complete, no response yet. */
        WAITING,
        /** The response is arriving. */
        RESPONSE,
        COMPLETE,
        /**
         * CONNECT or Upgrade succeeded: opaque bytes follow (or, for a CONNECT whose tunnel Wirelens
         * decrypted, the exchanges after this one).
         */
        TUNNEL,
        FAILED
    }

    public String method() {
        return request == null ? "" : request.method();
    }

    /** The status code, or 0 while there is no final response. */
    public int status() {
        return response == null ? 0 : response.status();
    }

    /**
     * The target as the client wrote it, made absolute where it was origin-form: from Host, or inside a
     * decrypted tunnel from the CONNECT target ({@code https://host:8443/path}).
     */
    public String url() {
        if (request == null) {
            return "";
        }
        String target = request.target();
        if (authority == null || target.contains("://") || "CONNECT".equalsIgnoreCase(request.method())) {
            return absoluteUrl(request, scheme);
        }
        return scheme + "://" + authority + ("*".equals(target) ? "/" : target);
    }

    /**
     * The absolute URL of a request: absolute-form as is, origin-form with {@code scheme} and Host, and
     * for CONNECT's authority-form {@code https://host:port/}.
     */
    public static String absoluteUrl(MessageHead request, String scheme) {
        String target = request.target();
        if (target.contains("://")) {
            return target;
        }
        if ("CONNECT".equalsIgnoreCase(request.method())) {
            return "https://" + target + "/";
        }
        String host = request.header("Host");
        if (host == null || host.isEmpty()) {
            return target;
        }
        return scheme + "://" + host + ("*".equals(target) ? "/" : target);
    }

    /** Time from the request's first byte to the response's last, in nanoseconds, or -1 if unfinished. */
    public long durationNanos() {
        return responseEndNanos == 0 || requestStartNanos == 0 ? -1 : responseEndNanos - requestStartNanos;
    }

    public String requestHeader(String name) {
        return request == null ? null : request.header(name);
    }

    public String responseHeader(String name) {
        return response == null ? null : response.header(name);
    }
}
