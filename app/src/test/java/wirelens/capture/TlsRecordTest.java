package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import wirelens.engine.EngineEvent;
import wirelens.engine.Side;
import wirelens.tls.TlsFacts;

/** The TLS record says each kind of TLS event, and files written before the kind had flags still read. */
class TlsRecordTest {
    private static final TlsFacts FACTS = new TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", "mail.example.test",
            "", 9_000_000, List.of(new byte[] {1, 2, 3}), true);

    private static EngineEvent.Tls readBack(byte[] record) {
        return WirelensRecords.tls(ByteBuffer.wrap(record, 8, record.length - 8).slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void everyKindComesBackAsWritten() {
        for (EngineEvent.Tls t : List.of(EngineEvent.Tls.done(3, 10, Side.CLIENT, FACTS, true),
                EngineEvent.Tls.done(3, 11, Side.TARGET, FACTS, false),
                EngineEvent.Tls.passthrough(4, 12, Side.TARGET, "bank.example:443"),
                EngineEvent.Tls.failed(5, 13, Side.TARGET, "the certificate of localhost:8443 is not trusted", true),
                EngineEvent.Tls.failed(6, 14, Side.CLIENT, null, false))) {
            EngineEvent.Tls back = readBack(WirelensRecords.tlsRecord(t));
            assertEquals(t.kind(), back.kind());
            assertEquals(t.startTls(), back.startTls(), t.toString());
            assertEquals(t.detail(), back.detail());
            assertEquals(t.side(), back.side());
            assertEquals(t.connectionId(), back.connectionId());
            if (t.facts() != null) {
                assertEquals(t.facts().protocol(), back.facts().protocol());
                assertArrayEquals(t.facts().peerChain().get(0), back.facts().peerChain().get(0));
            }
        }
    }

    @Test
    void theHandshakesByteCountsComeBackAndOlderRecordsSayUnknown() {
        TlsFacts counted = new TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", "a.test", "h2", 1, List.of(new byte[] {1}),
                true, List.of(new byte[] {2}), 517, 2345);
        TlsFacts back = readBack(WirelensRecords.tlsRecord(EngineEvent.Tls.done(3, 10, Side.CLIENT, counted, false))).facts();
        assertEquals(517, back.handshakeBytesReceived());
        assertEquals(2345, back.handshakeBytesSent());
        assertArrayEquals(new byte[] {2}, back.localChain().get(0));

        // a record without the trailer, as written before it existed, padded as a custom block pads it
        byte[] full = WirelensRecords.tlsRecord(EngineEvent.Tls.done(3, 10, Side.CLIENT, counted, false));
        byte[] old = java.util.Arrays.copyOf(full, full.length - 16 + 3);
        TlsFacts oldBack = readBack(old).facts();
        assertEquals(-1, oldBack.handshakeBytesReceived());
        assertEquals(-1, oldBack.handshakeBytesSent());
        assertEquals("h2", oldBack.alpn());
    }

    @Test
    void theLeafShownToTheClientAndARefusedServersChainComeBack() {
        TlsFacts withLeaf = new TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", "a.test", "", 1, List.of(), true,
                List.of(new byte[] {9, 8, 7}));
        EngineEvent.Tls back = readBack(WirelensRecords.tlsRecord(EngineEvent.Tls.done(3, 10, Side.CLIENT, withLeaf, false)));
        assertArrayEquals(new byte[] {9, 8, 7}, back.facts().localChain().get(0));

        EngineEvent.Tls refused = readBack(WirelensRecords.tlsRecord(EngineEvent.Tls.untrusted(4, 11, "a.test:443",
                "self-signed", List.of(new byte[] {5, 6}), false)));
        assertEquals("a.test:443", refused.server());
        assertEquals("self-signed", refused.detail());
        assertArrayEquals(new byte[] {5, 6}, refused.rejectedChain().get(0));
    }

    @Test
    void theNoteKeepsTheWordsOfTheFirstFormat() {
        assertEquals("passthrough bank.example:443",
                WirelensRecords.tlsNote(EngineEvent.Tls.passthrough(4, 12, Side.TARGET, "bank.example:443")));
        assertEquals("failed: why", WirelensRecords.tlsNote(EngineEvent.Tls.failed(4, 12, Side.TARGET, "why", true)));
        assertEquals("STARTTLS", WirelensRecords.tlsNote(EngineEvent.Tls.done(4, 12, Side.CLIENT, FACTS, true)));
    }

    @Test
    void aRecordOfTheFirstFormatReadsByItsNote() {
        EngineEvent.Tls passthrough = readBack(firstFormat(0, "passthrough bank.example:443"));
        assertEquals(EngineEvent.Tls.Kind.PASSTHROUGH, passthrough.kind());
        assertEquals("bank.example:443", passthrough.detail());

        EngineEvent.Tls failed = readBack(firstFormat(0, "failed: self-signed"));
        assertEquals(EngineEvent.Tls.Kind.FAILED, failed.kind());
        assertEquals("self-signed", failed.detail());
        assertFalse(failed.startTls());

        EngineEvent.Tls startTls = readBack(firstFormat(1 | 2, "STARTTLS"));
        assertEquals(EngineEvent.Tls.Kind.HANDSHAKE_DONE, startTls.kind());
        assertTrue(startTls.startTls());
        assertTrue(startTls.facts().verified());
        assertNull(startTls.detail());
    }

    /** A record as the first TLS writer made it: flags 1 (facts) and 2 (verified) only, the kind in the note. */
    private static byte[] firstFormat(int flags, String note) {
        WirelensRecords.Writer r = new WirelensRecords.Writer(Format.REC_TLS).i64(9).i64(1).u8(1).u8(flags).str(note);
        if ((flags & 1) != 0) {
            r.str("TLSv1.2").str("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").str("").str("").i64(5).u16(0);
        }
        return r.bytes();
    }
}
