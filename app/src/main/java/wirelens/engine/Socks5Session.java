package wirelens.engine;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import wirelens.base.Units;

/**
 * A SOCKS5 proxy (RFC 1928) for one client connection, as a sans-IO {@link Session}: the greeting, the
 * username/password login (RFC 1929) when the listener has one, and the request; after a CONNECT
 * succeeded, a {@link ForwardSession} to the requested target (while breakpoints are on, {@link
 * HttpProxySession#forward its HTTP-aware form}), so the connection is from then on what a forward
 * listener's is (TLS interception, protocol views, hooks, breakpoints).
 *
 * <p>The handshake is the session's own negotiation ({@link SessionOutput#negotiating}): its bytes are
 * not stream data but one {@link EngineEvent.ProxyHandshake}, reported once it succeeded or failed. A
 * failure the client can be told of gets the reply code RFC 1928 has for it before the close; a client
 * that does not speak SOCKS5 at all is closed without a reply, with the reason as the close's.
 */
public final class Socks5Session implements Session {
    /** Reply codes (RFC 1928 section 6). */
    static final int SUCCEEDED = 0, GENERAL_FAILURE = 1, NETWORK_UNREACHABLE = 3, HOST_UNREACHABLE = 4,
            CONNECTION_REFUSED = 5, TTL_EXPIRED = 6, COMMAND_NOT_SUPPORTED = 7, ADDRESS_TYPE_NOT_SUPPORTED = 8;
    private static final int NO_AUTHENTICATION = 0, USER_PASSWORD = 2, NO_ACCEPTABLE_METHOD = 0xFF;
    private static final int CONNECT = 1, BIND = 2, UDP_ASSOCIATE = 3;
    private static final int IPV4 = 1, DOMAIN_NAME = 3, IPV6 = 4;

    private enum State { GREETING, LOGIN, REQUEST, CONNECTING, RELAY, DONE }

    private final SocksCredentials credentials;
    private State state = State.GREETING;
    /** Client bytes not parsed yet: a greeting, login or request may come in pieces, or several at once. */
    private byte[] input = new byte[64];
    private int inputLength;
    private final ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
    private final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    private String host;
    private int port;
    /** Client bytes after the request, handed back as stream data once the target is connected. */
    private byte[] rest;
    private Session relay;
    /** The client ended its sending while the target was being connected: passed on to the relay. */
    private boolean clientEof;

