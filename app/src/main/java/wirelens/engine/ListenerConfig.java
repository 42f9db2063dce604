package wirelens.engine;

import java.util.Objects;

/**
 * What the user asked a listener to be. {@code targetHost}/{@code targetPort} are only meaningful for
 * {@link ListenerKind#FORWARD}; an HTTP or SOCKS5 proxy finds its targets in what its clients ask for.
 * {@code tls}: whether its TLS is intercepted and which hosts pass through. {@code socksAuth}: the login
 * a SOCKS5 listener asks its clients for, or null (no authentication; other kinds: always null).
 */
public record ListenerConfig(String name, ListenerKind kind, String bindHost, int bindPort, String targetHost,
        int targetPort, ListenerTls tls, SocksCredentials socksAuth) {

    public ListenerConfig {
        tls = tls == null ? ListenerTls.DEFAULT : tls;
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bindHost, "bindHost");
        if (bindPort < 0 || bindPort > 65535) {
            throw new IllegalArgumentException("port out of range: " + bindPort);
        }
        if (kind == ListenerKind.FORWARD) {
            Objects.requireNonNull(targetHost, "targetHost");
            if (targetPort < 1 || targetPort > 65535) {
                throw new IllegalArgumentException("target port out of range: " + targetPort);
            }
        }
        if (socksAuth != null && kind != ListenerKind.SOCKS5) {
            throw new IllegalArgumentException("only a SOCKS5 listener asks for a login");
        }
    }

    /** A listener without a SOCKS5 login. */
    public ListenerConfig(String name, ListenerKind kind, String bindHost, int bindPort, String targetHost,
            int targetPort, ListenerTls tls) {
        this(name, kind, bindHost, bindPort, targetHost, targetPort, tls, null);
    }

    /** A listener with TLS intercepted and nothing passed through. */
    public ListenerConfig(String name, ListenerKind kind, String bindHost, int bindPort, String targetHost,
            int targetPort) {
        this(name, kind, bindHost, bindPort, targetHost, targetPort, ListenerTls.DEFAULT);
    }

    public static ListenerConfig forward(String bindHost, int bindPort, String targetHost, int targetPort) {
        String name = "fwd " + bindPort + " \u2192 " + Hosts.format(targetHost, targetPort);
        return new ListenerConfig(name, ListenerKind.FORWARD, bindHost, bindPort, targetHost, targetPort);
    }

    public static ListenerConfig http(String bindHost, int bindPort) {
        return new ListenerConfig("http proxy " + bindPort, ListenerKind.HTTP, bindHost, bindPort, null, 0);
    }

    /** A SOCKS5 proxy; {@code auth} null: clients need no login. */
    public static ListenerConfig socks(String bindHost, int bindPort, SocksCredentials auth) {
        return new ListenerConfig("socks5 " + bindPort, ListenerKind.SOCKS5, bindHost, bindPort, null, 0,
                ListenerTls.DEFAULT, auth);
    }

    /** The target as {@code host:port} ({@code [v6]:port}), or {@code *} for a proxy. */
    public String targetText() {
        return kind == ListenerKind.FORWARD ? Hosts.format(targetHost, targetPort) : "*";
    }

    public ListenerConfig withName(String newName) {
        return new ListenerConfig(newName, kind, bindHost, bindPort, targetHost, targetPort, tls, socksAuth);
    }

    public ListenerConfig withTls(ListenerTls newTls) {
        return new ListenerConfig(name, kind, bindHost, bindPort, targetHost, targetPort, newTls, socksAuth);
    }

    public ListenerConfig withSocksAuth(SocksCredentials newAuth) {
        return new ListenerConfig(name, kind, bindHost, bindPort, targetHost, targetPort, tls, newAuth);
    }
}
