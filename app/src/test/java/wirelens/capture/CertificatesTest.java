package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import wirelens.engine.EngineEvent;
import wirelens.engine.ListenerKind;
import wirelens.engine.Side;
import wirelens.tls.TlsFacts;

/** The index keeps one copy of a certificate that many connections showed. */
class CertificatesTest {

    private static byte[] der(int seed, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private static EngineEvent.Tls done(long id) {
        // fresh arrays each time, as JSSE hands them out
        TlsFacts facts = new TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", "example.test", "", 1,
                List.of(der(1, 1500), der(2, 1200)), true, List.of(der(3, 900)));
        return EngineEvent.Tls.done(id, 1, Side.TARGET, facts, false);
    }

    @Test
    void connectionsToTheSameServerShareItsCertificates() {
        CaptureIndex index = new CaptureIndex();
        for (long id = 1; id <= 3; id++) {
            index.add(new ConnectionInfo(id, 1, "proxy", ListenerKind.HTTP, new InetSocketAddress("127.0.0.1", 40000),
                    new InetSocketAddress("127.0.0.1", 443), java.util.List.of(), id, 0, ConnectionEnd.OPEN, null, 0, 0, 0, false, false));
            index.addTls(done(id));
        }
        TlsFacts first = index.tls(1).get(0).facts();
        TlsFacts third = index.tls(3).get(0).facts();
        assertSame(first.peerChain().get(0), third.peerChain().get(0));
        assertSame(first.peerChain().get(1), third.peerChain().get(1));
        assertSame(first.localChain().get(0), third.localChain().get(0));
        assertArrayEquals(der(1, 1500), third.peerChain().get(0), "the same bytes, one copy");
    }

    @Test
    void pastItsBudgetTheOldestAreLetGoNotConfused() {
        Certificates certificates = new Certificates();
        int size = 64 * 1024;
        long count = Certificates.MAX_BYTES / size + 8;
        byte[] firstSeen = null;
        for (int i = 0; i < count; i++) {
            TlsFacts f = new TlsFacts("TLSv1.3", "x", null, "", 1, List.of(der(i, size)), true, List.of());
            EngineEvent.Tls t = certificates.intern(EngineEvent.Tls.done(i, 1, Side.TARGET, f, false));
            if (i == 0) {
                firstSeen = t.facts().peerChain().get(0);
            }
        }
        TlsFacts again = new TlsFacts("TLSv1.3", "x", null, "", 1, List.of(der(0, size)), true, List.of());
        byte[] now = certificates.intern(EngineEvent.Tls.done(0, 1, Side.TARGET, again, false)).facts().peerChain().get(0);
        assertNotSame(firstSeen, now, "let go once past the budget");
        assertArrayEquals(firstSeen, now);
    }
}
