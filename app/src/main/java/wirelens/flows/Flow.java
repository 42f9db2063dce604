package wirelens.flows;

import java.util.Locale;
import wirelens.proto.http.Exchange;

/**
 * One HTTP exchange as a row of the Flows list: what the user scans a list for, and where to find the
 * rest. Heads and bodies stay in the capture file; {@link Flows#exchange} decodes them again when a flow
 * is shown, copied or exported, so a hundred thousand rows cost the heap a few hundred bytes each.
 *
 * @param number         position in arrival order across connections (1-based); names the flow in
 *                       {@code --curl N}
 * @param connectionId   the connection that carried it
 * @param index          the exchange's position on its connection (0-based, as {@link Exchange#index()})
 * @param startNanos     the request's first byte, epoch nanoseconds
 * @param method         the request method
 * @param origin         {@code scheme://host[:port]}, or "" when the request named no host
 * @param path           path and query as sent ("" for CONNECT)
 * @param status         the final response's status, 0 while there is none
 * @param reason         its reason phrase ("" while there is none)
 * @param state          how far the exchange got
 * @param contentType    the response's media type, "" when it has none
 * @param requestBodyBytes  the request body's size as sent (chunked framing left out)
 * @param responseBodyBytes the response body's size as sent (chunked framing left out, before decoding)
 * @param requestEndNanos   the request's last byte, 0 while it arrives
 * @param responseStartNanos the response's first byte, 0 while there is none
 * @param responseEndNanos   the response's last byte, 0 while it arrives
 * @param tls            the request came over TLS that Wirelens decrypted
 * @param resent         the flow was sent again from Wirelens' resend editor (its connection came in on the
 *                       internal listener named {@link #RESEND_LISTENER})
 * @param problem        what went wrong, or null
 */
public record Flow(int number, long connectionId, int index, long startNanos, String method, String origin, String path,
        int status, String reason, Exchange.State state, String contentType, long requestBodyBytes,
        long responseBodyBytes, long requestEndNanos, long responseStartNanos, long responseEndNanos, boolean tls,
        boolean resent, String problem) {

    /** The name of the internal listener that edited requests are sent again through. */
    public static final String RESEND_LISTENER = "Resend";

    /** Identifies a flow across updates: an exchange of a connection. */
    public record Key(long connectionId, int index) {}

    public Key key() {
        return new Key(connectionId, index);
    }

    /** The request's absolute URL. */
    public String url() {
        return origin + path;
    }

    /** Waiting for (the rest of) its response. */
    public boolean pending() {
        return state == Exchange.State.REQUEST || state == Exchange.State.WAITING || state == Exchange.State.RESPONSE;
    }

    /** Request's first byte to response's last, nanoseconds; -1 while unfinished. */
    public long durationNanos() {
        return responseEndNanos == 0 || startNanos == 0 ? -1 : responseEndNanos - startNanos;
    }

    /** Request's last byte to response's first (time to first byte), nanoseconds; -1 when unknown. */
    public long waitNanos() {
        return responseStartNanos == 0 || requestEndNanos == 0 ? -1 : Math.max(0, responseStartNanos - requestEndNanos);
    }

    /** The host part of the origin, without scheme and port ("" when none). */
    public String host() {
        int from = origin.indexOf("://");
        String authority = from < 0 ? origin : origin.substring(from + 3);
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close < 0 ? authority : authority.substring(0, close + 1);
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    /** {@code 404}, or {@code -} while there is no final response (as {@code --flows} prints it). */
    public String statusLabel() {
        return status == 0 ? "-" : Integer.toString(status);
    }

    /** How the list shows the status: the code and reason, or how far a flow without one got. */
    public String statusText() {
        return switch (state) {
            case REQUEST -> "sending\u2026";
            case WAITING -> "pending";
            case RESPONSE -> status + " \u2026";
            case FAILED -> status == 0 ? "failed" : status + " (failed)";
            case TUNNEL -> status + " tunnel";
            case COMPLETE -> (status + " " + reason).strip();
        };
    }

    /** {@code 12.3ms}, or {@code -} while unfinished (as {@code --flows} prints it). */
    public String durationLabel() {
        long d = durationNanos();
        return d < 0 ? "-" : String.format(Locale.ROOT, "%.1fms", d / 1e6);
    }
}
