package wirelens.engine;

/** Where an absolute-form http:// request goes, and the origin-form path to send (RFC 9112 3.2). */
record RequestTarget(String host, int port, String authority, String path) {

    /** The target of an absolute-form {@code http://} URL; null for anything else or a malformed authority. */
    static RequestTarget of(String url) {
        if (!url.regionMatches(true, 0, "http://", 0, 7)) {
            return null;
        }
        int start = 7;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1); // userinfo is not sent on (RFC 9110 4.2.4)
        }
        HostPort hp = HostPort.parse(authority, 80);
        if (hp == null) {
            return null;
        }
        String path = url.substring(end);
        int hash = path.indexOf('#');
        if (hash >= 0) {
            path = path.substring(0, hash);
        }
        if (path.isEmpty() || path.charAt(0) == '?') {
            path = "/" + path;
        }
        return new RequestTarget(hp.host(), hp.port(), authority, path);
    }
}
