package wirelens.engine;

/** What a listener does with an accepted connection. */
public enum ListenerKind {
    /** Every connection goes to one fixed target, like {@code ssh -L}. */
    FORWARD,
    /** An HTTP/1.1 forward proxy: the target comes from each request. */
    HTTP,
    /** A SOCKS5 proxy (RFC 1928): the target comes from each client's CONNECT request. */
    SOCKS5;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
