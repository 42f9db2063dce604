package wirelens.proto.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Groups the server's lines into replies: a reply is lines with one code, each but the last with a '-'
 * after the code (RFC 5321 4.2.1). A line that is not a reply is a reply of code 0 of its own, so that
 * pairing with the commands goes on.
 */
final class ReplyLines {
    static final int MAX_REPLY_LINES = 10_000;

    private final Consumer<String> problems;
    private final List<String> lines = new ArrayList<>();
    private int code;

    ReplyLines(Consumer<String> problems) {
        this.problems = problems;
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    /** Adds one line (without its line end); returns whether it ends a reply. */
    boolean add(String line) {
        int lineCode = codeOf(line);
        boolean more = lineCode > 0 && line.length() > 3 && line.charAt(3) == '-';
        if (lines.isEmpty()) {
            code = lineCode;
            if (lineCode == 0) {
                problems.accept("the server sent a line that is not a reply: " + SmtpDecoder.abbreviate(line));
            }
        } else if (lineCode != code) {
            problems.accept("a multi-line reply changed its code: " + SmtpDecoder.abbreviate(line));
        }
        lines.add(line);
        return !more || lines.size() >= MAX_REPLY_LINES;
    }

    /** The reply of the lines added so far; starts the next. */
    SmtpReply take(long timeNanos) {
        SmtpReply reply = new SmtpReply(code, lines, timeNanos);
        lines.clear();
        return reply;
    }

    private static int codeOf(String line) {
        if (line.length() < 3 || line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-') {
            return 0;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char ch = line.charAt(i);
            if (ch < '0' || ch > '9') {
                return 0;
            }
            code = code * 10 + (ch - '0');
        }
        return code < 100 ? 0 : code;
    }
}
