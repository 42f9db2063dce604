/**
 * The protocol views beside a connection's bytes: the HTTP view (exchanges, heads, bodies with chunked
 * framing and gzip / deflate / br undone, as text, hex or image) and the SMTP view (transcript,
 * envelope, messages and their MIME parts, credentials, problems); the connection's tab that offers
 * them ({@link wirelens.ui.protocol.ConnectionTab}, sniffing the first bytes when the listener does not
 * say), the decoder that follows a growing connection ({@link wirelens.ui.protocol.ProtocolFollower}),
 * File &rarr; Export ({@link wirelens.ui.protocol.ExportActions}: HAR, .eml), and the request to edit and
 * resend an exchange ({@link wirelens.ui.protocol.ResendRequested}, an event that bubbles up to the window,
 * so a view need not know the editor). One side of an HTTP exchange ({@link wirelens.ui.protocol.MessagePane}:
 * head, body as text, hex or image) also serves the Flows list's detail.
 *
 * <p>May import: {@code wirelens.capture}, {@code wirelens.proto}, {@code wirelens.engine},
 * {@code wirelens.base}, {@code wirelens.ui.base} and RichTextFX. The window imports it; it does not
 * import the stream views or the TLS panel (a tab gets them as nodes).
 *
 * <p>Why it is shaped so: the same path serves a live capture and a reopened one. A follower reads new
 * chunks back from the capture file and decodes them off the FX thread, one step in flight per view,
 * and hands the newest snapshot to its view at the next pulse, so a view redraws at most once per pulse
 * however fast chunks come. Bodies are read back by range and what is rendered is capped, so a 1 GiB
 * download costs a few MiB. Message heads are small, so they are RichTextFX areas with the method,
 * target, status code (coloured by class) and header names styled. A SOCKS5 connection's handshake is
 * one line beside the view buttons, not bytes in the views: it is no stream data.
 */
package wirelens.ui.protocol;
