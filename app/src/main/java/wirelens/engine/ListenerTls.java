package wirelens.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A listener's own TLS options: whether its clients' TLS is intercepted (when the engine has TLS options
 * at all, {@link Engine#setTls}), and the hosts it relays untouched, as regular expressions matched
 * against {@code host:port} (host = the client's SNI, else the CONNECT host, else the target's address).
 * Two are equal when they say the same (patterns compare by their text).
 */
public record ListenerTls(boolean intercept, List<Pattern> passthrough) {
    /** Intercepted, nothing passed through: a listener nobody said otherwise about. */
    public static final ListenerTls DEFAULT = new ListenerTls(true, List.of());

    public ListenerTls {
        passthrough = List.copyOf(passthrough);
    }

    /** Compiles {@code expressions}; a bad one is an {@link IllegalArgumentException} that says which and why. */
    public static ListenerTls of(boolean intercept, List<String> expressions) {
        List<Pattern> patterns = new ArrayList<>();
        for (String p : expressions) {
            try {
                patterns.add(Pattern.compile(p));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("TLS passthrough " + p + ": not a regular expression ("
                        + e.getDescription() + ")");
            }
        }
        return new ListenerTls(intercept, patterns);
    }

    /** The passthrough expressions as the user wrote them. */
    public List<String> expressions() {
        return passthrough.stream().map(Pattern::pattern).toList();
    }

    /** True when {@code host:port} is to be relayed without interception. */
    public boolean passesThrough(String host, int port) {
        String hostPort = Hosts.format(host, port);
        for (Pattern p : passthrough) {
            if (p.matcher(hostPort).find()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ListenerTls t && t.intercept == intercept && t.expressions().equals(expressions());
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(intercept) * 31 + expressions().hashCode();
    }
}
