package wirelens.proto.smtp;

import java.util.List;

/**
 * One server reply, multi-line replies joined. {@code lines} are the raw lines without their line
 * ends (e.g. {@code "250-mail.example.com"}, {@code "250 SIZE 1000"}). {@code code} is 0 when the
 * server sent something that does not start with three digits.
 */
public record SmtpReply(int code, List<String> lines, long timeNanos) {

    /** What the first digit of the code says, for colouring and for the envelope summary. */
    public enum ReplyClass {
        SUCCESS("2xx"),
        INTERMEDIATE("3xx"),
        TRANSIENT_FAILURE("4xx"),
        PERMANENT_FAILURE("5xx"),
        UNKNOWN("???");

        private final String label;

        ReplyClass(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public SmtpReply {
        lines = List.copyOf(lines);
    }

    public ReplyClass replyClass() {
        return switch (code / 100) {
            case 2 -> ReplyClass.SUCCESS;
            case 3 -> ReplyClass.INTERMEDIATE;
            case 4 -> ReplyClass.TRANSIENT_FAILURE;
            case 5 -> ReplyClass.PERMANENT_FAILURE;
            default -> ReplyClass.UNKNOWN;
        };
    }

    public boolean isSuccess() {
        return replyClass() == ReplyClass.SUCCESS;
    }

    public boolean isFailure() {
        ReplyClass c = replyClass();
        return c == ReplyClass.TRANSIENT_FAILURE || c == ReplyClass.PERMANENT_FAILURE;
    }

    /** The text of every line after the code and separator, joined with '\n'. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            boolean coded = code != 0 && line.length() >= 3;
            sb.append(coded ? line.substring(Math.min(line.length(), 4)) : line);
        }
        return sb.toString();
    }

    /** The whole reply as the server sent it, lines joined with '\n'. */
    public String raw() {
        return String.join("\n", lines);
    }
}
