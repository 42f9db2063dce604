package wirelens.proto.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** A captured SMTP conversation as chunks in capture order, and helpers to feed and print it. */
final class SmtpScript {

    record Step(boolean fromClient, byte[] bytes) {}

    final List<Step> steps = new ArrayList<>();

    SmtpScript s(String text) {
        steps.add(new Step(false, text.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    SmtpScript c(String text) {
        steps.add(new Step(true, text.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    SmtpScript c(byte[] bytes) {
        steps.add(new Step(true, bytes));
        return this;
    }

    SmtpScript s(byte[] bytes) {
        steps.add(new Step(false, bytes));
        return this;
    }

    SmtpSession decode() {
        SmtpDecoder d = new SmtpDecoder(1);
        for (Step st : steps) {
            feed(d, st.fromClient, st.bytes);
        }
        d.end();
        return d.session();
    }

    /** Every step cut into random pieces (order kept); {@code maxPiece} 1 means one byte at a time. */
    SmtpSession decodeSplit(Random random, int maxPiece) {
        SmtpDecoder d = new SmtpDecoder(1);
        for (Step st : steps) {
            int pos = 0;
            while (pos < st.bytes.length) {
                int n = Math.min(st.bytes.length - pos, 1 + random.nextInt(maxPiece));
                feed(d, st.fromClient, Arrays.copyOfRange(st.bytes, pos, pos + n));
                pos += n;
            }
        }
        d.end();
        return d.session();
    }

    private static void feed(SmtpDecoder d, boolean fromClient, byte[] b) {
        if (fromClient) {
            d.fromClient(b);
        } else {
            d.fromServer(b);
        }
    }

    /** Everything a user could see in a session, as text, for comparing two decodings. */
    static String render(SmtpSession s) {
        StringBuilder sb = new StringBuilder();
        for (Exchange e : s.exchanges()) {
            sb.append(e.number()).append(' ').append(e.kind()).append(" [").append(e.display(true)).append("] ")
                    .append(e.verb()).append(" m").append(e.messageNumber()).append(" b").append(e.dataBytes())
                    .append(e.sensitive() ? " S" : "").append(" -> ")
                    .append(e.reply() == null ? "(waiting)" : e.reply().code() + " " + e.reply().lines())
                    .append('\n');
        }
        for (SmtpTransaction t : s.transactions()) {
            sb.append("tx ").append(t.number()).append(' ').append(t.mailFrom()).append(' ')
                    .append(t.mailParameters()).append(' ').append(code(t.mailReply()));
            for (SmtpTransaction.Recipient r : t.recipients()) {
                sb.append(" rcpt ").append(r.address()).append(' ').append(code(r.reply()));
            }
            sb.append(" msg ").append(t.messageNumber()).append(" size ").append(t.messageSize())
                    .append(" data ").append(code(t.dataReply())).append(' ').append(t.result()).append('\n');
        }
        for (SmtpMessage m : s.messages()) {
            sb.append("msg ").append(m.number()).append(" tx ").append(m.transactionNumber()).append(' ')
                    .append(m.viaBdat()).append(' ').append(HexFormat.of().formatHex(m.bytes())).append('\n');
        }
        for (Credentials c : s.credentials()) {
            sb.append(c.revealed()).append(" @").append(c.exchangeNumber()).append('\n');
        }
        sb.append("tls ").append(s.tlsAfterExchange()).append(' ').append(s.tlsClientBytes()).append(' ')
                .append(s.tlsServerBytes()).append('\n');
        s.problems().forEach(p -> sb.append("problem: ").append(p).append('\n'));
        return sb.toString();
    }

    private static String code(SmtpReply r) {
        return r == null ? "-" : String.valueOf(r.code());
    }
}
