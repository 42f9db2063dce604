package wirelens.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a TLS client offers in its first message, read by hand from the first bytes of a connection
 * before any {@code SSLEngine} sees them: the server name (SNI) picks the certificate to mint and the
 * upstream name to verify, and the ALPN offers go upstream first. Reading it whole is needed because
 * the upstream handshake runs before the client's is answered (as mitmproxy does), and a ClientHello can
 * span several records (post-quantum key shares make it larger than one) and any number of TCP segments.
 *
 * <p>{@link #read} is a pure function of the bytes received so far: call it again with more bytes
 * until it says something other than {@link Outcome.NeedMore}. Nothing is consumed; the caller replays
 * the same bytes into the TLS engine once it has decided.
 */
public record ClientHello(String serverName, List<String> alpn, int legacyVersion, List<Integer> supportedVersions) {
    /** Larger than any real ClientHello (a few KiB with post-quantum key shares): bounds what is buffered. */
    public static final int MAX_BYTES = 64 * 1024;
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int EXT_SERVER_NAME = 0;
    private static final int EXT_ALPN = 16;
    private static final int EXT_SUPPORTED_VERSIONS = 43;

    public ClientHello {
        alpn = List.copyOf(alpn);
        supportedVersions = List.copyOf(supportedVersions);
    }

    /** What the first bytes of a connection are. */
    public sealed interface Outcome {
        /** Too few bytes to tell; read more (the client has more to send). */
        record NeedMore() implements Outcome {}

        /** Not TLS: the connection stays a plain relay. */
        record NotTls() implements Outcome {}

        /** A TLS handshake that cannot be a valid ClientHello; {@code reason} is fit for a user. */
        record Malformed(String reason) implements Outcome {}

        /** A whole ClientHello. */
        record Hello(ClientHello hello) implements Outcome {}
    }

    private static final Outcome NEED_MORE = new Outcome.NeedMore();
    private static final Outcome NOT_TLS = new Outcome.NotTls();

    /** Reads the bytes between {@code position} and {@code limit} of {@code data}, which it leaves as they are. */
    public static Outcome read(ByteBuffer data) {
        ByteBuffer in = data.duplicate();
        if (!in.hasRemaining()) {
            return NEED_MORE;
        }
        if ((in.get(in.position()) & 0xff) != HANDSHAKE) {
            return NOT_TLS;
        }
        if (in.remaining() >= 2 && (in.get(in.position() + 1) & 0xff) != 3) {
            return NOT_TLS; // SSL 3.0 up to TLS 1.3 all say 3 here; anything else is some other protocol
        }
        // gather the handshake message from as many records as it takes
        ByteBuffer message = ByteBuffer.allocate(Math.min(MAX_BYTES, Math.max(64, in.remaining())));
        int needed = -1;
        while (true) {
            if (in.remaining() < 5) {
                return NEED_MORE;
            }
            int type = in.get() & 0xff;
            int major = in.get() & 0xff;
            in.get(); // minor: clients put 1 (TLS 1.0) here for compatibility, whatever they speak
            int length = in.getShort() & 0xffff;
            if (type != HANDSHAKE) {
                return new Outcome.Malformed("a record of type " + type + " came before the ClientHello was complete");
            }
            if (major != 3) {
                return new Outcome.Malformed("a record of version " + major + ".x inside a TLS handshake");
            }
            if (length == 0 || length > (1 << 14) + 2048) {
                return new Outcome.Malformed("a handshake record of " + length + " bytes");
            }
            int take = Math.min(length, in.remaining());
            if (message.position() + take > MAX_BYTES) {
                return new Outcome.Malformed("a ClientHello larger than " + MAX_BYTES + " bytes");
            }
            if (message.remaining() < take) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.min(MAX_BYTES, Math.max(message.capacity() * 2, message.position() + take)));
                message.flip();
                bigger.put(message);
                message = bigger;
            }
            ByteBuffer slice = in.slice();
            slice.limit(take);
            message.put(slice);
            in.position(in.position() + take);
            if (needed < 0 && message.position() >= 4) {
                int msgType = message.get(0) & 0xff;
                if (msgType != CLIENT_HELLO) {
                    return new Outcome.Malformed("the first handshake message is of type " + msgType + ", not a ClientHello");
                }
                needed = 4 + (((message.get(1) & 0xff) << 16) | ((message.get(2) & 0xff) << 8) | (message.get(3) & 0xff));
                if (needed > MAX_BYTES) {
                    return new Outcome.Malformed("a ClientHello of " + needed + " bytes");
                }
            }
            if (needed >= 0 && message.position() >= needed) {
                message.flip();
                message.position(4);
                message.limit(needed);
                return parseBody(message);
            }
            if (take < length) {
                return NEED_MORE; // the rest of this record is still on its way
            }
        }
    }

    private static Outcome parseBody(ByteBuffer b) {
        try {
            int legacyVersion = b.getShort() & 0xffff;
            skip(b, 32); // random
            skip(b, u8(b)); // session id
            int suites = u16(b);
            if (suites == 0 || suites % 2 != 0) {
                return new Outcome.Malformed("a ClientHello with a cipher suite list of " + suites + " bytes");
            }
            skip(b, suites);
            skip(b, u8(b)); // compression methods
            String sni = null;
            List<String> alpn = new ArrayList<>();
            List<Integer> versions = new ArrayList<>();
            if (b.hasRemaining()) {
                int extensionsEnd = u16(b) + b.position();
                if (extensionsEnd > b.limit()) {
                    return new Outcome.Malformed("the ClientHello's extensions run past its end");
                }
                while (b.position() < extensionsEnd) {
                    int type = u16(b);
                    int length = u16(b);
                    if (b.position() + length > extensionsEnd) {
                        return new Outcome.Malformed("extension " + type + " runs past the end of the ClientHello");
                    }
                    ByteBuffer ext = b.slice();
                    ext.limit(length);
                    skip(b, length);
                    switch (type) {
                        case EXT_SERVER_NAME -> sni = serverName(ext);
                        case EXT_ALPN -> alpn = protocols(ext);
                        case EXT_SUPPORTED_VERSIONS -> versions = versions(ext);
                        default -> { }
                    }
                }
            }
            return new Outcome.Hello(new ClientHello(sni, alpn, legacyVersion, versions));
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            return new Outcome.Malformed("a ClientHello cut short inside its own length");
        }
    }

    private static String serverName(ByteBuffer ext) {
        int listEnd = u16(ext) + ext.position();
        while (ext.position() < listEnd) {
            int nameType = u8(ext);
            int length = u16(ext);
            byte[] name = new byte[length];
            ext.get(name);
            if (nameType == 0) {
                String host = new String(name, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
                // a host name, not bytes to trust: only what DNS names may hold
                return host.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != '\\') && !host.isEmpty()
                        ? host : null;
            }
        }
        return null;
    }

    private static List<String> protocols(ByteBuffer ext) {
        List<String> out = new ArrayList<>();
        int listEnd = u16(ext) + ext.position();
        while (ext.position() < listEnd) {
            byte[] p = new byte[u8(ext)];
            ext.get(p);
            out.add(new String(p, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static List<Integer> versions(ByteBuffer ext) {
        List<Integer> out = new ArrayList<>();
        int n = u8(ext);
        for (int i = 0; i + 1 < n; i += 2) {
            out.add(u16(ext));
        }
        return out;
    }

    private static int u8(ByteBuffer b) {
        return b.get() & 0xff;
    }

    private static int u16(ByteBuffer b) {
        return b.getShort() & 0xffff;
    }

    private static void skip(ByteBuffer b, int n) {
        b.position(b.position() + n); // IllegalArgumentException past the limit
    }

    /** True when the client offers TLS 1.3 (in supported_versions). */
    public boolean offersTls13() {
        return supportedVersions.contains(0x0304);
    }
}
