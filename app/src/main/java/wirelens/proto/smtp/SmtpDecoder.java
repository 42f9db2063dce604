package wirelens.proto.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

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
 * <p>Not thread-safe: one thread feeds and takes snapshots.
 */
public final class SmtpDecoder {

    public static final long DEFAULT_MAX_MESSAGE_BYTES = 64L << 20;
    /** Longer lines are cut (RFC 5321 allows 512 for commands, 1000 for text). */
    static final int MAX_LINE = 64 * 1024;
    /** Client bytes held while waiting for a deciding reply before giving up on waiting. */
    static final int MAX_HELD = 1 << 20;
    static final int MAX_REPLY_LINES = 10_000;
    static final int MAX_PROBLEMS = 1000;

    private enum ClientMode { COMMAND, WAIT, AUTH_RESPONSE, DATA, BDAT, TLS }

    /** A transcript row under construction. */
    private static final class Row {
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

    private static final class Tx {
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

    private static final class Auth {
        final String mechanism;
        final int credentialIndex;
        String lastChallenge = "";

        Auth(String mechanism, int credentialIndex) {
            this.mechanism = mechanism;
            this.credentialIndex = credentialIndex;
        }
    }

    private final long connectionId;
    private final long maxMessageBytes;
    private final boolean keepHeads;

    private final List<Row> rows = new ArrayList<>();
    private final ArrayDeque<Row> awaiting = new ArrayDeque<>();
    private final List<Tx> transactions = new ArrayList<>();
    private final List<SmtpMessage> messages = new ArrayList<>();
    private final List<Credentials> credentials = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private Tx current;
    private Auth auth;

    private final ByteBuf client = new ByteBuf();
    private ClientMode clientMode = ClientMode.COMMAND;
    private Row waitingOn;
    private long clientTime;

    /** DATA content: where we are relative to line starts, for dot-unstuffing. */
    private int dotState;
    private boolean messageOpen;
    /** Null while a message is open only when it grew past maxMessageBytes. */
    private ByteArrayOutputStream message;
    private long messageBytes;
    private Row messageRow;
    private long bdatRemaining;
    private Row bdatRow;

    private final ByteBuf server = new ByteBuf();
    private boolean serverTls;
    private final List<String> replyLines = new ArrayList<>();
    private int replyCode;
    private long serverTime;
    private boolean greeted;

    private int tlsAfterExchange;
    private long tlsClientBytes;
    private long tlsServerBytes;
    /** The bytes after STARTTLS were plaintext: Wirelens intercepted the TLS and recorded what it carried. */
    private boolean tlsDecrypted;
    private boolean ended;
    private boolean bareLineFeedSeen;
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
        this.maxMessageBytes = maxMessageBytes;
        this.keepHeads = keepHeads;
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
            Row row = addRow(new Row(Exchange.Kind.INCOMPLETE,
                    "(" + client.size() + " bytes held while waiting for the reply to " + describe(waitingOn) + ")",
                    "", clientTime));
            row.dataBytes = client.size();
            client.skip(client.size());
        } else if (clientMode == ClientMode.DATA) {
            problem("the connection ended during a message (" + messageBytes + " bytes, no final dot)");
            abortCurrent();
        } else if (clientMode == ClientMode.BDAT) {
            problem("the connection ended " + bdatRemaining + " bytes short of a BDAT chunk");
            abortCurrent();
        } else if (client.size() > 0 && clientMode != ClientMode.TLS) {
            byte[] rest = client.take(client.size());
            problem("the client's last " + rest.length + " bytes were not a complete line");
            Row row = addRow(new Row(Exchange.Kind.INCOMPLETE, text(rest, rest.length), "", clientTime));
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
        List<Exchange> exchanges = new ArrayList<>(rows.size());
        for (Row r : rows) {
            exchanges.add(r.toExchange());
        }
        List<SmtpTransaction> txs = new ArrayList<>(transactions.size());
        for (Tx t : transactions) {
            txs.add(t.toTransaction());
        }
        return new SmtpSession(connectionId, exchanges, txs, messages, credentials, tlsAfterExchange,
                tlsClientBytes, tlsServerBytes, tlsDecrypted, problems);
    }

    // ---- client side ----

