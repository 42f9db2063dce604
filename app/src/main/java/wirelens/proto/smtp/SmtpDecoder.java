package wirelens.proto.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import wirelens.proto.smtp.Transcript.Row;
import wirelens.proto.smtp.Transcript.Tx;

/**
 * Sans-IO, incremental SMTP decoder for one connection. Feed it the bytes of both directions in the
 * order they were captured, split anywhere, then {@link #end()} when the connection closes; take a
 * {@link #session()} snapshot whenever the view wants one. It never throws on bad input: what does
 * not look like SMTP is listed in {@link SmtpSession#problems()}.
 *
 * <p>Replies are paired with commands first in, first out, which is how PIPELINING works. The client
 * stream cannot be read without the server's answers in a few places (after DATA the next bytes are
 * a message only if the server said 354; after AUTH they are a response only on 334; after STARTTLS
 * they are TLS only on 220), so after those commands client bytes are held until the reply arrives.
 * A client waits there too, so in capture order the reply normally comes first anyway.
 *
 * <p>This class is the state machine: it decides what each line is and what each reply settles. What
 * it feeds is kept apart: the {@link Transcript} it builds, the {@link MessageContent} being received,
 * the {@link SmtpAuth} credentials, and the cutting of lines and replies ({@link SmtpLines},
 * {@link ReplyLines}).
 *
 * <p>Not thread-safe: one thread feeds and takes snapshots.
 */
public final class SmtpDecoder {

    public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L << 20;
    /** Client bytes held while waiting for a deciding reply before giving up on waiting. */
    static final int MAX_HELD = 1 << 20;
    static final int MAX_PROBLEMS = 1000;

    private enum ClientMode { COMMAND, WAIT, AUTH_RESPONSE, DATA, BDAT, TLS }

    private final long connectionId;

    private final Transcript transcript;
    private final ArrayDeque<Row> awaiting = new ArrayDeque<>();
    private final List<String> problems = new ArrayList<>();
    private final SmtpLines lines = new SmtpLines(this::problem);
    private final SmtpAuth auth = new SmtpAuth(this::problem);
    private Tx current;

    private final ByteBuf client = new ByteBuf();
    private ClientMode clientMode = ClientMode.COMMAND;
    private Row waitingOn;
    private long clientTime;

    private final MessageContent content;
    private Row messageRow;
    private long bdatRemaining;
    private Row bdatRow;

    private final ByteBuf server = new ByteBuf();
    private boolean serverTls;
    private final ReplyLines replyLines = new ReplyLines(this::problem);
    private long serverTime;
    private boolean greeted;

    private int tlsAfterExchange;
    private long tlsClientBytes;
    private long tlsServerBytes;
    /** The bytes after STARTTLS were plaintext: Wirelens intercepted the TLS and recorded what it carried. */
    private boolean tlsDecrypted;
    private boolean ended;
    /** LMTP (RFC 2033) answers the end of a message once per accepted recipient. */
    private boolean lmtp;

    public SmtpDecoder(long connectionId) {
        this(connectionId, DEFAULT_MAX_MESSAGE_BYTES);
    }

    /** @param maxMessageBytes messages larger than this are counted but not kept (see problems) */
    public SmtpDecoder(long connectionId, long maxMessageBytes) {
        this(connectionId, maxMessageBytes, false);
    }

    private SmtpDecoder(long connectionId, long maxMessageBytes, boolean keepHeads) {
        this.connectionId = connectionId;
        this.transcript = new Transcript(connectionId);
        this.content = new MessageContent(maxMessageBytes, keepHeads);
    }

    /**
     * A decoder for summaries (sender, recipients, subject, size, result) of connections that may carry
     * any number of messages of any size: each message keeps only its first {@code headBytes} bytes, enough
     * for its header block, so {@link SmtpMessage#bytes()} may be a head; {@link SmtpTransaction#messageSize()}
     * is the whole size.
     */
    public static SmtpDecoder keepingHeads(long connectionId, int headBytes) {
        return new SmtpDecoder(connectionId, headBytes, true);
    }

    public void fromClient(byte[] bytes) {
        fromClient(bytes, 0, bytes.length, 0L);
    }

