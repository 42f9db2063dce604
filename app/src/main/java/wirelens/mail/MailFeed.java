package wirelens.mail;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import wirelens.base.LatestRows;
import wirelens.capture.CaptureUpdate;
import wirelens.capture.SmtpTranscripts;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.ListenerKind;
import wirelens.proto.smtp.SmtpDecoder;
import wirelens.proto.smtp.SmtpDetection;
import wirelens.proto.smtp.SmtpSession;
import wirelens.proto.smtp.SmtpTransaction;

/**
 * Live rows for the Messages list. Subscribed to the recorder, it runs on the writer thread: each
 * connection that is not an HTTP proxy's is sniffed from its first bytes, and one that speaks SMTP is
 * decoded as it goes (heads of messages only) until it ends. Rows that changed wait in a map, latest
 * state per transaction, until the window {@linkplain #drain() drains} them once per pulse.
 */
public final class MailFeed implements Consumer<List<CaptureUpdate>> {

    private static final class Live {
        final SmtpDetection.Sniffer sniffer = new SmtpDetection.Sniffer();
        final SmtpDecoder decoder;
        boolean implicitTls;
        boolean changed;
        /** Transactions before this index have ended: their rows are out and never change again. */
        int settled;

        Live(long connectionId) {
            decoder = SmtpDecoder.keepingHeads(connectionId, SmtpTranscripts.HEAD_BYTES);
        }
    }

    /** Connections still being sniffed or decoded; writer thread only. */
    private final Map<Long, Live> live = new HashMap<>();
    /** Rows changed since the last drain; at most the list's limit wait (see {@link LatestRows}). */
    private final LatestRows<MailMessage.Key, MailMessage> pending = new LatestRows<>(MailMessage::key, 100_000);

    @Override
    public void accept(List<CaptureUpdate> updates) {
        for (CaptureUpdate u : updates) {
            if (u instanceof CaptureUpdate.ConnectionOpened o) {
                if (o.connection().listenerKind() != ListenerKind.HTTP) {
                    live.put(o.connection().id(), new Live(o.connection().id()));
                }
            } else if (u instanceof CaptureUpdate.ChunkAdded a) {
                Live l = live.get(a.chunk().connectionId());
                if (l != null && a.chunk().forwardedLength() > 0) {
                    feed(a.chunk().connectionId(), l, a.chunk().direction(), a.forwarded(), a.chunk().timeNanos());
                }
            } else if (u instanceof CaptureUpdate.Tls t) {
                Live l = live.get(t.event().connectionId());
                if (l != null && t.event().kind() != EngineEvent.Tls.Kind.FAILED && !t.event().startTls()) {
                    l.implicitTls = true;
                }
            } else if (u instanceof CaptureUpdate.ConnectionEnded e) {
                Live l = live.remove(e.connection().id());
                if (l != null && l.sniffer.verdict() == SmtpDetection.Verdict.SMTP) {
                    l.decoder.end();
                    publish(l);
                }
            }
        }
        for (Live l : live.values()) {
            if (l.changed) {
                publish(l);
            }
        }
    }

    private void feed(long connectionId, Live l, Direction direction, byte[] bytes, long timeNanos) {
        boolean fromClient = direction == Direction.CLIENT_TO_SERVER;
        if (l.sniffer.offer(fromClient, bytes) == SmtpDetection.Verdict.NOT_SMTP) {
            live.remove(connectionId);
            return;
        }
        // decoded from the first byte while the verdict is open, so nothing needs replaying once it says SMTP
        if (fromClient) {
            l.decoder.fromClient(bytes, timeNanos);
        } else {
            l.decoder.fromServer(bytes, timeNanos);
            l.changed = true; // replies are what move a transaction on
        }
    }

    private void publish(Live l) {
        l.changed = false;
        if (l.sniffer.verdict() != SmtpDetection.Verdict.SMTP) {
            return;
        }
        SmtpSession session = l.decoder.session();
        pending.offer(MailMessages.of(session, l.implicitTls, l.settled));
        List<SmtpTransaction> all = session.transactions();
        while (l.settled < all.size() && all.get(l.settled).result() != SmtpTransaction.Result.OPEN) {
            l.settled++;
        }
    }

    /** Keeps at most this many rows between two drains, the newest (the list's own limit). */
    public void setMaxPending(int rows) {
        pending.setMax(rows);
    }

    /** The rows that changed since the last call, latest state each, in the order they first changed. */
    public List<MailMessage> drain() {
        return pending.drain();
    }
}
