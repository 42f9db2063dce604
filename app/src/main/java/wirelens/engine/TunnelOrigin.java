package wirelens.engine;

import java.util.Locale;

/**
 * The one origin the HTTP requests inside a CONNECT tunnel whose TLS Wirelens decrypts can go to: the
 * CONNECT's host and port, over the TLS leg already set up to it. Requests there come in origin-form
 * ({@code /path}); their URL is this origin and the path.
 */
public record TunnelOrigin(String host, int port) {

    /** {@code https://host} or {@code https://host:port} (443 left out, IPv6 literals in brackets). */
    public String text() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "https://" + (port == 443 ? h : h + ":" + port);
    }

    /** The absolute URL of a request target: an origin-form one on this origin, an absolute one as it is. */
    public String url(String target) {
        if (target.startsWith("/")) {
            return text() + target;
        }
        return target.equals("*") ? text() : target;
    }

    /** The origin-form of a target {@link #refusal} accepts: the path and query of an absolute URL. */
    public String originForm(String target) {
        if (target.startsWith("/") || target.equals("*") || !target.regionMatches(true, 0, "https://", 0, 8)) {
            return target;
        }
        int slash = target.indexOf('/', 8);
        int query = target.indexOf('?', 8);
        int start = slash < 0 ? query : query < 0 ? slash : Math.min(slash, query);
        String path = start < 0 ? "/" : target.substring(start);
        int hash = path.indexOf('#');
        path = hash < 0 ? path : path.substring(0, hash);
        return path.startsWith("?") || path.isEmpty() ? "/" + path : path;
    }

    /**
     * Why an edited request with {@code target} cannot go on through this tunnel, or null when it can:
     * origin-form, or an absolute {@code https://} URL naming this host and port. Another host would need
     * another TLS connection; the tunnel's is to this one.
     */
    public String refusal(String target) {
        if (target.startsWith("/") || target.equals("*")) {
            return null;
        }
        String lower = target.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            int end = 8;
            while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
                end++;
            }
            String authority = target.substring(8, end);
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            HostPort hp = HostPort.parse(authority, 443);
            if (hp != null && hp.host().equalsIgnoreCase(host) && hp.port() == port) {
                return null;
            }
        }
        return "this request is inside the TLS tunnel to " + Hosts.format(host, port) + ": it can only go to "
                + text() + ", not to " + target + " (edit the path; or use Edit and resend for another host)";
    }
}
