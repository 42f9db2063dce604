/**
 * SMTP (and LMTP) without I/O: detection from a connection's first bytes, an incremental decoder of both
 * directions (commands paired with replies, AUTH, the envelope, DATA and BDAT messages, STARTTLS), the
 * MIME view model of a message, and .eml export.
 *
 * <p>May import: the JDK only. No sockets, and none of engine, capture, ui or cli: the capture imports it
 * for the SMTP view and {@code --export-eml}.
 *
 * <p>Why it is shaped so:
 * <ul>
 * <li>A forward listener does not know what protocol it carries, so SMTP is recognised from the traffic:
 *     the server greets with {@code 220}, then the client says EHLO, HELO or LHLO.
 * <li>Sans-IO and fed both directions in capture order, split anywhere (tested with random splits and
 *     mutated input), so one decoder serves a live connection and a reopened capture alike.
 * <li>In three places the client's bytes mean nothing until the server has answered: after DATA they are
 *     a message only on 354, after AUTH a response only on 334, after STARTTLS TLS only on 220. There the
 *     decoder holds the client's bytes until the reply comes (at most 1 MiB); a real client waits too, so
 *     in capture order the reply normally comes first anyway. After STARTTLS the rest is counted, not
 *     decoded.
 * <li>Bad input never throws: what does not look like SMTP is listed as a problem (at most 1000). Lines
 *     are cut at 64 KiB, a message over 64 MiB is counted but not kept, MIME trees stop at depth 32 and
 *     10,000 parts, so a hostile session costs neither unbounded memory nor the stack.
 * <li>A message is kept as the bytes the server received, after dot-unstuffing, and the .eml export
 *     writes exactly those bytes: the export is evidence of what was sent, not a re-serialisation of a
 *     parsed message. The MIME model is built from them only to show text parts and attachments.
 * <li>{@code SmtpDecoder} is one state machine over both directions (pairing, client modes): split up,
 *     its states would be harder to follow. What its states feed lives beside it, each in a small class
 *     of its own: the transcript being built, the message being received (DATA unstuffing), AUTH's
 *     credentials, and lines and replies.
 * </ul>
 */
package wirelens.proto.smtp;
