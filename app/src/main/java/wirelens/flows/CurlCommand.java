package wirelens.flows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.Header;
import wirelens.proto.http.MessageHead;

/**
 * A request as one curl command line for a POSIX shell (bash, zsh, dash): method, absolute URL, the
 * request's headers in their order and case, and its body byte for byte. Text is single-quoted; bytes a
 * terminal would mangle go in {@code $'…'} with {@code \xHH} escapes; a body with NUL bytes, which
 * {@code $'…'} cannot hold, is piped in by {@code printf} with octal escapes; a body larger than
 * {@link #INLINE_BODY_BYTES} is written to a file and sent with {@code --data-binary @FILE}.
 *
 * <p>Headers curl sets from what it sends (Content-Length, Transfer-Encoding, Expect) or that belong to the
 * proxy hop (Proxy-Connection) are left to curl; Host stays when it differs from the URL's. Headers curl
 * adds by itself (User-Agent, Accept) are switched off when the request did not have them.
 */
public final class CurlCommand {
    /** Bodies up to this size go on the command line. */
    public static final int INLINE_BODY_BYTES = 64 << 10;
    private static final Set<String> LEFT_TO_CURL = Set.of("content-length", "transfer-encoding", "expect",
            "proxy-connection");

    private CurlCommand() {}

    /**
     * The command for the request of {@code e} with body {@code body} (as sent: chunked framing left out,
     * any Content-Encoding kept); {@code bodyFile} gives the file a large body is written to.
     */
    public static String of(Exchange e, byte[] body, Supplier<Path> bodyFile) throws IOException {
        MessageHead request = e.request();
        String url = e.url();
        StringBuilder cmd = new StringBuilder("curl");
        String method = request.method();
        boolean hasBody = body.length > 0;
        if (method.equals("HEAD")) {
            cmd.append(" --head");
        } else if (!(method.equals("GET") && !hasBody) && !(method.equals("POST") && hasBody)) {
            cmd.append(" -X ").append(quote(method));
        }
        if (request.isHttp10()) {
            cmd.append(" --http1.0");
        }
        if (url.matches(".*[\\[\\]{}].*")) {
            cmd.append(" --globoff");
        }
        cmd.append(" ").append(quote(url));
        String authority = authority(url);
        boolean userAgent = false;
        boolean accept = false;
        for (Header h : request.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (LEFT_TO_CURL.contains(name) || (name.equals("host") && h.value().equalsIgnoreCase(authority))) {
                continue;
            }
            userAgent |= name.equals("user-agent");
            accept |= name.equals("accept");
            // curl's syntax for a header with an empty value is "Name;"
            cmd.append(" -H ").append(quote(h.value().isEmpty() ? h.name() + ";" : h.name() + ": " + h.value()));
        }
        if (!userAgent) {
            cmd.append(" -H 'User-Agent:'");
        }
        if (!accept) {
            cmd.append(" -H 'Accept:'");
        }
        if (!hasBody) {
            return cmd.toString();
        }
        if (body.length > INLINE_BODY_BYTES) {
            Path file = bodyFile.get();
            Files.write(file, body);
            return cmd.append(" --data-binary ").append(quote("@" + file.toAbsolutePath())).toString();
        }
        for (byte b : body) {
            if (b == 0) {
                return "printf " + printfFormat(body) + " | " + cmd.append(" --data-binary @-");
            }
        }
        return cmd.append(" --data-binary ").append(quote(body)).toString();
    }

    /** The {@code host[:port]} of an absolute URL, or "". */
    private static String authority(String url) {
        int from = url.indexOf("://");
        if (from < 0) {
            return "";
        }
        int end = from + 3;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return url.substring(from + 3, end);
    }

    /** A shell word for a header or URL (HTTP heads are ISO-8859-1). */
    public static String quote(String s) {
        return quote(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * A shell word that is exactly {@code bytes} (which hold no NUL): bare when it is only safe characters,
     * single-quoted when printable ASCII, else {@code $'…'}.
     */
    public static String quote(byte[] bytes) {
        boolean safe = bytes.length > 0;
        boolean printable = true;
        for (byte b : bytes) {
            int c = b & 0xff;
            safe &= Character.isLetterOrDigit(c) && c < 0x80 || "_@%+=:,./-".indexOf(c) >= 0;
            printable &= c >= 0x20 && c < 0x7f;
        }
        if (safe) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        if (printable) {
            return "'" + new String(bytes, StandardCharsets.ISO_8859_1).replace("'", "'\\''") + "'";
        }
        StringBuilder sb = new StringBuilder("$'");
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format(Locale.ROOT, "\\x%02x", c));
                    }
                }
            }
        }
        return sb.append('\'').toString();
    }

    /** A single-quoted printf format that prints exactly {@code bytes}: octal escapes, {@code %} doubled. */
    static String printfFormat(byte[] bytes) {
        StringBuilder sb = new StringBuilder("'");
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '%') {
                sb.append("%%");
            } else if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
                sb.append((char) c);
            } else {
                sb.append('\\').append(String.format(Locale.ROOT, "%03o", c));
            }
        }
        return sb.append('\'').toString();
    }
}
