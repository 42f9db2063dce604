/**
 * HTTP/1.x without I/O: an incremental message decoder (bytes in, heads, body pieces and message ends
 * out), the exchanges of a connection built from its bytes, body decoding (chunked, gzip, deflate, br),
 * HAR 1.2 export, and whole messages as a user edits them ({@link wirelens.proto.http.HttpMessages}: one
 * message parsed, and made valid again after an edit: Content-Length, chunked framing and Content-Encoding).
 *
 * <p>May import: the JDK, Jackson (HAR) and {@code org.brotli.dec}. No sockets, and none of engine, capture,
 * ui or cli: they import this package (the engine's HTTP proxy session, the capture's exchange views).
 *
 * <p>Why it is shaped so:
 * <ul>
 * <li>Sans-IO, so one decoder serves the proxy on the selector thread, the window's live and reopened
 *     views, and the exports; it is tested with scripted input split at random points, down to one byte
 *     at a time, and with mutated input.
 * <li>{@link wirelens.proto.http.HttpDecoder#feed} stops right after each message, so the proxy can answer
 *     pipelined requests in order; after a CONNECT or Upgrade request it consumes nothing until told whether
 *     the peer agreed; a response's framing depends on the request it answers, so the response decoder is
 *     told each request method in order.
 * <li>A CONNECT tunnel whose TLS Wirelens decrypted holds plaintext HTTP in the capture; the exchange log
 *     tells it from a relayed tunnel by the client's first bytes (a request line, not a TLS record:
 *     {@link wirelens.proto.http.ExchangeLog#tunnelStart}, which the engine's proxy asks too) and
 *     decodes it with fresh decoders whose positions go on from the CONNECT's, so body ranges stay ranges
 *     of the whole stream and the same {@code ByteSource} reads them.
 * <li>Bad input never throws: the decoder reports one error and ignores the rest, so a malformed peer can
 *     neither stop the engine thread nor break a view. Heads are limited to 64 KiB (the proxy answers
 *     431), a head to 1000 headers and a chunk-size line to 4 KiB.
 * <li>Exchanges hold heads and body ranges (positions in a direction's byte stream), never body bytes.
 *     Bodies are read back on demand through a {@link wirelens.proto.http.ByteSource} (the capture file,
 *     by range) with a byte cap, and HAR export streams its JSON one body at a time, so a 1 GiB download
 *     costs the heap nothing until someone looks at it, and then only the capped part.
 * <li>{@code HttpDecoder} is one state machine for message framing (head, Content-Length, chunked,
 *     read-until-close, tunnel), kept in one piece because split up its states would be harder to
 *     follow; the grammar it applies (start lines, fields, chunk sizes) is pure functions in
 *     {@code HeadSyntax}.
 * </ul>
 */
package wirelens.proto.http;
