package wirelens.engine;

import java.util.Locale;

/**
 * The one origin the HTTP requests of a connection to a fixed target can go to, over the connection
 * already open to it: a CONNECT tunnel whose TLS Wirelens decrypts ({@code https}), or a forward or SOCKS5
 * connection ({@code http}, or {@code https} when Wirelens decrypts its TLS). Requests there come in
 * origin-form ({@code /path}); their URL is this origin and the path.
 */
public record TunnelOrigin(String scheme, String host, int port) {

    /** A decrypted CONNECT tunnel's origin: {@code https}. */
    public TunnelOrigin(String host, int port) {
        this("https", host, port);
    }

    private boolean tls() {
        return scheme.equals("https");
    }

    /** {@code https://host} or {@code http://host:port} (the scheme's port left out, IPv6 literals in brackets). */
    public String text() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return scheme + "://" + (port == defaultPort() ? h : h + ":" + port);
    }

    /** The absolute URL of a request target: an origin-form one on this origin, an absolute one as it is. */
    public String url(String target) {
        if (target.startsWith("/")) {
            return text() + target;
        }
        return target.equals("*") ? text() : target;
    }

    /**
     * The origin-form of a target that names this origin (the path and query of its URL); any other target
     * as it is.
     */
    public String originForm(String target) {
        if (target.startsWith("/") || target.equals("*") || !namesThisOrigin(target)) {
            return target;
        }
        int from = scheme.length() + 3;
        int slash = target.indexOf('/', from);
        int query = target.indexOf('?', from);
        int start = slash < 0 ? query : query < 0 ? slash : Math.min(slash, query);
        String path = start < 0 ? "/" : target.substring(start);
        int hash = path.indexOf('#');
        path = hash < 0 ? path : path.substring(0, hash);
        return path.startsWith("?") || path.isEmpty() ? "/" + path : path;
    }

    /**
     * Why an edited request with {@code target} cannot go on over this connection, or null when it can:
     * origin-form, or an absolute URL of this scheme naming this host and port. Another host would need
     * another connection; this one is to this origin.
     */
    public String refusal(String target) {
        if (target.startsWith("/") || target.equals("*") || namesThisOrigin(target)) {
            return null;
        }
        String where = tls() ? "this request is inside the TLS tunnel to " + Hosts.format(host, port)
                : "this request's connection goes to " + Hosts.format(host, port) + " only";
        return where + ": it can only go to " + text() + ", not to " + target
                + " (edit the path; or use Edit and resend for another host)";
    }

    /** What carries the requests, as a notice names it. */
    String connectionName() {
        return tls() ? "the TLS tunnel" : "the connection";
    }

    private boolean namesThisOrigin(String target) {
        String prefix = scheme + "://";
        if (!target.toLowerCase(Locale.ROOT).startsWith(prefix)) {
            return false;
        }
        int end = prefix.length();
        while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
            end++;
        }
        String authority = target.substring(prefix.length(), end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        HostPort hp = HostPort.parse(authority, defaultPort());
        return hp != null && hp.host().equalsIgnoreCase(host) && hp.port() == port;
    }

    private int defaultPort() {
        return tls() ? 443 : 80;
    }
}
