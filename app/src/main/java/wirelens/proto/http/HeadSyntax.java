package wirelens.proto.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The grammar of an HTTP/1.x message head (RFC 9112, RFC 9110 field syntax): start lines, header and
 * trailer fields, chunk-size lines and the framing headers' values, as pure functions of bytes and
 * strings. {@link HttpDecoder} decides what to do with what they return; none of them throws on bad
 * input, each says it is bad by returning null or -1 (or a problem description).
 */
final class HeadSyntax {
    static final int MAX_HEADER_COUNT = 1000;

    private HeadSyntax() {
    }

    /** The request line, or null when it is not {@code method SP target SP HTTP/1.x}. */
    static MessageHead parseRequestLine(String line, List<Header> headers, long start, long end) {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty() || !isVersion(parts[2])) {
            return null;
        }
        for (int k = 0; k < parts[1].length(); k++) {
            char c = parts[1].charAt(k);
            if (c <= ' ' || c >= 0x7f) {
                return null;
            }
        }
        return new MessageHead(parts[0], parts[1], 0, null, parts[2], headers, start, end);
    }

    /** The status line, or null when it is not {@code HTTP/1.x SP 3DIGIT [SP reason]}. */
    static MessageHead parseStatusLine(String line, List<Header> headers, long start, long end) {
        if (line.length() < 12 || line.charAt(8) != ' ' || !isVersion(line.substring(0, 8))) {
            return null;
        }
        int status = 0;
        for (int k = 9; k < 12; k++) {
            char c = line.charAt(k);
            if (c < '0' || c > '9') {
                return null;
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100 || (line.length() > 12 && line.charAt(12) != ' ')) {
            return null;
        }
        String reason = line.length() > 13 ? line.substring(13) : "";
        return new MessageHead(null, null, status, reason, line.substring(0, 8), headers, start, end);
    }

    /** Parses header lines from index {@code from}; returns a problem description or null. */
    static String parseFields(List<String> lines, int from, List<Header> out) {
        if (lines.size() - from > MAX_HEADER_COUNT) {
            return "more than " + MAX_HEADER_COUNT + " header fields";
        }
        for (int k = from; k < lines.size(); k++) {
            String line = lines.get(k);
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (out.isEmpty()) {
                    return "header section starts with a continuation line";
                }
                Header last = out.remove(out.size() - 1); // obs-fold: replaced by one space (RFC 9112 5.2)
                out.add(new Header(last.name(), (last.value() + " " + line.strip()).strip()));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                return "bad header line: " + printable(line);
            }
            String value = line.substring(colon + 1);
            for (int c = 0; c < value.length(); c++) {
                char ch = value.charAt(c);
                if ((ch < ' ' && ch != '\t') || ch == 0x7f) {
                    return "control character in header " + line.substring(0, colon);
                }
            }
            out.add(new Header(line.substring(0, colon), value.strip()));
        }
        return null;
    }

    /** The lines in {@code buf[from, to)}, each without its CRLF or LF. */
    static List<String> lines(byte[] buf, int from, int to) {
        List<String> lines = new ArrayList<>();
        int s = from;
        for (int k = from; k < to; k++) {
            if (buf[k] == '\n') {
                int e = k > s && buf[k - 1] == '\r' ? k - 1 : k;
                lines.add(new String(buf, s, e - s, StandardCharsets.ISO_8859_1));
                s = k + 1;
            }
        }
        return lines;
    }

    static int indexOfLf(byte[] data, int from, int to) {
        for (int k = from; k < to; k++) {
            if (data[k] == '\n') {
                return k;
            }
        }
        return -1;
    }

    /**
     * The chunk size of the chunk-size line {@code line[0, n)} (without its line ending), chunk
     * extensions ignored; -1 when it is not hex or too large.
     */
    static long chunkSize(byte[] line, int n) {
        int stop = 0;
        while (stop < n && line[stop] != ';') {
            stop++;
        }
        String hex = new String(line, 0, stop, StandardCharsets.ISO_8859_1).strip();
        long size = -1;
        if (!hex.isEmpty() && hex.length() <= 15) {
            size = 0;
            for (int k = 0; k < hex.length(); k++) {
                int digit = Character.digit(hex.charAt(k), 16);
                if (digit < 0) {
                    size = -1;
                    break;
                }
                size = size * 16 + digit;
            }
        }
        return size;
    }

    static boolean lastCodingIsChunked(List<String> te) {
        String all = String.join(",", te);
        String[] codings = all.split(",");
        for (int k = codings.length - 1; k >= 0; k--) {
            String c = codings[k].trim();
            if (!c.isEmpty()) {
                return c.equalsIgnoreCase("chunked");
            }
        }
        return false;
    }

    static long parseDecimal(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    static boolean isVersion(String s) {
        return s.length() == 8 && s.startsWith("HTTP/1.") && Character.isDigit(s.charAt(7));
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A line shortened and with control characters escaped, fit for an error message. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < s.length() && sb.length() < 80; k++) {
            char c = s.charAt(k);
            if (c < ' ' || c >= 0x7f) {
                sb.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                sb.append(c);
            }
        }
        return s.length() > 80 ? sb + "..." : sb.toString();
    }
}
