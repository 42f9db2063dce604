package wirelens.proto.smtp;

import java.util.List;

/**
 * The envelope of one mail transaction: MAIL FROM, each RCPT TO with its reply, the message and the
 * final result.
 *
 * @param timeNanos when the client began it (its MAIL command, or the command that began it without one)
 * @param mailFrom the reverse path without angle brackets ("" for the null sender {@code <>}); null
 *     when RCPT came without MAIL
 * @param mailParameters what followed the address on the MAIL line (e.g. {@code SIZE=1234}), "" if none
 * @param mailReply null while waiting
 * @param messageNumber the {@link SmtpMessage#number()}, or 0 when no message was transferred
 * @param messageSize bytes of the message after dot-unstuffing (also counted while it is arriving)
 * @param dataReply the reply that decided the result: to the end of the message, or a refusal of DATA
 */
public record SmtpTransaction(int number, long timeNanos, String mailFrom, String mailParameters, SmtpReply mailReply,
        List<Recipient> recipients, int messageNumber, long messageSize, SmtpReply dataReply, Result result) {

    public record Recipient(String address, String parameters, SmtpReply reply) {}

    public enum Result {
        /** Still going on. */
        OPEN,
        /** The server accepted the message (2xx after its end). */
        DELIVERED,
        /** The server refused the sender, the DATA command, or the message. */
        REJECTED,
        /** Reset (RSET, EHLO, STARTTLS) or the connection ended before the message was accepted. */
        ABORTED
    }

    public SmtpTransaction {
        recipients = List.copyOf(recipients);
    }

    public long acceptedRecipients() {
        return recipients.stream().filter(r -> r.reply() != null && r.reply().isSuccess()).count();
    }
}
