package wirelens.capture;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.ListenerKind;
import wirelens.engine.Side;
import wirelens.tls.TlsFacts;

/**
 * The bodies of Wirelens' own records (README section "Capture file format"; constants in {@link Format}):
 * the field encodings every record shares (strings, addresses, directions, listener kinds, certificate
 * lists) and the records with a structure of their own (TLS, proxy handshake), each written and read side
 * by side, so that a change to one half shows the other. {@link PcapngEncoder} frames what is written here
 * into blocks and packets; {@link PcapngScanner} finds the records, reads their fixed numbers itself and
 * the rest with these.
 *
 * <p>A reader takes a little-endian buffer positioned at its field and throws
 * {@link IllegalArgumentException} or a buffer exception on damage: a length field is never trusted
 * beyond what the buffer holds.
 */
final class WirelensRecords {
    private WirelensRecords() {}

    /** One record being written: PEN, magic, type, version, then little-endian fields. */
    static final class Writer {
        // the longest record but TLS's (opened: two unresolved host names and a name, 200 bytes each) is ~650 bytes
        private final ByteBuffer b;

        Writer(int type) {
            this(type, 1024);
        }

        Writer(int type, int capacity) {
            b = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(Format.PEN).put(Format.MAGIC_0).put(Format.MAGIC_1).put((byte) type).put((byte) Format.RECORD_VERSION);
        }

        Writer u8(int v) {
            b.put((byte) v);
            return this;
        }

        Writer u16(int v) {
            b.putShort((short) v);
            return this;
        }

        Writer i32(int v) {
            b.putInt(v);
            return this;
        }

        Writer raw(byte[] bytes) {
            b.put(bytes);
            return this;
        }

        Writer i64(long v) {
            b.putLong(v);
            return this;
        }

        /** UTF-8 with a 16-bit length; cut to 200 bytes so a record always fits its buffer. */
        Writer str(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(bytes.length, 200);
            b.putShort((short) n).put(bytes, 0, n);
            return this;
        }

        /** Family byte, address bytes (or a host name string when unresolved), port. */
        Writer addr(InetSocketAddress a) {
            if (a == null) {
                b.put((byte) Format.ADDR_NONE);
                return this;
            }
            InetAddress ip = a.getAddress();
            if (ip instanceof Inet4Address) {
                b.put((byte) Format.ADDR_IPV4).put(ip.getAddress());
            } else if (ip instanceof Inet6Address) {
                b.put((byte) Format.ADDR_IPV6).put(ip.getAddress());
            } else {
                b.put((byte) Format.ADDR_UNRESOLVED);
                str(a.getHostString());
            }
            b.putShort((short) a.getPort());
            return this;
        }

        byte[] bytes() {
            byte[] out = new byte[b.position()];
            b.get(0, out);
            return out;
        }
    }

