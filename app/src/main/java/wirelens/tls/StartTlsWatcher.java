package wirelens.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Follows the plaintext of a mail connection (SMTP, IMAP, POP3) to find the moment it turns into TLS:
 * the client's {@code STARTTLS} (POP3: {@code STLS}) and the server's go-ahead to it (SMTP {@code 220},
 * IMAP the command's tagged {@code OK}, POP3 {@code +OK}). The switch is made there and nowhere else, never
 * on bytes that merely look like a ClientHello. The protocol is told by the server's greeting.
 *
 * <p>Bytes the client sends after its STARTTLS line and before TLS starts are what the STARTTLS command
 * injection attacks use (CVE-2011-0411 and its kin): {@link #fromClient} says where they start, so they
 * are withheld from the server and reported. Sans-IO: chunks in, positions out. Lines are at most
 * {@value #MAX_LINE} bytes; a longer one is skipped, since no command or reply that matters here is long.
 *
 * <p>It gives up early, so that other traffic pays for it once and not per byte: a client that speaks
 * before the server has greeted it, a server whose first line is not a mail greeting (or is not a line
 * within {@value #MAX_GREETING} bytes), a mail session that has begun its transactions ({@code MAIL},
 * {@code DATA}) or gone past {@value #MAX_WATCHED} bytes without STARTTLS: {@link #protocol} is then
 * {@link Protocol#NONE} and every later chunk passes untouched.
 */
public final class StartTlsWatcher {
    static final int MAX_LINE = 4096;
    /**
     * A greeting is one short line; past this many bytes without one the server speaks something else.
     * And STARTTLS comes in a session's first exchanges: past this many client bytes it will not come.
     */
    static final int MAX_GREETING = 1024;
    static final int MAX_WATCHED = 64 * 1024;

    /** Which protocol the greeting showed. */
    public enum Protocol { UNKNOWN, SMTP, IMAP, POP3, NONE }

    private Protocol protocol = Protocol.UNKNOWN;
    private final Line clientLine = new Line();
    private final Line serverLine = new Line();
    /** The client asked for TLS and waits for the answer; the IMAP tag of its command. */
    private boolean asked;
    private String tag;
    /** The go-ahead was seen: from here on both directions are TLS. */
    private boolean switched;
    private long serverBytes;
    private long clientBytes;

    public Protocol protocol() {
        return protocol;
    }

    public boolean switched() {
        return switched;
    }

    /** True while the client's STARTTLS waits for the server's answer. */
    public boolean asked() {
        return asked;
    }

    /**
     * Reads a chunk the client sent. Returns the offset (from the chunk's position) at which bytes sent
     * after a STARTTLS command begin, which must not reach the server; -1 when the whole chunk may go.
     */
    public int fromClient(ByteBuffer chunk) {
        if (switched || protocol == Protocol.NONE) {
            return -1;
        }
        if (asked) {
            return 0; // still waiting for the answer: nothing the client says now may pass
        }
        if (protocol == Protocol.UNKNOWN || (clientBytes += chunk.remaining()) > MAX_WATCHED) {
            protocol = Protocol.NONE; // mail servers speak first
            return -1;
        }
        int start = chunk.position();
        for (int i = start; i < chunk.limit(); i++) {
            String line = clientLine.add(chunk.get(i));
            if (line == null) {
                continue;
            }
            if (isStartTls(line)) {
                asked = true;
                return i + 1 < chunk.limit() ? i + 1 - start : -1;
            }
            if (beginsTransactions(line)) {
                protocol = Protocol.NONE;
                return -1;
            }
        }
        return -1;
    }

    /**
     * Reads a chunk the server sent. Returns the offset just after the go-ahead line (the bytes up to it
     * go to the client in plain, TLS starts after them), or -1 when this chunk holds no go-ahead.
     */
    public int fromServer(ByteBuffer chunk) {
        if (switched || protocol == Protocol.NONE) {
            return -1;
        }
        int start = chunk.position();
        for (int i = start; i < chunk.limit(); i++) {
            String line = serverLine.add(chunk.get(i));
            if (line == null) {
                if (protocol == Protocol.UNKNOWN && ++serverBytes > MAX_GREETING) {
                    protocol = Protocol.NONE;
                    return -1;
                }
                continue;
            }
            if (protocol == Protocol.UNKNOWN) {
                protocol = greeting(line);
                if (protocol == Protocol.NONE) {
                    return -1;
                }
                continue;
            }
            if (asked) {
                Boolean answer = answer(line);
                if (answer != null) {
                    asked = false;
                    if (answer) {
                        switched = true;
                        return i + 1 - start;
                    }
                }
            }
        }
        return -1;
    }

    /** A command after which STARTTLS no longer comes: the session is doing its real work in the clear. */
    private boolean beginsTransactions(String line) {
        String upper = line.trim().toUpperCase(Locale.ROOT);
        return switch (protocol) {
            case SMTP -> upper.startsWith("MAIL ") || upper.equals("DATA") || upper.startsWith("BDAT ");
            case POP3 -> upper.startsWith("RETR ") || upper.startsWith("LIST") || upper.startsWith("PASS ");
            case IMAP -> upper.contains(" SELECT ") || upper.contains(" EXAMINE ") || upper.contains(" FETCH ");
            default -> false;
        };
    }

    private static Protocol greeting(String line) {
        if (line.startsWith("220 ") || line.startsWith("220-") || line.equals("220")) {
            return Protocol.SMTP;
        }
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("* OK") || upper.startsWith("* PREAUTH")) {
            return Protocol.IMAP;
        }
        if (upper.startsWith("+OK")) {
            return Protocol.POP3;
        }
        return Protocol.NONE;
    }

    private boolean isStartTls(String line) {
        String upper = line.trim().toUpperCase(Locale.ROOT);
        switch (protocol) {
            case SMTP:
                return upper.equals("STARTTLS");
            case POP3:
                return upper.equals("STLS");
            case IMAP: {
                int space = upper.indexOf(' ');
                if (space > 0 && upper.substring(space + 1).trim().equals("STARTTLS")) {
                    tag = line.trim().substring(0, space);
                    return true;
                }
                return false;
            }
            default:
                return false;
        }
    }

    /** True for a go-ahead, false for a refusal, null for a line that is neither (continuations, untagged). */
    private Boolean answer(String line) {
        switch (protocol) {
            case SMTP:
                if (line.length() >= 4 && line.charAt(3) == '-') {
                    return null; // a continuation: the last line of the reply decides
                }
                return line.startsWith("220") ? Boolean.TRUE : line.matches("[0-9]{3}( .*)?") ? Boolean.FALSE : null;
            case POP3:
                return line.startsWith("+OK") ? Boolean.TRUE : line.startsWith("-ERR") ? Boolean.FALSE : null;
            case IMAP: {
                if (tag == null || !line.startsWith(tag + " ")) {
                    return null;
                }
                String status = line.substring(tag.length() + 1).toUpperCase(Locale.ROOT);
                return status.startsWith("OK") ? Boolean.TRUE : Boolean.FALSE;
            }
            default:
                return null;
        }
    }

    /** Gathers one line at a time, without its CRLF; a line longer than {@link #MAX_LINE} is skipped. */
    private static final class Line {
        /** Grown as lines need it: most connections are not mail and see one short line, if any. */
        private byte[] bytes = new byte[0];
        private int length;
        private boolean tooLong;

        String add(byte b) {
            if (b == '\n') {
                String line = tooLong ? null : new String(bytes, 0, length > 0 && bytes[length - 1] == '\r' ? length - 1 : length,
                        StandardCharsets.ISO_8859_1);
                length = 0;
                tooLong = false;
                return line;
            }
            if (length == MAX_LINE) {
                tooLong = true;
            } else {
                if (length == bytes.length) {
                    bytes = java.util.Arrays.copyOf(bytes, Math.min(MAX_LINE, Math.max(64, length * 2)));
                }
                bytes[length++] = b;
            }
            return null;
        }
    }
}
