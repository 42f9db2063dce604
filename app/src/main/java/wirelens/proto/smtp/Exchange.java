package wirelens.proto.smtp;

/**
 * One row of the transcript: what the client sent and the reply the server paired with it.
 *
 * @param number 1-based position in the transcript
 * @param command the client line without its line end ("" for a greeting or an unsolicited reply;
 *     for a {@link Kind#MESSAGE} a short description)
 * @param verb the upper-case command verb ({@code MAIL}, {@code DATA}, ...), "" when none
 * @param reply the paired reply, null while the server has not answered
 * @param sensitive the command carries credentials (AUTH): show {@link #display(boolean)} masked
 * @param decoded for sensitive rows, the base64 payload decoded as text; otherwise null
 * @param messageNumber for a {@link Kind#MESSAGE} row or the BDAT row that completed a message, its
 *     number (1-based, see {@link SmtpMessage#number()}); 0 otherwise
 * @param dataBytes bytes of message content this row carried (DATA content after dot-unstuffing, or
 *     the BDAT chunk); 0 for plain commands
 */
public record Exchange(int number, Kind kind, String command, String verb, long timeNanos, SmtpReply reply,
        boolean sensitive, String decoded, int messageNumber, long dataBytes) {

    public enum Kind {
        /** The server's opening reply; no command. */
        GREETING,
        /** A command line (including BDAT, whose chunk bytes are counted in {@code dataBytes}). */
        COMMAND,
        /** A client line answering a 334 challenge during AUTH. */
        AUTH_RESPONSE,
        /**
         * The message content sent after a 354 reply to DATA, up to the lone dot. With LMTP, one more
         * row per further accepted recipient carries that recipient's delivery status.
         */
        MESSAGE,
        /** A reply that no command was waiting for (e.g. 421 before closing). */
        UNSOLICITED_REPLY,
        /** Client bytes left at the end of the connection that never formed a complete line. */
        INCOMPLETE
    }

    public boolean waiting() {
        return reply == null;
    }

    /**
     * The command as the view shows it. Sensitive rows are masked (the verb and mechanism stay
     * visible) unless {@code reveal}; revealed rows append the decoded payload.
     */
    public String display(boolean reveal) {
        if (!sensitive) {
            return command;
        }
        if (reveal) {
            return decoded == null ? command : command + "  \u2192 " + decoded;
        }
        if (kind == Kind.AUTH_RESPONSE) {
            return Credentials.MASK;
        }
        // "AUTH PLAIN <initial response>": keep the first two words.
        String[] words = command.split(" ", 3);
        return words.length >= 2 ? words[0] + " " + words[1] + " " + Credentials.MASK : command;
    }

    Exchange withReply(SmtpReply r) {
        return new Exchange(number, kind, command, verb, timeNanos, r, sensitive, decoded, messageNumber, dataBytes);
    }
}