    public void fromServer(byte[] bytes) {
        fromServer(bytes, 0, bytes.length, 0L);
    }

    public void fromClient(byte[] bytes, long timeNanos) {
        fromClient(bytes, 0, bytes.length, timeNanos);
    }

    public void fromServer(byte[] bytes, long timeNanos) {
        fromServer(bytes, 0, bytes.length, timeNanos);
    }

    /** Bytes the client sent (client to server). */
    public void fromClient(byte[] bytes, int offset, int length, long timeNanos) {
        if (ended) {
            problem("client bytes after the end of the connection were ignored");
            return;
        }
        clientTime = timeNanos;
        if (clientMode == ClientMode.TLS && length > 0 && plaintextAfterStartTls(bytes[offset])) {
            tlsClientBytes = 0;
        } else if (clientMode == ClientMode.TLS) {
            tlsClientBytes += length;
            return;
        }
        client.append(bytes, offset, length);
        drainClient();
    }

    /** Bytes the server sent (server to client). */
    public void fromServer(byte[] bytes, int offset, int length, long timeNanos) {
        if (ended) {
            problem("server bytes after the end of the connection were ignored");
            return;
        }
        serverTime = timeNanos;
        if (serverTls) {
            tlsServerBytes += length;
            return;
        }
        server.append(bytes, offset, length);
        drainServer();
    }

    /** The connection closed: finish what can be finished and note what was cut off. */
    public void end() {
        if (ended) {
            return;
        }
        if (clientMode == ClientMode.WAIT && client.size() > 0) {
            problem(client.size() + " client bytes sent after " + describe(waitingOn)
                    + " were never decoded: the server did not answer it");
            Row row = transcript.add(new Row(Exchange.Kind.INCOMPLETE,
                    "(" + client.size() + " bytes held while waiting for the reply to " + describe(waitingOn) + ")",
                    "", clientTime));
            row.dataBytes = client.size();
            client.skip(client.size());
        } else if (clientMode == ClientMode.DATA) {
            problem("the connection ended during a message (" + content.size() + " bytes, no final dot)");
            abortCurrent();
        } else if (clientMode == ClientMode.BDAT) {
            problem("the connection ended " + bdatRemaining + " bytes short of a BDAT chunk");
            abortCurrent();
        } else if (client.size() > 0 && clientMode != ClientMode.TLS) {
            byte[] rest = client.take(client.size());
            problem("the client's last " + rest.length + " bytes were not a complete line");
            Row row = transcript.add(new Row(Exchange.Kind.INCOMPLETE, text(rest, rest.length), "", clientTime));
            row.dataBytes = rest.length;
        }
        if (!serverTls && (server.size() > 0 || !replyLines.isEmpty())) {
            problem("the server's last reply was incomplete");
            if (server.size() > 0) {
                byte[] rest = server.take(server.size());
                onReplyLine(text(rest, rest.length));
            }
            if (!replyLines.isEmpty()) {
                finishReply();
            }
        }
        if (!awaiting.isEmpty()) {
            problem(awaiting.size() + " command(s) never got a reply");
        }
        abortCurrent();
        ended = true;
    }

    /** A snapshot of everything decoded so far. */
    public SmtpSession session() {
        return new SmtpSession(connectionId, transcript.exchanges(), transcript.transactions(), transcript.messages(),
                auth.credentials(), tlsAfterExchange, tlsClientBytes, tlsServerBytes, tlsDecrypted, problems);
    }

    // ---- client side ----

