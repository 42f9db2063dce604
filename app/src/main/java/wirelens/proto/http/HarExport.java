package wirelens.proto.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * Writes exchanges as HAR 1.2 (the HTTP Archive format browsers' developer tools import). Bodies are
 * read back from the connections' byte sources, with Content-Encoding undone; text stays text, other
 * content is base64. Requests from a decrypted CONNECT tunnel are entries of their own with
 * {@code https://} URLs, after the CONNECT's entry. Streams the JSON out, so only one body at a time is in memory (at most
 * {@code maxBodyBytes}).
 */
public final class HarExport {

    /** One connection: its exchanges and where its bytes can be read back. */
    public record Connection(long connectionId, String serverAddress, List<Exchange> exchanges,
            ByteSource clientStream, ByteSource serverStream) {}

    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

    private HarExport() {}

    public static void write(List<Connection> connections, OutputStream out) throws IOException {
        write(connections, out, DEFAULT_MAX_BODY_BYTES);
    }

    public static void write(List<Connection> connections, OutputStream out, int maxBodyBytes) throws IOException {
        record Item(Connection connection, Exchange exchange) {}
        List<Item> items = new ArrayList<>();
        for (Connection c : connections) {
            for (Exchange e : c.exchanges()) {
                if (e.request() != null) {
                    items.add(new Item(c, e));
                }
            }
        }
        items.sort(Comparator.comparingLong((Item i) -> i.exchange().requestStartNanos())
                .thenComparingLong(i -> i.connection().connectionId())
                .thenComparingInt(i -> i.exchange().index()));
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeObjectFieldStart("log");
            g.writeStringField("version", "1.2");
            g.writeObjectFieldStart("creator");
            g.writeStringField("name", "Wirelens");
            g.writeStringField("version", version());
            g.writeEndObject();
            g.writeArrayFieldStart("pages");
            g.writeEndArray();
            g.writeArrayFieldStart("entries");
            for (Item item : items) {
                writeEntry(g, item.connection(), item.exchange(), maxBodyBytes);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void writeEntry(JsonGenerator g, Connection c, Exchange e, int maxBodyBytes) throws IOException {
        double send = millisBetween(e.requestStartNanos(), e.requestEndNanos());
        double wait = millisBetween(e.requestEndNanos(), e.responseStartNanos());
        double receive = millisBetween(e.responseStartNanos(), e.responseEndNanos());
        g.writeStartObject();
        g.writeStringField("startedDateTime", Instant.ofEpochSecond(0, e.requestStartNanos()).toString());
        g.writeNumberField("time", send + wait + receive);
        writeRequest(g, c, e, maxBodyBytes);
        writeResponse(g, c, e, maxBodyBytes);
        g.writeObjectFieldStart("cache");
        g.writeEndObject();
        g.writeObjectFieldStart("timings");
        g.writeNumberField("blocked", -1);
        g.writeNumberField("dns", -1);
        g.writeNumberField("connect", -1);
        g.writeNumberField("send", send);
        g.writeNumberField("wait", wait);
        g.writeNumberField("receive", receive);
        g.writeNumberField("ssl", -1);
        g.writeEndObject();
        if (c.serverAddress() != null) {
            g.writeStringField("serverIPAddress", c.serverAddress());
        }
        g.writeStringField("connection", Long.toString(c.connectionId()));
        if (e.problem() != null) {
            g.writeStringField("comment", e.problem());
        } else if (e.tunnelDecrypted()) {
            g.writeStringField("comment", ("https".equals(e.scheme()) ? "TLS decrypted" : "plain HTTP")
                    + ": the requests of this tunnel are the entries with its connection");
        }
        g.writeEndObject();
    }

    private static void writeRequest(JsonGenerator g, Connection c, Exchange e, int maxBodyBytes) throws IOException {
        MessageHead head = e.request();
        String url = e.url();
        g.writeObjectFieldStart("request");
        g.writeStringField("method", head.method());
        g.writeStringField("url", url);
        g.writeStringField("httpVersion", head.version());
        g.writeArrayFieldStart("cookies");
        for (String cookieHeader : head.headers("Cookie")) {
            for (String pair : cookieHeader.split(";")) {
                writeNameValue(g, pair.strip());
            }
        }
        g.writeEndArray();
        writeHeaders(g, head);
        g.writeArrayFieldStart("queryString");
        int q = url.indexOf('?');
        if (q >= 0) {
            int hash = url.indexOf('#', q);
            String query = url.substring(q + 1, hash < 0 ? url.length() : hash);
            for (String pair : query.split("&")) {
                if (!pair.isEmpty()) {
                    writeNameValue(g, urlDecode(pair));
                }
            }
        }
        g.writeEndArray();
        long headSize = head.end() - head.start();
        g.writeNumberField("headersSize", headSize);
        g.writeNumberField("bodySize", Math.max(0, e.requestBytes() - headSize));
        if (!e.requestBody().isEmpty()) {
            String type = head.header("Content-Type");
            Bodies.Content content = Bodies.decoded(e.requestBody(), head.header("Content-Encoding"),
                    c.clientStream(), maxBodyBytes);
            g.writeObjectFieldStart("postData");
            g.writeStringField("mimeType", type == null ? "application/octet-stream" : type);
            boolean text = ContentTypes.isText(type) || !Bodies.looksBinary(content.bytes());
            g.writeStringField("text", text ? new String(content.bytes(), ContentTypes.charset(type))
                    : Base64.getEncoder().encodeToString(content.bytes()));
            if (!text) {
                g.writeStringField("comment", "text is base64");
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeResponse(JsonGenerator g, Connection c, Exchange e, int maxBodyBytes) throws IOException {
        MessageHead head = e.response();
        g.writeObjectFieldStart("response");
        if (head == null) {
            g.writeNumberField("status", 0);
            g.writeStringField("statusText", "");
            g.writeStringField("httpVersion", "");
            g.writeArrayFieldStart("cookies");
            g.writeEndArray();
            g.writeArrayFieldStart("headers");
            g.writeEndArray();
            g.writeObjectFieldStart("content");
            g.writeNumberField("size", 0);
            g.writeStringField("mimeType", "x-unknown");
            g.writeEndObject();
            g.writeStringField("redirectURL", "");
            g.writeNumberField("headersSize", -1);
            g.writeNumberField("bodySize", -1);
            g.writeEndObject();
            return;
        }
        g.writeNumberField("status", head.status());
        g.writeStringField("statusText", head.reason());
        g.writeStringField("httpVersion", head.version());
        g.writeArrayFieldStart("cookies");
        for (String setCookie : head.headers("Set-Cookie")) {
            writeNameValue(g, setCookie.split(";", 2)[0].strip());
        }
        g.writeEndArray();
        writeHeaders(g, head);
        String type = head.header("Content-Type");
        Bodies.Content content = e.responseBody().isEmpty() ? new Bodies.Content(new byte[0], false, null)
                : Bodies.decoded(e.responseBody(), head.header("Content-Encoding"), c.serverStream(), maxBodyBytes);
        g.writeObjectFieldStart("content");
        g.writeNumberField("size", content.bytes().length);
        g.writeNumberField("compression", content.bytes().length - e.responseBody().length());
        g.writeStringField("mimeType", type == null ? "x-unknown" : type);
        if (content.bytes().length > 0) {
            boolean text = ContentTypes.isText(type) || !Bodies.looksBinary(content.bytes());
            if (text) {
                g.writeStringField("text", new String(content.bytes(), ContentTypes.charset(type)));
            } else {
                g.writeStringField("text", Base64.getEncoder().encodeToString(content.bytes()));
                g.writeStringField("encoding", "base64");
            }
        }
        if (content.truncated() || content.problem() != null) {
            g.writeStringField("comment", content.problem() != null ? content.problem()
                    : "body cut at " + content.bytes().length + " bytes");
        }
        g.writeEndObject();
        String location = head.header("Location");
        g.writeStringField("redirectURL", location == null ? "" : location);
        long headSize = head.end() - head.start();
        g.writeNumberField("headersSize", headSize);
        g.writeNumberField("bodySize", e.responseBody().length());
        g.writeEndObject();
    }

    private static void writeHeaders(JsonGenerator g, MessageHead head) throws IOException {
        g.writeArrayFieldStart("headers");
        for (Header h : head.headers()) {
            g.writeStartObject();
            g.writeStringField("name", h.name());
            g.writeStringField("value", h.value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeNameValue(JsonGenerator g, String pair) throws IOException {
        if (pair.isEmpty()) {
            return;
        }
        int eq = pair.indexOf('=');
        g.writeStartObject();
        g.writeStringField("name", eq < 0 ? pair : pair.substring(0, eq));
        g.writeStringField("value", eq < 0 ? "" : pair.substring(eq + 1));
        g.writeEndObject();
    }

    private static String urlDecode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return s;
        }
    }

    private static double millisBetween(long fromNanos, long toNanos) {
        if (fromNanos == 0 || toNanos == 0 || toNanos < fromNanos) {
            return 0;
        }
        return Math.round((toNanos - fromNanos) / 1000.0) / 1000.0;
    }

    private static String version() {
        String v = HarExport.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }
}
