package wirelens.engine;

/** A host and port, IPv6 literals without brackets. */
record HostPort(String host, int port) {

    /**
     * Parses {@code host:port} or {@code [v6]:port}; the port may be left out when {@code defaultPort}
     * is one (-1 requires it). Null if malformed.
     */
    static HostPort parse(String authority, int defaultPort) {
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = authority.substring(1, close);
            if (close + 1 < authority.length()) {
                if (authority.charAt(close + 1) != ':') {
                    return null;
                }
                portText = authority.substring(close + 2);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                return null;
            }
        }
        int port = defaultPort;
        if (portText != null) {
            if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(Character::isDigit)) {
                return null;
            }
            port = Integer.parseInt(portText);
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            return null;
        }
        return new HostPort(host, port);
    }
}
