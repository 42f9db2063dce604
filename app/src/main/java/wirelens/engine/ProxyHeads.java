package wirelens.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import wirelens.proto.http.Header;
import wirelens.proto.http.HttpDecoder;
import wirelens.proto.http.MessageHead;

/**
 * The heads {@link HttpProxySession} writes: the request as the origin gets it, the response as the client
 * gets it, error pages, one-write messages.
 */
final class ProxyHeads {

    /** Never forwarded as they are: they describe one hop, not the message (RFC 9110 7.6.1). */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "proxy-connection", "keep-alive",
            "proxy-authorization", "proxy-authenticate", "te", "upgrade");

    private ProxyHeads() {}

    /** The request head as the origin gets it: origin-form, Host from the URL, no hop-by-hop fields. */
    static String upstreamHead(MessageHead head, RequestTarget t) {
        boolean upgrade = HttpDecoder.isUpgradeRequest(head);
        List<String> dropped = connectionTokens(head);
        if (head.header("Transfer-Encoding") != null) {
            dropped.add("content-length"); // chunked framing wins; never pass both on (RFC 9112 6.3)
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append(head.method()).append(' ').append(t.path()).append(' ').append(head.version()).append("\r\n");
        boolean hostWritten = false;
        for (Header h : head.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (name.equals("host")) {
                if (!hostWritten) {
                    sb.append(h.name()).append(": ").append(t.authority()).append("\r\n");
                    hostWritten = true;
                }
                continue;
            }
            boolean keep = upgrade && name.equals("upgrade");
            if (!keep && (HOP_BY_HOP.contains(name) || dropped.contains(name))) {
                continue;
            }
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (!hostWritten) {
            sb.insert(sb.indexOf("\r\n") + 2, "Host: " + t.authority() + "\r\n");
        }
        if (upgrade) {
            sb.append("Connection: Upgrade\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /**
     * A response head as the proxy's client gets it: no hop-by-hop fields (a 101 keeps its Upgrade), and
     * {@code Connection: close} when the proxy closes after it.
     */
    static String clientHead(MessageHead head, boolean closing) {
        boolean switching = head.status() == 101;
        List<String> dropped = connectionTokens(head);
        if (head.header("Transfer-Encoding") != null) {
            dropped.add("content-length");
        }
        StringBuilder sb = new StringBuilder(256).append(head.startLine()).append("\r\n");
        for (Header h : head.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            boolean keep = switching && name.equals("upgrade");
            if (!keep && (HOP_BY_HOP.contains(name) || dropped.contains(name))) {
                continue;
            }
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (switching) {
            sb.append("Connection: Upgrade\r\n");
        } else if (closing) {
            sb.append("Connection: close\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /**
     * A head inside a decrypted tunnel, where client and origin speak to each other over one hop: as it
     * came, with {@code Connection: close} added when the connection closes after it and it does not say so.
     */
    static String asItCame(MessageHead head, boolean closing) {
        String text = head.toWireText();
        if (!closing || head.status() == 101 || head.hasToken("Connection", "close")) {
            return text;
        }
        return text.substring(0, text.length() - 2) + "Connection: close\r\n\r\n";
    }

    /** One buffer with a head and the body bytes after it, so a small message leaves in one write. */
    static ByteBuffer headAndBody(byte[] head, byte[] data, int from, int to) {
        if (from >= to) {
            return ByteBuffer.wrap(head);
        }
        byte[] both = new byte[head.length + to - from];
        System.arraycopy(head, 0, both, 0, head.length);
        System.arraycopy(data, from, both, head.length, to - from);
        return ByteBuffer.wrap(both);
    }

    /** A short plain-text error page that closes the connection. */
    static ByteBuffer errorPage(int status, String reason, String message) {
        byte[] bodyBytes = ("wirelens: " + message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + bodyBytes.length + "\r\nConnection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(headBytes.length + bodyBytes.length).put(headBytes).put(bodyBytes).flip();
    }

    static List<String> connectionTokens(MessageHead head) {
        List<String> tokens = new ArrayList<>();
        for (String value : head.headers("Connection")) {
            for (String t : value.split(",")) {
                String token = t.strip().toLowerCase(Locale.ROOT);
                if (!token.isEmpty() && !token.equals("close") && !token.equals("keep-alive")) {
                    tokens.add(token);
                }
            }
        }
        return tokens;
    }
}
