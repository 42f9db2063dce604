package wirelens.mail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import wirelens.capture.CaptureFile;
import wirelens.capture.ConnectionInfo;
import wirelens.capture.SmtpTranscripts;
import wirelens.engine.EngineEvent;
import wirelens.proto.smtp.Credentials;
import wirelens.proto.smtp.Exchange;
import wirelens.proto.smtp.MimeMessage;
import wirelens.proto.smtp.SmtpDetection;
import wirelens.proto.smtp.SmtpMessage;
import wirelens.proto.smtp.SmtpReply;
import wirelens.proto.smtp.SmtpSession;
import wirelens.proto.smtp.SmtpTransaction;

/** The rows of the Messages list: from a decoded SMTP session, or from every SMTP connection of a capture. */
public final class MailMessages {
    private MailMessages() {}

    /**
     * The transactions of one session as rows, in order. {@code implicitTls}: the connection began with TLS
     * (SMTPS), so every row is marked "TLS".
     */
    public static List<MailMessage> of(SmtpSession session, boolean implicitTls) {
        return of(session, implicitTls, 0);
    }

    /**
     * As {@link #of(SmtpSession, boolean)}, from the transaction at index {@code from} on: a live feed
     * summarises again only the transactions that may still change, not every finished one of a long session.
     */
    public static List<MailMessage> of(SmtpSession session, boolean implicitTls, int from) {
        long startTlsAt = session.tls() && session.tlsAfterExchange() <= session.exchanges().size()
                ? session.exchanges().get(session.tlsAfterExchange() - 1).timeNanos() : Long.MAX_VALUE;
        List<MailMessage> rows = new ArrayList<>(session.transactions().size());
        for (SmtpTransaction t : session.transactions().subList(Math.min(from, session.transactions().size()),
                session.transactions().size())) {
            SmtpMessage message = t.messageNumber() == 0 ? null : session.messages().get(t.messageNumber() - 1);
            String subject = message == null ? "" : subject(message);
            SmtpReply decided = decidingReply(t);
            String security = implicitTls ? "TLS" : t.timeNanos() >= startTlsAt ? "STARTTLS" : "";
            rows.add(new MailMessage(session.connectionId(), t.number(), t.messageNumber(), t.timeNanos(),
                    t.mailFrom(), t.recipients().stream().map(SmtpTransaction.Recipient::address).toList(), subject,
                    t.messageSize(), t.result(), decided == null ? 0 : decided.code(),
                    decided == null ? "" : decided.text(), security, authUser(session, t)));
        }
        return rows;
    }

    /** Every transaction of every SMTP connection of a capture, in the order they began. */
    public static List<MailMessage> read(CaptureFile file) throws IOException {
        List<MailMessage> rows = new ArrayList<>();
        for (ConnectionInfo c : file.index().connections()) {
            if (SmtpTranscripts.detect(file, c.id()) == SmtpDetection.Verdict.SMTP) {
                rows.addAll(of(SmtpTranscripts.decodeForSummary(file, c.id()), implicitTls(file.index().tls(c.id()))));
            }
        }
        rows.sort(Comparator.comparingLong(MailMessage::timeNanos).thenComparingLong(MailMessage::connectionId)
                .thenComparingInt(MailMessage::transaction));
        return rows;
    }

    /** Whether the client leg's TLS began with the connection rather than after STARTTLS. */
    public static boolean implicitTls(List<EngineEvent.Tls> tls) {
        return tls.stream().anyMatch(t -> t.kind() != EngineEvent.Tls.Kind.FAILED && !t.startTls());
    }

    private static SmtpReply decidingReply(SmtpTransaction t) {
        if (t.dataReply() != null) {
            return t.dataReply();
        }
        if (t.mailReply() != null && !t.mailReply().isSuccess()) {
            return t.mailReply();
        }
        SmtpReply last = null;
        for (SmtpTransaction.Recipient r : t.recipients()) {
            if (r.reply() != null && !r.reply().isSuccess()) {
                last = r.reply();
            }
        }
        return t.result() == SmtpTransaction.Result.OPEN ? null : last;
    }

    /** The user of the last accepted AUTH before the transaction began. */
    private static String authUser(SmtpSession session, SmtpTransaction t) {
        String user = "";
        for (Credentials c : session.credentials()) {
            Exchange e = session.exchanges().get(c.exchangeNumber() - 1);
            if (c.outcome() == Credentials.Outcome.ACCEPTED && e.timeNanos() <= t.timeNanos() && c.username() != null) {
                user = c.username();
            }
        }
        return user;
    }

    private static String subject(SmtpMessage message) {
        String s = MimeMessage.parse(message.bytes()).subject();
        return s == null ? "" : s.strip();
    }
}