    /** {@code credentials}: the login clients must give, or null for none. */
    public Socks5Session(SocksCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public void handle(SessionEvent event, SessionOutput out) {
        if (relay != null) {
            relay.handle(event, out);
            return;
        }
        if (state == State.DONE) {
            return;
        }
        if (event instanceof SessionEvent.Accepted) {
            out.negotiating();
            out.awaitRequestHead(true);
        } else if (event instanceof SessionEvent.Received r && r.from() == Side.CLIENT && state == State.CONNECTING) {
            keepForTarget(r.data()); // the socket layer waits for the connect to read on; kept should it not
        } else if (event instanceof SessionEvent.Received r && r.from() == Side.CLIENT) {
            take(r.data());
            parse(out);
        } else if (event instanceof SessionEvent.Connected c && state == State.CONNECTING) {
            succeeded(c.local(), out);
        } else if (event instanceof SessionEvent.ConnectFailed f && state == State.CONNECTING) {
            int code = f.timedOut() ? TTL_EXPIRED : replyFor(f.reason());
            refuse(code, "CONNECT " + Hosts.format(host, port), describe(code) + ": " + f.reason(), out);
        } else if (event instanceof SessionEvent.Eof e && e.from() == Side.CLIENT && state == State.CONNECTING) {
            clientEof = true;
        } else if (event instanceof SessionEvent.Eof e && e.from() == Side.CLIENT) {
            end(inputLength == 0 && fromClient.size() == 0 ? "the client closed without a SOCKS5 greeting"
                    : "SOCKS5 " + phase() + " \u2192 the client closed before it was complete", out);
        } else if (event instanceof SessionEvent.Broken b) {
            state = State.DONE;
            reported("SOCKS5 " + phase() + " \u2192 " + b.side().name().toLowerCase(Locale.ROOT) + " " + b.reason(),
                    out);
            out.reset(b.side().name().toLowerCase(Locale.ROOT) + " " + b.reason());
        } else if (event instanceof SessionEvent.RequestHeadLate late && state != State.CONNECTING) {
            end("SOCKS5 " + phase() + " \u2192 not complete within "
                    + Units.shortDuration(late.waitedMillis()), out);
        }
    }

    // ---- parsing ----------------------------------------------------------------------------

    private void take(ByteBuffer data) {
        int n = data.remaining();
        if (input.length - inputLength < n) {
            input = Arrays.copyOf(input, Math.max(input.length * 2, inputLength + n));
        }
        data.get(input, inputLength, n);
        inputLength += n;
    }

    private void keepForTarget(ByteBuffer data) {
        int before = rest == null ? 0 : rest.length;
        rest = rest == null ? new byte[data.remaining()] : Arrays.copyOf(rest, before + data.remaining());
        data.get(rest, before, rest.length - before);
    }

    /** Parses what has come so far; stops at an incomplete message or once the handshake is over. */
    private void parse(SessionOutput out) {
        int used;
        do {
            used = switch (state) {
                case GREETING -> greeting(out);
                case LOGIN -> login(out);
                case REQUEST -> request(out);
                default -> 0;
            };
        } while (used > 0 && (state == State.LOGIN || state == State.REQUEST));
    }

    /** Drops the first {@code n} input bytes, recording them (as {@code recorded}) as the client's. */
    private void consume(int n, byte[] recorded) {
        fromClient.write(recorded, 0, recorded.length);
        System.arraycopy(input, n, input, 0, inputLength - n);
        inputLength -= n;
    }

    private void consume(int n) {
        consume(n, Arrays.copyOf(input, n));
    }

    private int u8(int at) {
        return input[at] & 0xFF;
    }

    /** VER NMETHODS METHODS...; returns the bytes used, 0 while incomplete. */
    private int greeting(SessionOutput out) {
        if (inputLength < 1) {
            return 0;
        }
        if (u8(0) != 5) {
            end(notSocks5(u8(0)), out);
            return 0;
        }
        if (inputLength < 2 || inputLength < 2 + u8(1)) {
            return 0;
        }
        int count = u8(1);
        boolean[] offered = new boolean[256];
        for (int i = 0; i < count; i++) {
            offered[u8(2 + i)] = true;
        }
        int used = 2 + count;
        consume(used);
        int wanted = credentials == null ? NO_AUTHENTICATION : USER_PASSWORD;
        if (!offered[wanted]) {
            send(out, 5, NO_ACCEPTABLE_METHOD);
            end("SOCKS5 greeting \u2192 no acceptable method: this listener "
                    + (credentials == null ? "needs no login, which the client did not offer"
                            : "needs a user name and password, which the client did not offer"), out);
            return 0;
        }
        send(out, 5, wanted);
        state = wanted == USER_PASSWORD ? State.LOGIN : State.REQUEST;
        return used;
    }

    /** VER(1) ULEN UNAME PLEN PASSWD (RFC 1929); the password is recorded blanked out. */
    private int login(SessionOutput out) {
        if (inputLength < 2) {
            return 0;
        }
        int userLength = u8(1);
        if (inputLength < 3 + userLength) {
            return 0;
        }
        int passwordLength = u8(2 + userLength);
        int used = 3 + userLength + passwordLength;
        if (inputLength < used) {
            return 0;
        }
        int version = u8(0);
        byte[] user = Arrays.copyOfRange(input, 2, 2 + userLength);
        byte[] password = Arrays.copyOfRange(input, 3 + userLength, used);
        byte[] recorded = Arrays.copyOf(input, used);
        Arrays.fill(recorded, 3 + userLength, used, (byte) '*');
        consume(used, recorded);
        String who = printable(new String(user, StandardCharsets.UTF_8));
        boolean ok = version == 1 && credentials.accepts(user, password);
        Arrays.fill(password, (byte) 0);
        send(out, 1, ok ? 0 : 1);
        if (!ok) {
            end("SOCKS5 login as " + who + " \u2192 refused: " + (version != 1
                    ? "login version " + version + ", not 1" : "wrong user name or password"), out);
            return 0;
        }
        state = State.REQUEST;
        return used;
    }

    /** VER CMD RSV ATYP DST.ADDR DST.PORT; a CONNECT opens the target, anything else is refused. */
    private int request(SessionOutput out) {
        if (inputLength < 4) {
            return 0;
        }
        int command = u8(1);
        int type = u8(3);
        int addressEnd = switch (type) {
            case IPV4 -> 8;
            case IPV6 -> 20;
            case DOMAIN_NAME -> inputLength < 5 ? -1 : 5 + u8(4);
            default -> 0;
        };
        int version = u8(0);
        if (version != 5) {
            consume(inputLength);
            refuse(GENERAL_FAILURE, "request", "version " + version + ", not 5", out);
            return 0;
        }
        if (addressEnd == 0) {
            consume(inputLength);
            refuse(ADDRESS_TYPE_NOT_SUPPORTED, commandName(command), describe(ADDRESS_TYPE_NOT_SUPPORTED)
                    + " (type " + type + ")", out);
            return 0;
        }
        if (addressEnd < 0 || inputLength < addressEnd + 2) {
            return 0;
        }
        int used = addressEnd + 2;
        port = u8(addressEnd) << 8 | u8(addressEnd + 1);
        String badName = null;
        if (type == DOMAIN_NAME) {
            host = new String(input, 5, addressEnd - 5, StandardCharsets.ISO_8859_1);
            badName = nameProblem(host);
        } else {
            host = addressText(Arrays.copyOfRange(input, 4, addressEnd));
        }
        consume(used);
        String what = commandName(command) + " " + Hosts.format(printable(host), port);
        if (command != CONNECT) {
            refuse(COMMAND_NOT_SUPPORTED, what, describe(COMMAND_NOT_SUPPORTED)
                    + " (Wirelens relays CONNECT only)", out);
            return 0;
        }
        if (badName != null) {
            refuse(HOST_UNREACHABLE, what, describe(HOST_UNREACHABLE) + ": " + badName, out);
            return 0;
        }
        if (inputLength > 0) {
            rest = Arrays.copyOf(input, inputLength);
            inputLength = 0;
        }
        state = State.CONNECTING;
        out.awaitRequestHead(false);
        out.connect(host, port); // may answer at once, with Connected in this call
        return used;
    }

    // ---- the outcome ------------------------------------------------------------------------

    private void succeeded(InetSocketAddress local, SessionOutput out) {
        byte[] reply = replyBytes(SUCCEEDED, local);
        out.send(Side.CLIENT, ByteBuffer.wrap(reply));
        toClient.write(reply, 0, reply.length);
        state = State.RELAY;
        relay = out.breakpointsOn() ? HttpProxySession.forwardConnected(host, port, out)
                : new ForwardSession(host, port);
        if (rest == null) {
            // a ClientHello that came with the request has been read already: it goes on as it is
            out.expectTls(host, port);
        }
        byte[] early = rest;
        rest = null;
        out.negotiated("SOCKS5 CONNECT " + Hosts.format(host, port) + " \u2192 succeeded", host, port,
                fromClient.toByteArray(), toClient.toByteArray(), early);
        if (clientEof) {
            relay.handle(new SessionEvent.Eof(Side.CLIENT), out);
        }
    }

    /** Answers a request with a failure {@code code} and closes. */
    private void refuse(int code, String what, String why, SessionOutput out) {
        byte[] reply = replyBytes(code, null);
        out.send(Side.CLIENT, ByteBuffer.wrap(reply));
        toClient.write(reply, 0, reply.length);
        end("SOCKS5 " + what + " \u2192 " + why + " (" + String.format("%02d", code) + ")", out);
    }

    /** Reports the handshake with {@code summary} as its line and the close's reason, then closes. */
    private void end(String summary, SessionOutput out) {
        state = State.DONE;
        out.awaitRequestHead(false);
        reported(summary, out);
        out.finish(summary);
    }

    private void reported(String summary, SessionOutput out) {
        out.negotiated(summary, host, port, fromClient.toByteArray(), toClient.toByteArray(), null);
    }

    private void send(SessionOutput out, int first, int second) {
        byte[] reply = {(byte) first, (byte) second};
        out.send(Side.CLIENT, ByteBuffer.wrap(reply));
        toClient.write(reply, 0, 2);
    }

    /** VER REP RSV ATYP BND.ADDR BND.PORT, with Wirelens' end of the target connection when known. */
    static byte[] replyBytes(int code, InetSocketAddress bound) {
        InetAddress ip = bound == null ? null : bound.getAddress();
        byte[] address = ip == null ? new byte[4] : ip.getAddress();
        int port = ip == null ? 0 : bound.getPort();
        ByteBuffer b = ByteBuffer.allocate(6 + address.length);
        b.put((byte) 5).put((byte) code).put((byte) 0).put((byte) (address.length == 4 ? IPV4 : IPV6)).put(address);
        b.putShort((short) port);
        return b.array();
    }

    // ---- words ------------------------------------------------------------------------------

    /** The code for a failed connect, from the reason the socket layer gave. */
    static int replyFor(String reason) {
        String r = reason.toLowerCase(Locale.ROOT);
        if (r.startsWith("unknown host") || r.contains("no route to host") || r.contains("host is unreachable")) {
            return HOST_UNREACHABLE;
        }
        if (r.contains("refused")) {
            return CONNECTION_REFUSED;
        }
        if (r.contains("network is unreachable")) {
            return NETWORK_UNREACHABLE;
        }
        return GENERAL_FAILURE;
    }

    static String describe(int code) {
        return switch (code) {
            case SUCCEEDED -> "succeeded";
            case NETWORK_UNREACHABLE -> "network unreachable";
            case HOST_UNREACHABLE -> "host unreachable";
            case CONNECTION_REFUSED -> "connection refused";
            case TTL_EXPIRED -> "TTL expired (timed out)";
            case COMMAND_NOT_SUPPORTED -> "command not supported";
            case ADDRESS_TYPE_NOT_SUPPORTED -> "address type not supported";
            default -> "general failure";
        };
    }

    private String phase() {
        return switch (state) {
            case GREETING -> "greeting";
            case LOGIN -> "login";
            default -> "request";
        };
    }

    private static String commandName(int command) {
        return switch (command) {
            case CONNECT -> "CONNECT";
            case BIND -> "BIND";
            case UDP_ASSOCIATE -> "UDP ASSOCIATE";
            default -> "command " + command;
        };
    }

    /** Why a client that does not open with version 5 is closed, with a guess at what it speaks. */
    private static String notSocks5(int first) {
        String guess = switch (first) {
            case 4 -> ", SOCKS4 (this listener speaks SOCKS5 only)";
            case 0x16 -> ", TLS (point the client at this listener as a SOCKS5 proxy)";
            case 'C', 'D', 'G', 'H', 'O', 'P', 'T' -> ", likely HTTP (use an HTTP proxy listener for that)";
            default -> "";
        };
        return "not SOCKS5: the client's first byte is 0x" + String.format("%02x", first) + guess;
    }

    /** Why a domain name cannot be looked up, or null for one that can. */
    private static String nameProblem(String name) {
        if (name.isEmpty()) {
            return "empty name";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return "name with byte 0x" + String.format("%02x", (int) c);
            }
        }
        return null;
    }

    private static String addressText(byte[] address) {
        try {
            InetAddress ip = InetAddress.getByAddress(address);
            String text = ip.getHostAddress();
            return ip instanceof Inet6Address ? Hosts.compressIpv6(text) : text;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of 4 or 16 bytes", e);
        }
    }

    /** Text a client sent, safe to show on one line. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && b.length() < 255; i++) {
            char c = s.charAt(i);
            b.append(c < ' ' || c == 0x7F ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
