package wirelens.proto.http;

/**
 * What the decoder found in the bytes it was fed. Positions count bytes of one direction's stream
 * from 0. {@link Data} and {@link Tunnel} refer to the array that was fed (no copy): use or copy the
 * bytes before feeding that array again.
 */
public sealed interface HttpEvent {

    /** A complete start line and header section. */
    record Head(MessageHead head) implements HttpEvent {}

    /** Body content (after removing chunked framing) found at {@code position} in the stream. */
    record Data(long position, byte[] array, int offset, int length) implements HttpEvent {}

    /** The trailer fields after the last chunk of a chunked body (only when there were some). */
    record Trailers(java.util.List<Header> trailers) implements HttpEvent {}

    /**
     * The message is complete; its last framing byte ends before {@code position}. {@code byClose}
     * is true for a response body delimited by the connection closing.
     */
    record End(long position, boolean byClose) implements HttpEvent {}

    /** Opaque bytes after CONNECT 2xx or 101 Switching Protocols. */
    record Tunnel(long position, byte[] array, int offset, int length) implements HttpEvent {}

    /** Decoding stopped; every later byte is left undecoded. */
    record Error(HttpError error, long position) implements HttpEvent {}
}
