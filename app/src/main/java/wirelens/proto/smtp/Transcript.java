package wirelens.proto.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * The session as decoded so far: its rows (exchanges under construction) numbered in order, its mail
 * transactions and its messages. {@link SmtpDecoder} decides what goes in and fills the rows in as
 * replies come; this class holds them and makes the lists of a {@link SmtpSession} snapshot.
 */
final class Transcript {

    /** A transcript row under construction. */
    static final class Row {
        final Exchange.Kind kind;
        final String command;
        final String verb;
        final long timeNanos;
        SmtpReply reply;
        boolean sensitive;
        String decoded;
        int messageNumber;
        long dataBytes;
        Tx tx;
        int recipientIndex = -1;
        boolean bdatLast;
        int number;

        Row(Exchange.Kind kind, String command, String verb, long timeNanos) {
            this.kind = kind;
            this.command = command;
            this.verb = verb;
            this.timeNanos = timeNanos;
        }

        Exchange toExchange() {
            return new Exchange(number, kind, command, verb, timeNanos, reply, sensitive, decoded, messageNumber,
                    dataBytes);
        }
    }

    /** A mail transaction under construction. */
    static final class Tx {
        int number;
        String mailFrom;
        String mailParameters = "";
        SmtpReply mailReply;
        final List<SmtpTransaction.Recipient> recipients = new ArrayList<>();
        int messageNumber;
        long messageSize;
        SmtpReply dataReply;
        SmtpTransaction.Result result = SmtpTransaction.Result.OPEN;
        long timeNanos;

        SmtpTransaction toTransaction() {
            return new SmtpTransaction(number, timeNanos, mailFrom, mailParameters, mailReply, recipients,
                    messageNumber, messageSize, dataReply, result);
        }
    }

    private final long connectionId;
    private final List<Row> rows = new ArrayList<>();
    private final List<Tx> transactions = new ArrayList<>();
    private final List<SmtpMessage> messages = new ArrayList<>();

    Transcript(long connectionId) {
        this.connectionId = connectionId;
    }

    Row add(Row row) {
        rows.add(row);
        row.number = rows.size();
        return row;
    }

    /** Puts a row before all others (the greeting, however late it came): every other row moves up one. */
    void addFirst(Row row) {
        rows.add(0, row);
        for (int i = 0; i < rows.size(); i++) {
            rows.get(i).number = i + 1;
        }
    }

    Tx newTransaction(long timeNanos) {
        Tx tx = new Tx();
        tx.number = transactions.size() + 1;
        tx.timeNanos = timeNanos;
        transactions.add(tx);
        return tx;
    }

    /** Adds a message of {@code tx} (null: outside any transaction); returns its number. */
    int addMessage(Tx tx, byte[] bytes, boolean viaBdat) {
        int number = messages.size() + 1;
        messages.add(new SmtpMessage(connectionId, number, tx == null ? 0 : tx.number, bytes, viaBdat));
        return number;
    }

    List<Exchange> exchanges() {
        List<Exchange> exchanges = new ArrayList<>(rows.size());
        for (Row r : rows) {
            exchanges.add(r.toExchange());
        }
        return exchanges;
    }

    List<SmtpTransaction> transactions() {
        List<SmtpTransaction> txs = new ArrayList<>(transactions.size());
        for (Tx t : transactions) {
            txs.add(t.toTransaction());
        }
        return txs;
    }

    List<SmtpMessage> messages() {
        return messages;
    }
}
