package wirelens.proto.smtp;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts both directions of a session into lines, without their line ends. A line longer than
 * {@link #MAX_LINE} is cut there; a line that ends in a bare LF instead of CRLF is taken as a line and
 * noted once a session, which is enough to tell a sloppy peer.
 */
final class SmtpLines {
    /** Longer lines are cut (RFC 5321 allows 512 for commands, 1000 for text). */
    static final int MAX_LINE = 64 * 1024;

    private final Consumer<String> problems;
    private boolean bareLineFeedSeen;

    SmtpLines(Consumer<String> problems) {
        this.problems = problems;
    }

    /** The next line of {@code side} ("client", "server") from {@code buf}, or null until one is complete. */
    byte[] next(ByteBuf buf, String side) {
        int lf = buf.indexOfLineFeed();
        if (lf < 0) {
            if (buf.size() <= MAX_LINE) {
                return null;
            }
            problems.accept("a " + side + " line longer than " + MAX_LINE + " bytes was cut");
            return buf.take(MAX_LINE);
        }
        byte[] line = buf.take(lf + 1);
        int len = lf;
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        } else if (!bareLineFeedSeen) {
            bareLineFeedSeen = true;
            problems.accept("a " + side + " line ended with a bare LF instead of CRLF");
        }
        return Arrays.copyOf(line, len);
    }
}
