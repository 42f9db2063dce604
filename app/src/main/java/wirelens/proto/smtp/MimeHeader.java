package wirelens.proto.smtp;

/**
 * One header field. {@code raw} is the value as sent (folding line ends included); {@code value} is
 * unfolded, trimmed, and has RFC 2047 encoded words decoded.
 */
public record MimeHeader(String name, String raw, String value) {}
