package wirelens.mail;

import java.util.List;
import wirelens.proto.smtp.SmtpTransaction;

/**
 * One mail transaction of an SMTP connection, as a row of the Messages list: who sent what to whom and how
 * the server answered. The message itself stays in the capture file; {@link #messageNumber} finds it in the
 * connection's decoded session.
 *
 * @param connectionId the connection that carried it
 * @param transaction its number within the connection (1-based)
 * @param messageNumber the message's number within the connection, 0 when no message was transferred
 * @param timeNanos when the client began the transaction, epoch nanoseconds
 * @param from the reverse path ("" for the null sender {@code <>}, null when RCPT came without MAIL)
 * @param recipients every RCPT TO address, in order, accepted or not
 * @param subject the message's decoded Subject, "" when it has none or no message was sent
 * @param size bytes of the message after dot-unstuffing, 0 when none
 * @param result how it ended so far
 * @param replyCode the reply that decided it: to the end of the message, else the last refusal; 0 while open
 * @param replyText that reply's text
 * @param security "TLS" (the connection began with TLS), "STARTTLS" (sent after STARTTLS) or ""
 * @param authUser the user name of accepted AUTH before the transaction, or ""
 */
public record MailMessage(long connectionId, int transaction, int messageNumber, long timeNanos, String from,
        List<String> recipients, String subject, long size, SmtpTransaction.Result result, int replyCode,
        String replyText, String security, String authUser) {

    public MailMessage {
        recipients = List.copyOf(recipients);
    }

    /** Identifies the row across updates: a transaction of a connection. */
    public record Key(long connectionId, int transaction) {}

    public Key key() {
        return new Key(connectionId, transaction);
    }

    /** {@code 250}, or {@code open} / {@code aborted} when no reply decided it. */
    public String resultLabel() {
        if (replyCode != 0) {
            return Integer.toString(replyCode);
        }
        return result == SmtpTransaction.Result.OPEN ? "open" : "aborted";
    }

    /** {@code <a@x>} as the envelope wrote it, {@code <>} for the null sender, {@code -} for none. */
    public String fromLabel() {
        return from == null ? "-" : "<" + from + ">";
    }
}