    private void drainClient() {
        while (client.size() > 0) {
            switch (clientMode) {
                case COMMAND, AUTH_RESPONSE -> {
                    byte[] line = lines.next(client, "client");
                    if (line == null) {
                        return;
                    }
                    if (clientMode == ClientMode.AUTH_RESPONSE) {
                        onAuthResponse(line);
                    } else {
                        onCommand(line);
                    }
                }
                case WAIT -> {
                    if (client.size() > MAX_HELD) {
                        problem("the client sent over " + MAX_HELD + " bytes without waiting for the reply to "
                                + describe(waitingOn) + "; decoding them as commands");
                        waitingOn = null;
                        clientMode = ClientMode.COMMAND;
                    } else {
                        return;
                    }
                }
                case DATA -> readMessageContent();
                case BDAT -> readBdatChunk();
                case TLS -> {
                    if (!plaintextAfterStartTls(client.get(0))) {
                        tlsClientBytes += client.size();
                        client.skip(client.size());
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    private void onCommand(byte[] lineBytes) {
        String line = text(lineBytes, lineBytes.length);
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : line.substring(space + 1);
        Row row = new Row(Exchange.Kind.COMMAND, line, verb, clientTime);
        transcript.add(row);
        awaiting.add(row);
        switch (verb) {
            case "EHLO", "HELO", "RSET" -> abortCurrent();
            case "LHLO" -> {
                lmtp = true;
                abortCurrent();
            }
            case "MAIL" -> {
                abortCurrent();
                Tx tx = newTransaction();
                String[] addr = pathAndParameters(arg);
                tx.mailFrom = addr[0];
                tx.mailParameters = addr[1];
                row.tx = tx;
            }
            case "RCPT" -> {
                Tx tx = current != null ? current : newTransaction();
                String[] addr = pathAndParameters(arg);
                tx.recipients.add(new SmtpTransaction.Recipient(addr[0], addr[1], null));
                row.tx = tx;
                row.recipientIndex = tx.recipients.size() - 1;
            }
            case "DATA", "STARTTLS" -> waitFor(row);
            case "AUTH" -> {
                String initialResponse = auth.start(row.number, arg);
                if (initialResponse != null) {
                    row.sensitive = true;
                    row.decoded = auth.payload(initialResponse);
                }
                waitFor(row);
            }
            case "BDAT" -> startBdat(row, arg);
            default -> { }
        }
    }

    private void waitFor(Row row) {
        waitingOn = row;
        clientMode = ClientMode.WAIT;
    }

    /** {@code FROM:<a@b> SIZE=1} → {"a@b", "SIZE=1"}. */
    private static String[] pathAndParameters(String arg) {
        int colon = arg.indexOf(':');
        String rest = (colon < 0 ? arg : arg.substring(colon + 1)).stripLeading();
        if (rest.startsWith("<")) {
            int close = rest.indexOf('>');
            if (close > 0) {
                return new String[] {rest.substring(1, close), rest.substring(close + 1).strip()};
            }
        }
        int space = rest.indexOf(' ');
        return space < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, space), rest.substring(space + 1).strip()};
    }

    private Tx newTransaction() {
        current = transcript.newTransaction(clientTime);
        return current;
    }

    private void abortCurrent() {
        if (current != null && current.result == SmtpTransaction.Result.OPEN) {
            current.result = SmtpTransaction.Result.ABORTED;
        }
        current = null;
    }

    private void startBdat(Row row, String arg) {
        String[] words = arg.strip().split("\\s+");
        long size;
        try {
            size = Long.parseLong(words[0]);
        } catch (NumberFormatException e) {
            problem("BDAT without a valid size: " + row.command);
            return;
        }
        if (size < 0) {
            problem("BDAT with a negative size: " + row.command);
            return;
        }
        row.bdatLast = words.length > 1 && words[1].equalsIgnoreCase("LAST");
        if (current == null) {
            newTransaction();
        }
        row.tx = current;
        if (!content.isOpen()) {
            content.open();
        }
        bdatRow = row;
        bdatRemaining = size;
        clientMode = ClientMode.BDAT;
        if (size == 0) {
            endBdatChunk();
        }
    }

    private void readBdatChunk() {
        int n = (int) Math.min(bdatRemaining, client.size());
        byte[] chunk = client.take(n);
        content.keep(chunk, 0, n);
        bdatRow.dataBytes += n;
        bdatRemaining -= n;
        if (bdatRemaining == 0) {
            endBdatChunk();
        }
    }

    private void endBdatChunk() {
        clientMode = ClientMode.COMMAND;
        if (bdatRow.tx != null) {
            bdatRow.tx.messageSize = content.size();
        }
        if (bdatRow.bdatLast) {
            bdatRow.messageNumber = completeMessage(bdatRow.tx, true);
        }
        bdatRow = null;
    }

    /** Adds the finished message; returns its number, or 0 if it was too large to keep. */
    private int completeMessage(Tx tx, boolean viaBdat) {
        long size = content.size();
        byte[] bytes = content.finish();
        int number = 0;
        if (bytes == null) {
            problem("a message of " + size + " bytes is larger than " + content.limit() + " bytes and was not kept");
        } else {
            number = transcript.addMessage(tx, bytes, viaBdat);
        }
        if (tx != null) {
            tx.messageNumber = number;
            tx.messageSize = size;
        }
        return number;
    }

    private void startMessage(Row dataRow) {
        Tx tx = dataRow.tx != null ? dataRow.tx : current != null ? current : newTransaction();
        messageRow = new Row(Exchange.Kind.MESSAGE, "(message)", "", clientTime);
        messageRow.tx = tx;
        transcript.add(messageRow);
        content.open();
        clientMode = ClientMode.DATA;
    }

    private void readMessageContent() {
        int n = client.size();
        byte[] in = client.take(n);
        int after = content.readData(in, n);
        if (after >= 0) {
            endMessage();
            byte[] rest = java.util.Arrays.copyOfRange(in, after, n);
            if (rest.length > 0) {
                client.append(rest, 0, rest.length);
            }
            return;
        }
        messageRow.dataBytes = content.size();
        if (messageRow.tx != null) {
            messageRow.tx.messageSize = content.size();
        }
    }

    private void endMessage() {
        Row row = messageRow;
        messageRow = null;
        row.dataBytes = content.size();
        long size = content.size();
        row.messageNumber = completeMessage(row.tx, false);
        row.dataBytes = size;
        awaiting.add(row);
        if (lmtp && row.tx != null) {
            List<String> accepted = row.tx.recipients.stream()
                    .filter(r -> r.reply() != null && r.reply().isSuccess())
                    .map(SmtpTransaction.Recipient::address).toList();
            for (int i = 1; i < accepted.size(); i++) { // the message row itself takes the first status
                Row status = transcript.add(new Row(Exchange.Kind.MESSAGE,
                        "(delivery status for <" + accepted.get(i) + ">)", "", clientTime));
                status.tx = row.tx;
                status.messageNumber = row.messageNumber;
                awaiting.add(status);
            }
        }
        clientMode = ClientMode.COMMAND;
    }

    // ---- AUTH and STARTTLS ----

    private void onAuthResponse(byte[] lineBytes) {
        String line = text(lineBytes, lineBytes.length);
        Row row = new Row(Exchange.Kind.AUTH_RESPONSE, line, "", clientTime);
        transcript.add(row);
        awaiting.add(row);
        waitFor(row);
        if (line.equals("*")) {
            return; // the client cancels the exchange
        }
        row.sensitive = true;
        row.decoded = auth.payload(line);
    }

    /**
     * Whether the client's first byte after a STARTTLS that the server accepted is plaintext: a TLS
     * client's first byte is a handshake record's (22); a capture holds SMTP commands there only when
     * Wirelens intercepted the TLS and recorded what it carried. Then decoding goes on as before it.
     */
    private boolean plaintextAfterStartTls(byte first) {
        if (tlsClientBytes > 0 || tlsDecrypted || first == 22) {
            return false;
        }
        tlsDecrypted = true;
        clientMode = ClientMode.COMMAND;
        serverTls = false;
        if (tlsServerBytes == 0 && server.size() > 0) {
            drainServer();
        }
        return true;
    }

    // ---- server side ----

    private void drainServer() {
        while (!serverTls && server.size() > 0) {
            byte[] line = lines.next(server, "server");
            if (line == null) {
                return;
            }
            onReplyLine(text(line, line.length));
        }
        if (serverTls && server.size() > 0) {
            tlsServerBytes += server.size();
            server.skip(server.size());
        }
    }

    private void onReplyLine(String line) {
        if (replyLines.add(line)) {
            finishReply();
        }
    }

    private void finishReply() {
        SmtpReply reply = replyLines.take(serverTime);
        if (!greeted) {
            greeted = true;
            Row row = new Row(Exchange.Kind.GREETING, "", "", serverTime);
            row.reply = reply;
            transcript.addFirst(row);
            auth.shiftExchangeNumbers();
            if (tlsAfterExchange > 0) {
                tlsAfterExchange++;
            }
            return;
        }
        Row row = awaiting.poll();
        if (row == null) {
            row = transcript.add(new Row(Exchange.Kind.UNSOLICITED_REPLY, "", "", serverTime));
            row.reply = reply;
            if (reply.code() != 421) {
                problem("a reply no command was waiting for: " + abbreviate(reply.raw()));
            }
            return;
        }
        row.reply = reply;
        onReply(row, reply);
    }

    private void onReply(Row row, SmtpReply reply) {
        Tx tx = row.tx;
        if (row.kind == Exchange.Kind.MESSAGE) {
            if (tx != null) {
                tx.dataReply = reply;
                if (tx.result == SmtpTransaction.Result.OPEN || tx.result == SmtpTransaction.Result.ABORTED) {
                    tx.result = reply.isSuccess() ? SmtpTransaction.Result.DELIVERED : SmtpTransaction.Result.REJECTED;
                } else if (lmtp && reply.isSuccess()) {
                    tx.result = SmtpTransaction.Result.DELIVERED; // delivered to at least one recipient
                }
                if (current == tx) {
                    current = null;
                }
            }
            return;
        }
        switch (row.kind == Exchange.Kind.AUTH_RESPONSE ? "AUTH" : row.verb) {
            case "MAIL" -> {
                tx.mailReply = reply;
                if (!reply.isSuccess() && tx.result == SmtpTransaction.Result.OPEN) {
                    tx.result = SmtpTransaction.Result.REJECTED;
                    tx.dataReply = reply;
                }
            }
            case "RCPT" -> {
                SmtpTransaction.Recipient r = tx.recipients.get(row.recipientIndex);
                tx.recipients.set(row.recipientIndex, new SmtpTransaction.Recipient(r.address(), r.parameters(), reply));
            }
            case "DATA" -> {
                if (reply.code() == 354) {
                    row.tx = current;
                    resumeClient(row, () -> startMessage(row));
                } else {
                    Tx t = current;
                    if (t != null && t.result == SmtpTransaction.Result.OPEN) {
                        t.dataReply = reply;
                        t.result = SmtpTransaction.Result.REJECTED;
                    }
                    resumeClient(row, () -> clientMode = ClientMode.COMMAND);
                }
            }
            case "BDAT" -> {
                if (tx != null && reply.isFailure() && tx.result == SmtpTransaction.Result.OPEN) {
                    tx.dataReply = reply;
                    tx.result = SmtpTransaction.Result.REJECTED;
                } else if (tx != null && row.bdatLast && tx.result == SmtpTransaction.Result.OPEN) {
                    tx.dataReply = reply;
                    tx.result = reply.isSuccess() ? SmtpTransaction.Result.DELIVERED : SmtpTransaction.Result.REJECTED;
                }
                if (row.bdatLast && current == tx) {
                    current = null;
                }
            }
            case "AUTH" -> {
                if (auth.inProgress() && reply.code() == 334) {
                    auth.challenge(reply.text());
                    resumeClient(row, () -> clientMode = ClientMode.AUTH_RESPONSE);
                } else {
                    auth.finish(reply.isSuccess());
                    resumeClient(row, () -> clientMode = ClientMode.COMMAND);
                }
            }
            case "STARTTLS" -> {
                if (reply.code() == 220) {
                    abortCurrent();
                    tlsAfterExchange = row.number;
                    serverTls = true;
                    resumeClient(row, () -> clientMode = ClientMode.TLS);
                } else {
                    resumeClient(row, () -> clientMode = ClientMode.COMMAND);
                }
            }
            default -> { }
        }
    }

    /** If the client was held for this row's reply, switch its mode and decode what it held. */
    private void resumeClient(Row row, Runnable switchMode) {
        if (waitingOn != row) {
            return; // gave up waiting earlier; the client stream went on as commands
        }
        waitingOn = null;
        switchMode.run();
        drainClient();
    }

    // ---- helpers ----

    private static String describe(Row row) {
        return row.kind == Exchange.Kind.AUTH_RESPONSE ? "an AUTH response" : row.verb;
    }

    private void problem(String text) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        } else if (problems.size() == MAX_PROBLEMS) {
            problems.add("(more problems not listed)");
        }
    }

    private static String text(byte[] bytes, int length) {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }
}
