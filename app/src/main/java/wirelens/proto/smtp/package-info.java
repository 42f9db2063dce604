/**
 * SMTP as a sans-IO, incremental decoder: commands paired with replies, AUTH decoding, the envelope,
 * DATA/BDAT messages after dot-unstuffing, STARTTLS, and .eml export.
 *
 * <p>May import: the JDK. No sockets, no engine, no ui.
 */
package wirelens.proto.smtp;
