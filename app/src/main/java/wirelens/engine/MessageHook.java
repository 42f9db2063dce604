package wirelens.engine;

import wirelens.proto.http.MessageHead;

/**
 * Breakpoints at the level of HTTP messages: the engine asks the hook about each request and each final
 * response as its head arrives, on the HTTP proxy (also inside a CONNECT tunnel whose TLS Wirelens
 * decrypts) and on forward and SOCKS5 connections whose client speaks HTTP/1.x (plain or decrypted); a
 * message the hook wants is buffered whole (up to {@link #MAX_BODY_BYTES} of body; a larger one goes on
 * as it is, with a notice) and handed to {@link #held}. It stays held, and its connection pauses, until
 * {@link Engine#resumeMessage} says what to do with it; every other connection flows on. Both methods run on a selector thread: quick, never
 * blocking. A hook that throws is reported and the message goes on unheld.
 */
public interface MessageHook {

    /** The largest body held whole; a larger message passes its breakpoint with a notice. */
    int MAX_BODY_BYTES = 16 << 20;

    /** Whether to hold the message whose head just came. */
    boolean wants(MessageContext context);

    /**
     * False while the hook wants nothing at all (breakpoints off): reads are then recorded as they come,
     * without waiting for the session to look at them. Any thread; cheap, as it is asked for every read.
     */
    default boolean active() {
        return true;
    }

    /** The message is held whole until {@link Engine#resumeMessage}. */
    void held(HeldMessage message);

    /**
     * Where a message comes from: its connection and listener, the absolute URL of the request, the
     * request head, for a response its head (null for a request), and for a message on a connection to one
     * origin (inside a CONNECT tunnel whose TLS Wirelens decrypts, on a forward or SOCKS5 connection) the
     * only origin its request can go to (null on the plain proxy).
     */
    record MessageContext(long connectionId, ListenerConfig listener, String url, MessageHead request,
            MessageHead response, TunnelOrigin tunnel) {

        public MessageContext(long connectionId, ListenerConfig listener, String url, MessageHead request,
                MessageHead response) {
            this(connectionId, listener, url, request, response, null);
        }

        public boolean isResponse() {
            return response != null;
        }

        /** The head of the message itself. */
        public MessageHead head() {
            return response != null ? response : request;
        }
    }

    /**
     * A message held whole: {@code id} counts holds on its connection; {@code body} is its content with
     * the chunked framing removed and any Content-Encoding still applied ({@link
     * wirelens.proto.http.HttpMessages#valid} makes an edit of it a valid message again).
     */
    record HeldMessage(MessageContext context, long id, byte[] body) {

        public long connectionId() {
            return context.connectionId();
        }

        public boolean isResponse() {
            return context.isResponse();
        }

        public MessageHead head() {
            return context.head();
        }
    }

    /** What becomes of a held message. */
    sealed interface Verdict {

        /** Send {@code message} (one complete message in wire form) in its place, or the original on null. */
        record Continue(byte[] message) implements Verdict {}

        /**
         * A request: answer the client {@code 502} (then close) when {@code answer502}, else close the
         * connection; a response: close the connection (the client gets nothing of it).
         */
        record Drop(boolean answer502) implements Verdict {}

        /** A request: answer the client with {@code response} (wire form); the server never sees the request. */
        record Answer(byte[] response) implements Verdict {}
    }
}
