package wirelens.engine;

import java.nio.ByteBuffer;
import wirelens.proto.http.ExchangeLog;

/**
 * The raw two-way relay an HTTP proxy connection becomes after a CONNECT or a successful Upgrade, and a
 * forward or SOCKS5 connection is while breakpoints are on, for {@link HttpProxySession}: bytes go on as
 * they come, and each side's end goes on as a half-close.
 *
 * <p>In a CONNECT tunnel whose TLS Wirelens decrypts, and on a forward or SOCKS5 connection, the client's
 * first bytes are looked at before they go on: a request line ({@code HTTP/1.x}) means HTTP, which the
 * session then handles as requests to the connection's one origin, with breakpoints; anything else
 * (HTTP/2's preface, another protocol, a server that speaks first) is relayed as it is, from its first byte.
 */
final class ProxyTunnel {
    private boolean mayBeHttp;
    /** Whether any byte went through either way. */
    private boolean relayed;
    /** The client's first bytes while they do not yet tell whether they start a request. */
    private byte[] first;
    private boolean clientEnded;
    private boolean targetEnded;

    ProxyTunnel(boolean clientEnded) {
        this.clientEnded = clientEnded;
    }

    /**
     * The client's next bytes may start HTTP (both TLS legs of the tunnel are up, or a forward connection
     * begins): unless bytes went through already, they are looked at first.
     */
    void lookForHttp() {
        mayBeHttp = !relayed;
    }

    /** Relays client bytes; returns the client's first bytes instead once they start an HTTP/1.x request. */
    byte[] fromClient(byte[] data, int off, int len, SessionOutput out) {
        if (!mayBeHttp) {
            relay(Side.TARGET, ByteBuffer.wrap(data, off, len), out);
            return null;
        }
        if (first == null) {
            out.holdRecording(Side.CLIENT, len); // a request's head: a breakpoint may want it
        }
        byte[] sofar = new byte[(first == null ? 0 : first.length) + len];
        if (first != null) {
            System.arraycopy(first, 0, sofar, 0, first.length);
        }
        System.arraycopy(data, off, sofar, sofar.length - len, len);
        first = sofar;
        ExchangeLog.TunnelStart start = ExchangeLog.tunnelStart(first, first.length);
        if (start == ExchangeLog.TunnelStart.HTTP) {
            mayBeHttp = false;
            first = null;
            return sofar;
        }
        if (start == ExchangeLog.TunnelStart.OPAQUE) {
            notHttp(out);
        }
        return null;
    }

    void fromTarget(byte[] data, int off, int len, SessionOutput out) {
        notHttp(out); // a server that speaks first is not an HTTP origin
        relay(Side.CLIENT, ByteBuffer.wrap(data, off, len), out);
    }

    /** A side finished sending: the other is told once its bytes are out. True once both have ended. */
    boolean ended(Side side, SessionOutput out) {
        if (side == Side.CLIENT) {
            notHttp(out);
            clientEnded = true;
            out.shutdownOutput(Side.TARGET);
        } else {
            targetEnded = true;
            out.shutdownOutput(Side.CLIENT);
        }
        return clientEnded && targetEnded;
    }

    /** The client's first bytes are not a request: they go on, and so does everything after them. */
    private void notHttp(SessionOutput out) {
        mayBeHttp = false;
        if (first != null) {
            out.releaseRecording(Side.CLIENT);
            relay(Side.TARGET, ByteBuffer.wrap(first), out);
            first = null;
        }
    }

    private void relay(Side to, ByteBuffer data, SessionOutput out) {
        relayed = true;
        out.send(to, data);
    }
}
