package wirelens.flows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import wirelens.base.LatestRows;
import wirelens.capture.CaptureUpdate;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.ListenerKind;
import wirelens.engine.Side;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.ExchangeLog;

/**
 * Live rows for the Flows list. Subscribed to the recorder, it runs on the writer thread: every HTTP
 * proxy connection, and every other connection whose client's first bytes are a request line, is decoded
 * as its chunks are recorded (from the bytes the recorder hands over, never read back from the file),
 * keeping only its open exchanges. Flows that changed wait in a map, latest state each, until the window
 * {@linkplain #drain() drains} them once per pulse; new flows are numbered in the order their requests began.
 */
public final class FlowFeed implements Consumer<List<CaptureUpdate>> {

    private static final class Live {
        final ExchangeLog log = new ExchangeLog();
        ConnectionInfo info;
        /** Not an HTTP proxy's: waiting for the client's first bytes to say whether it speaks HTTP. */
        boolean sniffing;
        boolean clientDone;
        boolean serverDone;
        boolean changed;
        /**
         * The flow number of each exchange that may still change (its index → number); an exchange that is
         * over leaves, so a kept-alive connection carrying millions of requests holds a handful of entries.
         */
        final Map<Integer, Integer> numbers = new HashMap<>();

        Live(ConnectionInfo info) {
            this.info = info;
            this.sniffing = info.listenerKind() != ListenerKind.HTTP;
        }
    }

    /** Connections being decoded; writer thread only. */
    private final Map<Long, Live> live = new HashMap<>();
    /** The strings rows repeat; writer thread only. */
    private final SharedStrings shared = new SharedStrings();
    private int lastNumber;
    /** Rows changed since the last drain; at most the list's limit wait (see {@link LatestRows}). */
    private final LatestRows<Flow.Key, Flow> pending = new LatestRows<>(Flow::key, 100_000);

    @Override
    public void accept(List<CaptureUpdate> updates) {
        for (CaptureUpdate u : updates) {
            if (u instanceof CaptureUpdate.ConnectionOpened o) {
                live.put(o.connection().id(), new Live(o.connection()));
            } else if (u instanceof CaptureUpdate.ChunkAdded a) {
                Live l = live.get(a.chunk().connectionId());
                if (l != null && a.chunk().forwardedLength() > 0) {
                    chunk(l, a);
                }
            } else if (u instanceof CaptureUpdate.Tls t) {
                Live l = live.get(t.event().connectionId());
                if (l != null && t.event().side() == Side.CLIENT && t.event().kind() == EngineEvent.Tls.Kind.HANDSHAKE_DONE) {
                    l.log.clientSpokeTls(); // the decrypted chunks come after this record
                }
            } else if (u instanceof CaptureUpdate.ConnectionChanged c) {
                Live l = live.get(c.connection().id());
                if (l != null) {
                    ends(l, c.connection());
                }
            } else if (u instanceof CaptureUpdate.ConnectionEnded e) {
                Live l = live.get(e.connection().id());
                if (l != null) {
                    ends(l, e.connection());
                }
            }
        }
        publish();
    }

    private void chunk(Live l, CaptureUpdate.ChunkAdded a) {
        boolean fromClient = a.chunk().direction() == Direction.CLIENT_TO_SERVER;
        byte[] bytes = a.forwarded();
        if (l.sniffing) {
            // an HTTP server never speaks first
            if (!fromClient || !ExchangeLog.looksLikeHttpRequest(bytes, bytes.length)) {
                live.remove(a.chunk().connectionId());
                return;
            }
            l.sniffing = false;
        }
        l.log.onBytes(fromClient, bytes, a.chunk().timeNanos());
        l.info = a.connection();
        l.changed = true;
    }

    private void ends(Live l, ConnectionInfo info) {
        l.info = info;
        if (l.sniffing) {
            if (!info.isOpen()) {
                live.remove(info.id());
            }
            return;
        }
        if (!l.clientDone && (info.clientFinished() || !info.isOpen())) {
            l.clientDone = true;
            l.log.onEof(true, info.closedNanos());
            l.changed = true;
        }
        if (!l.serverDone && (info.serverFinished() || !info.isOpen())) {
            l.serverDone = true;
            l.log.onEof(false, info.closedNanos());
            l.changed = true;
        }
    }

    /** Turns what changed in this batch into rows; new flows get numbers in the order their requests began. */
    private void publish() {
        List<Flow> fresh = new ArrayList<>();
        List<Flow> updated = new ArrayList<>();
        List<Long> ended = new ArrayList<>();
        for (Map.Entry<Long, Live> entry : live.entrySet()) {
            Live l = entry.getValue();
            if (l.changed) {
                l.changed = false;
                for (Exchange e : l.log.takeChanged()) {
                    if (e.request() == null) {
                        continue; // bytes that never made a request: no row
                    }
                    boolean over = e.state() == Exchange.State.COMPLETE || e.state() == Exchange.State.FAILED;
                    Integer number = over ? l.numbers.remove(e.index()) : l.numbers.get(e.index());
                    Flow row = Flows.of(number == null ? 0 : number, l.info, e, shared);
                    (number == null ? fresh : updated).add(row);
                    if (number == null && !over) {
                        l.numbers.put(e.index(), 0); // numbered below, with the batch's other new flows
                    }
                }
            }
            if (!l.info.isOpen()) {
                ended.add(entry.getKey());
            }
        }
        ended.forEach(live::remove);
        if (fresh.isEmpty() && updated.isEmpty()) {
            return;
        }
        fresh.sort(Flows.ARRIVAL);
        List<Flow> numbered = new ArrayList<>(fresh.size());
        for (Flow f : fresh) {
            Flow n = Flows.renumbered(f, ++lastNumber);
            Live l = live.get(f.connectionId());
            if (l != null && l.numbers.containsKey(f.index())) {
                l.numbers.put(f.index(), n.number());
            }
            numbered.add(n);
        }
        pending.offer(numbered);
        pending.offer(updated);
    }

    /** Keeps at most this many rows between two drains, the newest (the list's own limit). */
    public void setMaxPending(int rows) {
        pending.setMax(rows);
    }

    /** The flows that changed since the last call, latest state each, in the order they first changed. */
    public List<Flow> drain() {
        return pending.drain();
    }
}
