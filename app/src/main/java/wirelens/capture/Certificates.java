package wirelens.capture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import wirelens.engine.EngineEvent;
import wirelens.tls.TlsFacts;

/**
 * One copy of each certificate the index holds. Every TLS leg reports its certificates as fresh DER
 * arrays (a few KiB a connection: the server's chain, the leaf Wirelens showed, the CA), so a day of
 * HTTPS to a handful of sites would keep thousands of copies of the same few certificates, more heap than
 * the connections themselves. The most recently seen certificates, up to {@value #MAX_BYTES} bytes, are
 * kept as the one copy; an older one comes back as a new copy, costing heap but never correctness.
 */
final class Certificates {
    static final long MAX_BYTES = 8L << 20;

    private record Key(byte[] der, int hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.der, der);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Map<Key, byte[]> seen = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    /** The event with each certificate replaced by the copy already held, if any (caller synchronises). */
    EngineEvent.Tls intern(EngineEvent.Tls t) {
        if (t.facts() == null && t.rejectedChain().isEmpty()) {
            return t;
        }
        TlsFacts f = t.facts();
        TlsFacts facts = f == null ? null : f.withChains(intern(f.peerChain()), intern(f.localChain()));
        return new EngineEvent.Tls(t.connectionId(), t.timeNanos(), t.side(), t.kind(), t.startTls(), facts, t.detail(),
                intern(t.rejectedChain()), t.server());
    }

    private List<byte[]> intern(List<byte[]> chain) {
        List<byte[]> out = new ArrayList<>(chain.size());
        for (byte[] der : chain) {
            out.add(intern(der));
        }
        return out;
    }

    private byte[] intern(byte[] der) {
        Key key = new Key(der, Arrays.hashCode(der));
        byte[] held = seen.get(key);
        if (held != null) {
            return held;
        }
        seen.put(key, der);
        bytes += der.length;
        var oldest = seen.entrySet().iterator();
        while (bytes > MAX_BYTES && oldest.hasNext()) {
            bytes -= oldest.next().getValue().length;
            oldest.remove();
        }
        return der;
    }
}