    /** A string as {@link Writer#str} wrote it. */
    static String string(ByteBuffer b) {
        int n = b.getShort() & 0xFFFF;
        if (n > b.remaining()) {
            throw new IllegalArgumentException("text longer than its record");
        }
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** An address as {@link Writer#addr} wrote it; null for none. */
    static InetSocketAddress address(ByteBuffer b) {
        int family = b.get();
        try {
            return switch (family) {
                case Format.ADDR_NONE -> null;
                case Format.ADDR_IPV4, Format.ADDR_IPV6 -> {
                    byte[] ip = new byte[family == Format.ADDR_IPV4 ? 4 : 16];
                    b.get(ip);
                    yield new InetSocketAddress(InetAddress.getByAddress(ip), b.getShort() & 0xFFFF);
                }
                case Format.ADDR_UNRESOLVED -> {
                    String host = string(b);
                    yield InetSocketAddress.createUnresolved(host.isEmpty() ? "?" : host, b.getShort() & 0xFFFF);
                }
                default -> throw new IllegalArgumentException("address family " + family);
            };
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address", e); // cannot happen for 4 or 16 bytes
        }
    }

    /** A direction as chunk and half-closed records have it: 0 client to server, 1 server to client. */
    static int directionCode(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? 0 : 1;
    }

    static Direction direction(byte b) {
        return switch (b) {
            case 0 -> Direction.CLIENT_TO_SERVER;
            case 1 -> Direction.SERVER_TO_CLIENT;
            default -> throw new IllegalArgumentException("direction " + b);
        };
    }

    /** The listener kind as the opened record has it: 0 forward, 1 HTTP proxy, 2 SOCKS5. */
    static int kindCode(ListenerKind kind) {
        return switch (kind) {
            case FORWARD -> 0;
            case HTTP -> 1;
            case SOCKS5 -> 2;
        };
    }

    static ListenerKind listenerKind(int code) {
        return switch (code) {
            case 0 -> ListenerKind.FORWARD;
            case 1 -> ListenerKind.HTTP;
            case 2 -> ListenerKind.SOCKS5;
            default -> throw new IllegalArgumentException("listener kind " + code);
        };
    }

    /** u16 count, then per certificate u32 length + DER, at most {@link Format#MAX_TLS_CHAIN_BYTES} in all. */
    private static void certificates(Writer r, List<byte[]> chain) {
        List<byte[]> kept = new ArrayList<>();
        int total = 0;
        for (byte[] der : chain) {
            if (total + der.length > Format.MAX_TLS_CHAIN_BYTES) {
                break;
            }
            kept.add(der);
            total += der.length;
        }
        r.u16(kept.size());
        for (byte[] der : kept) {
            r.i32(der.length).raw(der);
        }
    }

    private static List<byte[]> certificates(ByteBuffer b) {
        int count = b.getShort() & 0xFFFF;
        List<byte[]> chain = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = b.getInt();
            if (n < 0 || n > b.remaining()) {
                throw new IllegalArgumentException("certificate longer than its record");
            }
            byte[] der = new byte[n];
            b.get(der);
            chain.add(der);
        }
        return chain;
    }

    // ---- the TLS record ----

    /**
     * i64 id, i64 time, u8 leg (0 client, 1 server), u8 flags (see {@link Format#TLS_FACTS}), str note, then
     * with facts: str protocol, str cipher suite, str SNI, str ALPN, i64 handshake ns, u16 certificate
     * count, and per certificate u32 length + DER (leaf first). The note keeps the words a reader of the
     * first files parsed ("STARTTLS", "passthrough HOST:PORT", "failed: why"), so it still reads new files.
     */
    static byte[] tlsRecord(EngineEvent.Tls t) {
        TlsFacts f = t.facts();
        int size = 1280; // the fields: five strings of at most 202 bytes, numbers, counts, the trailer
        for (byte[] der : f != null ? f.peerChain() : t.rejectedChain()) {
            size += 4 + der.length;
        }
        for (byte[] der : f != null ? f.localChain() : List.<byte[]>of()) {
            size += 4 + der.length;
        }
        Writer r = new Writer(Format.REC_TLS, Math.min(size, 2 * Format.MAX_TLS_CHAIN_BYTES + 1280))
                .i64(t.connectionId()).i64(t.timeNanos())
                .u8(t.side() == Side.CLIENT ? 0 : 1)
                .u8(tlsFlags(t))
                .str(tlsNote(t));
        if (f == null && !t.rejectedChain().isEmpty()) {
            certificates(r, t.rejectedChain());
            r.str(t.server() == null ? "" : t.server());
        }
        if (f != null) {
            r.str(f.protocol()).str(f.cipherSuite()).str(f.serverName() == null ? "" : f.serverName()).str(f.alpn())
                    .i64(f.handshakeNanos());
            certificates(r, f.peerChain());
            if (!f.localChain().isEmpty()) {
                certificates(r, f.localChain());
            }
            // a trailer older readers never reach: they stop after the chains
            r.i64(f.handshakeBytesReceived()).i64(f.handshakeBytesSent());
        }
        return r.bytes();
    }

    private static int tlsFlags(EngineEvent.Tls t) {
        int flags = Format.TLS_KIND_GIVEN | (t.startTls() ? Format.TLS_STARTTLS : 0);
        if (t.facts() != null) {
            flags |= Format.TLS_FACTS | (t.facts().verified() ? Format.TLS_VERIFIED : 0)
                    | (t.facts().localChain().isEmpty() ? 0 : Format.TLS_LOCAL_CHAIN);
        } else if (!t.rejectedChain().isEmpty()) {
            flags |= Format.TLS_REJECTED_CHAIN;
        }
        return flags | switch (t.kind()) {
            case HANDSHAKE_DONE -> 0;
            case PASSTHROUGH -> Format.TLS_PASSTHROUGH;
            case FAILED -> Format.TLS_FAILED;
        };
    }

    static String tlsNote(EngineEvent.Tls t) {
        String detail = t.detail() == null ? "" : t.detail();
        return switch (t.kind()) {
            case HANDSHAKE_DONE -> t.startTls() ? Format.TLS_NOTE_STARTTLS : "";
            case PASSTHROUGH -> (Format.TLS_NOTE_PASSTHROUGH + detail).trim();
            case FAILED -> Format.TLS_NOTE_FAILED + detail;
        };
    }

    /** The TLS record's fields (see {@link #tlsRecord}). */
    static EngineEvent.Tls tls(ByteBuffer b) {
        long id = b.getLong();
        long time = b.getLong();
        int leg = b.get();
        int flags = b.get();
        String note = string(b);
        TlsFacts facts = null;
        List<byte[]> rejected = (flags & Format.TLS_REJECTED_CHAIN) != 0 ? certificates(b) : List.of();
        String server = rejected.isEmpty() ? "" : string(b);
        if ((flags & 1) != 0) {
            String protocol = string(b);
            String cipher = string(b);
            String sni = string(b);
            String alpn = string(b);
            long handshake = b.getLong();
            List<byte[]> chain = certificates(b);
            List<byte[]> local = (flags & Format.TLS_LOCAL_CHAIN) != 0 ? certificates(b) : List.of();
            // the handshake's byte counts trail the record; a block's padding is shorter than they are
            boolean counted = b.remaining() >= 16;
            long received = counted ? b.getLong() : -1;
            long sent = counted ? b.getLong() : -1;
            facts = new TlsFacts(protocol, cipher, sni.isEmpty() ? null : sni, alpn, handshake, chain,
                    (flags & 2) != 0, local, received, sent);
        }
        Side side = leg == 0 ? Side.CLIENT : Side.TARGET;
        EngineEvent.Tls t = (flags & Format.TLS_KIND_GIVEN) != 0 ? tlsOf(id, time, side, flags, note, facts)
                : tlsOfNote(id, time, side, note, facts);
        return rejected.isEmpty() || t.kind() != EngineEvent.Tls.Kind.FAILED ? t
                : EngineEvent.Tls.untrusted(id, time, server.isEmpty() ? null : server, t.detail(), rejected, t.startTls());
    }

    private static EngineEvent.Tls tlsOf(long id, long time, Side side, int flags, String note, TlsFacts facts) {
        boolean startTls = (flags & Format.TLS_STARTTLS) != 0;
        if ((flags & Format.TLS_PASSTHROUGH) != 0) {
            return EngineEvent.Tls.passthrough(id, time, side, detail(note, Format.TLS_NOTE_PASSTHROUGH));
        }
        if ((flags & Format.TLS_FAILED) != 0 || facts == null) {
            return EngineEvent.Tls.failed(id, time, side, detail(note, Format.TLS_NOTE_FAILED), startTls);
        }
        return EngineEvent.Tls.done(id, time, side, facts, startTls);
    }

    /** A record of a file written before the kind had flags of its own: the note says it. */
    private static EngineEvent.Tls tlsOfNote(long id, long time, Side side, String note, TlsFacts facts) {
        if (facts != null) {
            return EngineEvent.Tls.done(id, time, side, facts, note.equals(Format.TLS_NOTE_STARTTLS));
        }
        if (note.startsWith(Format.TLS_NOTE_PASSTHROUGH.trim())) {
            return EngineEvent.Tls.passthrough(id, time, side, detail(note, Format.TLS_NOTE_PASSTHROUGH.trim()));
        }
        return EngineEvent.Tls.failed(id, time, side, detail(note, Format.TLS_NOTE_FAILED), false);
    }

    private static String detail(String note, String prefix) {
        String rest = (note.startsWith(prefix) ? note.substring(prefix.length()) : note).trim();
        return rest.isEmpty() ? null : rest;
    }

    // ---- the proxy handshake record ----

    /**
     * Connection id, time, the summary line, the requested host (8-bit length, 0: none) and port, then the
     * bytes from and to the client (16-bit length each).
     */
    static byte[] proxyHandshakeRecord(EngineEvent.ProxyHandshake h) {
        byte[] host = h.host() == null ? new byte[0] : h.host().getBytes(StandardCharsets.UTF_8);
        int hostLength = Math.min(host.length, 255);
        int fromLength = Math.min(h.fromClient().length, 0xFFFF);
        int toLength = Math.min(h.toClient().length, 0xFFFF);
        Writer r = new Writer(Format.REC_PROXY_HANDSHAKE, 300 + hostLength + fromLength + toLength)
                .i64(h.connectionId()).i64(h.timeNanos()).str(h.summary()).u8(hostLength)
                .raw(Arrays.copyOf(host, hostLength)).u16(h.port());
        r.u16(fromLength).raw(Arrays.copyOf(h.fromClient(), fromLength));
        r.u16(toLength).raw(Arrays.copyOf(h.toClient(), toLength));
        return r.bytes();
    }

    static EngineEvent.ProxyHandshake proxyHandshake(ByteBuffer b) {
        long id = b.getLong();
        long time = b.getLong();
        String summary = string(b);
        byte[] host = new byte[b.get() & 0xFF];
        b.get(host);
        int port = b.getShort() & 0xFFFF;
        byte[] fromClient = new byte[b.getShort() & 0xFFFF];
        b.get(fromClient);
        byte[] toClient = new byte[b.getShort() & 0xFFFF];
        b.get(toClient);
        return new EngineEvent.ProxyHandshake(id, time, summary,
                host.length == 0 ? null : new String(host, StandardCharsets.UTF_8), port, fromClient, toClient);
    }
}
