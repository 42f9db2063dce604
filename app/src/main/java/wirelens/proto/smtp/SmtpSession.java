package wirelens.proto.smtp;

import java.util.List;

/**
 * A snapshot of everything decoded from one connection so far. Immutable; take a new one from
 * {@link SmtpDecoder#session()} after feeding more bytes.
 *
 * @param tlsAfterExchange when the session switched to TLS: the number of the STARTTLS exchange;
 *     0 while plain text
 * @param tlsClientBytes bytes the client sent after STARTTLS succeeded (not decoded)
 * @param tlsServerBytes bytes the server sent after its 220 to STARTTLS (not decoded)
 * @param tlsDecrypted  the bytes after STARTTLS are the session's plaintext (Wirelens intercepted the TLS),
 *     so the exchanges, transactions and messages after it are decoded like the ones before
 * @param problems what did not look like SMTP, in plain words, in the order found
 */
public record SmtpSession(long connectionId, List<Exchange> exchanges, List<SmtpTransaction> transactions,
        List<SmtpMessage> messages, List<Credentials> credentials, int tlsAfterExchange, long tlsClientBytes,
        long tlsServerBytes, boolean tlsDecrypted, List<String> problems) {

    public SmtpSession {
        exchanges = List.copyOf(exchanges);
        transactions = List.copyOf(transactions);
        messages = List.copyOf(messages);
        credentials = List.copyOf(credentials);
        problems = List.copyOf(problems);
    }

    public boolean tls() {
        return tlsAfterExchange > 0;
    }

    /** Switched to TLS that was relayed as it was: what followed is encrypted and not decoded. */
    public boolean opaqueTls() {
        return tls() && !tlsDecrypted;
    }
}