    private void drainClient() {
        while (client.size() > 0) {
            switch (clientMode) {
                case COMMAND, AUTH_RESPONSE -> {
                    byte[] line = nextLine(client, "client");
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

    /** The next line without its line end, or null until one is complete. Over-long lines are cut. */
    private byte[] nextLine(ByteBuf buf, String side) {
        int lf = buf.indexOfLineFeed();
        if (lf < 0) {
            if (buf.size() <= MAX_LINE) {
                return null;
            }
            problem("a " + side + " line longer than " + MAX_LINE + " bytes was cut");
            return buf.take(MAX_LINE);
        }
        byte[] line = buf.take(lf + 1);
        int len = lf;
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        } else if (!bareLineFeedSeen) {
            bareLineFeedSeen = true;
            problem("a " + side + " line ended with a bare LF instead of CRLF");
        }
        return java.util.Arrays.copyOf(line, len);
    }

    private void onCommand(byte[] lineBytes) {
        String line = text(lineBytes, lineBytes.length);
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : line.substring(space + 1);
        Row row = new Row(Exchange.Kind.COMMAND, line, verb, clientTime);
        addRow(row);
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
                startAuth(row, arg);
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
        Tx tx = new Tx();
        tx.number = transactions.size() + 1;
        tx.timeNanos = clientTime;
        transactions.add(tx);
        current = tx;
        return tx;
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
        if (!messageOpen) {
            openMessage();
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
        keepMessageBytes(chunk, 0, n);
        bdatRow.dataBytes += n;
        bdatRemaining -= n;
        if (bdatRemaining == 0) {
            endBdatChunk();
        }
    }

    private void endBdatChunk() {
        clientMode = ClientMode.COMMAND;
        if (bdatRow.tx != null) {
            bdatRow.tx.messageSize = messageBytes;
        }
        if (bdatRow.bdatLast) {
            bdatRow.messageNumber = completeMessage(bdatRow.tx, true);
        }
        bdatRow = null;
    }

    private void openMessage() {
        messageOpen = true;
        message = new ByteArrayOutputStream();
        messageBytes = 0;
    }

    private void keepMessageBytes(byte[] b, int off, int len) {
        if (message != null && messageBytes + len > maxMessageBytes) {
            if (keepHeads) { // the head is what a summary reads
                message.write(b, off, (int) Math.max(0, maxMessageBytes - messageBytes));
                messageBytes += len;
                return;
            }
            message = null; // too large: go on counting, keep nothing
        }
        if (message != null) {
            message.write(b, off, len);
        }
        messageBytes += len;
    }

    /** Adds the finished message; returns its number, or 0 if it was too large to keep. */
    private int completeMessage(Tx tx, boolean viaBdat) {
        int number = 0;
        if (message == null) {
            problem("a message of " + messageBytes + " bytes is larger than " + maxMessageBytes
                    + " bytes and was not kept");
        } else {
            number = messages.size() + 1;
            messages.add(new SmtpMessage(connectionId, number, tx == null ? 0 : tx.number, message.toByteArray(),
                    viaBdat));
        }
        if (tx != null) {
            tx.messageNumber = number;
            tx.messageSize = messageBytes;
        }
        message = null;
        messageOpen = false;
        messageBytes = 0;
        return number;
    }

    // DATA content states, relative to the start of a line (RFC 5321 4.5.2, read as aiosmtpd does:
    // lines end with CRLF; a line starting with '.' loses that dot; the line ".\r\n" ends the message).
    private static final int LINE_START = 0;
    private static final int MID_LINE = 1;
    private static final int AFTER_CR = 2;
    private static final int DOT = 3;
    private static final int DOT_CR = 4;

    private static final byte[] CR = {'\r'};

    private void startMessage(Row dataRow) {
        Tx tx = dataRow.tx != null ? dataRow.tx : current != null ? current : newTransaction();
        messageRow = new Row(Exchange.Kind.MESSAGE, "(message)", "", clientTime);
        messageRow.tx = tx;
        addRow(messageRow);
        openMessage();
        dotState = LINE_START;
        clientMode = ClientMode.DATA;
    }

    private void readMessageContent() {
        int n = client.size();
        byte[] in = client.take(n);
        int runStart = 0;
        for (int i = 0; i < n; i++) {
            byte b = in[i];
            switch (dotState) {
                case LINE_START -> {
                    if (b == '.') {
                        keepMessageBytes(in, runStart, i - runStart);
                        runStart = i + 1;
                        dotState = DOT;
                    } else {
                        dotState = b == '\r' ? AFTER_CR : MID_LINE;
                    }
                }
                case MID_LINE -> dotState = b == '\r' ? AFTER_CR : MID_LINE;
                case AFTER_CR -> dotState = b == '\n' ? LINE_START : b == '\r' ? AFTER_CR : MID_LINE;
                case DOT -> {
                    // The dot was stuffing (dropped). Held nothing; this byte starts the real line.
                    if (b == '\r') {
                        runStart = i + 1;
                        dotState = DOT_CR;
                    } else {
                        dotState = MID_LINE;
                    }
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        endMessage();
                        byte[] rest = java.util.Arrays.copyOfRange(in, i + 1, n);
                        if (rest.length > 0) {
                            client.append(rest, 0, rest.length);
                        }
                        return;
                    }
                    // ".\r" then something else: the dot was stuffing, the CR is content.
                    keepMessageBytes(CR, 0, 1);
                    runStart = i;
                    dotState = b == '\r' ? AFTER_CR : MID_LINE;
                }
                default -> throw new IllegalStateException();
            }
        }
        keepMessageBytes(in, runStart, n - runStart);
        messageRow.dataBytes = messageBytes;
        if (messageRow.tx != null) {
            messageRow.tx.messageSize = messageBytes;
        }
    }

    private void endMessage() {
        Row row = messageRow;
        messageRow = null;
        row.dataBytes = messageBytes;
        long size = messageBytes;
        row.messageNumber = completeMessage(row.tx, false);
        row.dataBytes = size;
        awaiting.add(row);
        if (lmtp && row.tx != null) {
            List<String> accepted = row.tx.recipients.stream()
                    .filter(r -> r.reply() != null && r.reply().isSuccess())
                    .map(SmtpTransaction.Recipient::address).toList();
            for (int i = 1; i < accepted.size(); i++) { // the message row itself takes the first status
                Row status = addRow(new Row(Exchange.Kind.MESSAGE,
                        "(delivery status for <" + accepted.get(i) + ">)", "", clientTime));
                status.tx = row.tx;
                status.messageNumber = row.messageNumber;
                awaiting.add(status);
            }
        }
        clientMode = ClientMode.COMMAND;
    }

    // ---- AUTH ----

    private void startAuth(Row row, String arg) {
        String[] words = arg.strip().split("\\s+", 2);
        String mechanism = words[0].toUpperCase(Locale.ROOT);
        credentials.add(new Credentials(rowNumber(row), mechanism, null, null, null, Credentials.Outcome.PENDING));
        auth = new Auth(mechanism, credentials.size() - 1);
        if (words.length > 1 && !words[1].isEmpty()) {
            row.sensitive = true;
            row.decoded = authPayload(words[1].strip());
        }
    }

    private void onAuthResponse(byte[] lineBytes) {
        String line = text(lineBytes, lineBytes.length);
        Row row = new Row(Exchange.Kind.AUTH_RESPONSE, line, "", clientTime);
        addRow(row);
        awaiting.add(row);
        waitFor(row);
        if (line.equals("*")) {
            return; // the client cancels the exchange
        }
        row.sensitive = true;
        row.decoded = authPayload(line);
    }

    /** Decodes one base64 AUTH payload into the current credentials; returns it as readable text. */
    private String authPayload(String base64) {
        if (auth == null) {
            return null;
        }
        byte[] raw;
        if (base64.equals("=")) {
            raw = new byte[0];
        } else {
            try {
                raw = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                problem("an AUTH " + auth.mechanism + " payload is not valid base64");
                return "(not valid base64)";
            }
        }
        String value = new String(raw, StandardCharsets.UTF_8);
        Credentials c = credentials.get(auth.credentialIndex);
        switch (auth.mechanism) {
            case "PLAIN" -> {
                String[] parts = value.split("\0", -1);
                if (parts.length == 3) {
                    c = new Credentials(c.exchangeNumber(), c.mechanism(), parts[0], parts[1], parts[2], c.outcome());
                    credentials.set(auth.credentialIndex, c);
                    return Credentials.printable("authzid \"" + parts[0] + "\" user \"" + parts[1] + "\" password \""
                            + parts[2] + "\"");
                }
                problem("an AUTH PLAIN payload does not hold three NUL-separated fields");
            }
            case "LOGIN" -> {
                String challenge = auth.lastChallenge.toLowerCase(Locale.ROOT);
                boolean isPassword = challenge.contains("pass")
                        || !challenge.contains("user") && c.username() != null;
                c = isPassword
                        ? new Credentials(c.exchangeNumber(), c.mechanism(), null, c.username(), value, c.outcome())
                        : new Credentials(c.exchangeNumber(), c.mechanism(), null, value, c.password(), c.outcome());
                credentials.set(auth.credentialIndex, c);
                return (isPassword ? "password \"" : "user \"") + Credentials.printable(value) + "\"";
            }
            case "XOAUTH2" -> {
                String user = null;
                String token = null;
                for (String field : value.split("\u0001")) {
                    if (field.startsWith("user=")) {
                        user = field.substring(5);
                    } else if (field.startsWith("auth=")) {
                        token = field.substring(5);
                    }
                }
                if (user != null || token != null) {
                    credentials.set(auth.credentialIndex,
                            new Credentials(c.exchangeNumber(), c.mechanism(), null, user, token, c.outcome()));
                }
            }
            default -> { }
        }
        return Credentials.printable(value);
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
            byte[] line = nextLine(server, "server");
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
        int code = replyCodeOf(line);
        boolean more = code > 0 && line.length() > 3 && line.charAt(3) == '-';
        if (replyLines.isEmpty()) {
            replyCode = code;
            if (code == 0) {
                problem("the server sent a line that is not a reply: " + abbreviate(line));
            }
        } else if (code != replyCode) {
            problem("a multi-line reply changed its code: " + abbreviate(line));
        }
        replyLines.add(line);
        if (!more || replyLines.size() >= MAX_REPLY_LINES) {
            finishReply();
        }
    }

    private static int replyCodeOf(String line) {
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

    private void finishReply() {
        SmtpReply reply = new SmtpReply(replyCode, replyLines, serverTime);
        replyLines.clear();
        if (!greeted) {
            greeted = true;
            Row row = new Row(Exchange.Kind.GREETING, "", "", serverTime);
            row.reply = reply;
            rows.add(0, row);
            renumber();
            return;
        }
        Row row = awaiting.poll();
        if (row == null) {
            row = addRow(new Row(Exchange.Kind.UNSOLICITED_REPLY, "", "", serverTime));
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
                if (auth != null && reply.code() == 334) {
                    auth.lastChallenge = decodeChallenge(reply.text());
                    resumeClient(row, () -> clientMode = ClientMode.AUTH_RESPONSE);
                } else {
                    if (auth != null) {
                        Credentials c = credentials.get(auth.credentialIndex);
                        credentials.set(auth.credentialIndex, c.withOutcome(reply.isSuccess()
                                ? Credentials.Outcome.ACCEPTED : Credentials.Outcome.REJECTED));
                        auth = null;
                    }
                    resumeClient(row, () -> clientMode = ClientMode.COMMAND);
                }
            }
            case "STARTTLS" -> {
                if (reply.code() == 220) {
                    abortCurrent();
                    tlsAfterExchange = rowNumber(row);
                    serverTls = true;
                    resumeClient(row, () -> clientMode = ClientMode.TLS);
                } else {
                    resumeClient(row, () -> clientMode = ClientMode.COMMAND);
                }
            }
            default -> { }
        }
    }

    private static String decodeChallenge(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
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

    private Row addRow(Row row) {
        rows.add(row);
        row.number = rows.size();
        return row;
    }

    private void renumber() {
        for (int i = 0; i < rows.size(); i++) {
            rows.get(i).number = i + 1;
        }
        for (int i = 0; i < credentials.size(); i++) {
            Credentials c = credentials.get(i);
            credentials.set(i, new Credentials(c.exchangeNumber() + 1, c.mechanism(), c.authorizationId(),
                    c.username(), c.password(), c.outcome()));
        }
        if (tlsAfterExchange > 0) {
            tlsAfterExchange++;
        }
    }

    private static String describe(Row row) {
        return row.kind == Exchange.Kind.AUTH_RESPONSE ? "an AUTH response" : row.verb;
    }

    private static int rowNumber(Row row) {
        return row.number;
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

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }
}
