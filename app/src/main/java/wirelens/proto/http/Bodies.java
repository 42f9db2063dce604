package wirelens.proto.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.brotli.dec.BrotliInputStream;

/**
 * Reading bodies back from a {@link ByteSource}, undoing Content-Encoding (gzip, deflate, br), and
 * rendering them as text. Every read has a byte cap so a huge body never lands whole on the heap.
 */
public final class Bodies {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.ALLOW_COMMENTS);

    private Bodies() {}

    /** A body read back: at most the cap, with {@code truncated} set when there was more. */
    public record Content(byte[] bytes, boolean truncated, String problem) {}

    /** The raw body bytes as sent (after de-chunking, before content decoding), at most {@code maxBytes}. */
    public static Content raw(BodyRef body, ByteSource source, int maxBytes) throws IOException {
        try (InputStream in = open(body, source)) {
            return readCapped(in, maxBytes, null);
        }
    }

    /**
     * The body with its Content-Encoding undone, at most {@code maxBytes}. An encoding that cannot be
     * undone gives the raw bytes and a {@code problem} saying why.
     */
    public static Content decoded(BodyRef body, String contentEncoding, ByteSource source, int maxBytes)
            throws IOException {
        List<String> codings = codings(contentEncoding);
        if (codings.isEmpty()) {
            return raw(body, source, maxBytes);
        }
        try (InputStream in = decodingStream(codings, open(body, source))) {
            return readCapped(in, maxBytes, null);
        } catch (IOException | RuntimeException e) {
            Content raw = raw(body, source, maxBytes);
            return new Content(raw.bytes(), raw.truncated(), "cannot undo Content-Encoding "
                    + String.join(", ", codings) + ": " + e.getMessage());
        }
    }

    /** The content codings to undo, outermost last as listed; identity dropped. */
    static List<String> codings(String contentEncoding) {
        List<String> list = new ArrayList<>();
        if (contentEncoding != null) {
            for (String part : contentEncoding.split(",")) {
                String c = part.strip().toLowerCase(Locale.ROOT);
                if (!c.isEmpty() && !c.equals("identity")) {
                    list.add(c);
                }
            }
        }
        return list;
    }

    /** Wraps {@code in} so that reading it undoes the codings (applied in the listed order). */
    public static InputStream decodingStream(List<String> codings, InputStream in) throws IOException {
        for (int k = codings.size() - 1; k >= 0; k--) {
            in = switch (codings.get(k)) {
                case "gzip", "x-gzip" -> new GZIPInputStream(in, 8192);
                case "deflate" -> deflate(in);
                case "br" -> new java.io.BufferedInputStream(new BrotliInputStream(in)); // its short reads upset GZIP
                default -> throw new IOException("unknown coding " + codings.get(k));
            };
        }
        return in;
    }

    /** "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: look at the first byte. */
    private static InputStream deflate(InputStream in) throws IOException {
        java.io.PushbackInputStream p = new java.io.PushbackInputStream(in, 2);
        int b0 = p.read();
        int b1 = p.read();
        if (b1 >= 0) {
            p.unread(b1);
        }
        if (b0 >= 0) {
            p.unread(b0);
        }
        boolean zlib = b0 >= 0 && b1 >= 0 && (b0 & 0x0f) == 8 && ((b0 << 8) | b1) % 31 == 0;
        return new InflaterInputStream(p, new Inflater(!zlib), 8192);
    }

    /** Reads the body's ranges in order as one stream. */
    public static InputStream open(BodyRef body, ByteSource source) {
        return new InputStream() {
            private int range;
            private long inRange;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (range < body.ranges().size()) {
                    BodyRef.Range r = body.ranges().get(range);
                    if (inRange >= r.length()) {
                        range++;
                        inRange = 0;
                        continue;
                    }
                    int want = (int) Math.min(len, r.length() - inRange);
                    int n = source.read(r.position() + inRange, b, off, want);
                    if (n <= 0) {
                        return -1; // the source does not have these bytes (yet)
                    }
                    inRange += n;
                    return n;
                }
                return -1;
            }
        };
    }

    private static Content readCapped(InputStream in, int maxBytes, String problem) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, 64 * 1024));
        byte[] buf = new byte[16 * 1024];
        while (out.size() < maxBytes) {
            int n = in.read(buf, 0, Math.min(buf.length, maxBytes - out.size()));
            if (n < 0) {
                return new Content(out.toByteArray(), false, problem);
            }
            out.write(buf, 0, n);
        }
        return new Content(out.toByteArray(), in.read() >= 0, problem);
    }

    /**
     * The body as text for the text view: JSON pretty-printed, text in its charset, and for binary a
     * one-line note (the hex view shows those).
     */
    public static String render(String contentType, byte[] bytes) {
        if (bytes.length == 0) {
            return "";
        }
        String text = new String(bytes, ContentTypes.charset(contentType));
        if (ContentTypes.isJson(contentType) || looksLikeJson(text)) {
            try {
                JsonNode tree = JSON.readTree(text);
                if (tree != null && (tree.isObject() || tree.isArray())) {
                    return JSON.writeValueAsString(tree);
                }
            } catch (IOException notJson) {
                // fall through: shown as plain text
            }
        }
        if (ContentTypes.isText(contentType) || !looksBinary(bytes)) {
            return text;
        }
        String image = ContentTypes.sniffImage(bytes);
        return "(" + bytes.length + " bytes of " + (image != null ? image
                : contentType == null ? "binary data" : ContentTypes.mediaType(contentType)) + ")";
    }

    private static boolean looksLikeJson(String text) {
        String t = text.stripLeading();
        return t.startsWith("{") || t.startsWith("[");
    }

    /** True when the first bytes contain NUL or many control characters. */
    public static boolean looksBinary(byte[] bytes) {
        int n = Math.min(bytes.length, 1024);
        int control = 0;
        for (int k = 0; k < n; k++) {
            int b = bytes[k] & 0xff;
            if (b == 0) {
                return true;
            }
            if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != 0x1b && b != '\f') {
                control++;
            }
        }
        return control * 10 > n;
    }

    /** Convenience for tests and small bodies already in memory. */
    public static byte[] decode(String contentEncoding, byte[] raw) throws IOException {
        try (InputStream in = decodingStream(codings(contentEncoding), new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        }
    }
}
