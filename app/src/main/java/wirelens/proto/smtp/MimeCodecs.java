package wirelens.proto.smtp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The decoders mail needs: base64 and quoted-printable bodies (RFC 2045), encoded words in headers
 * (RFC 2047), header parameters with continuations and charsets (RFC 2231). All lenient: bad input
 * decodes to something, never throws.
 */
final class MimeCodecs {

    private MimeCodecs() {}

    private static final int[] BASE64 = new int[128];

    static {
        java.util.Arrays.fill(BASE64, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64[alphabet.charAt(i)] = i;
        }
        BASE64['-'] = 62; // base64url, seen in the wild
        BASE64['_'] = 63;
    }

    /** Skips anything outside the alphabet (line ends, spaces, junk); stops at the first '='. */
    static byte[] decodeBase64(byte[] in, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((to - from) * 3 / 4 + 3);
        int bits = 0;
        int count = 0;
        for (int i = from; i < to; i++) {
            int ch = in[i] & 0xff;
            if (ch == '=') {
                break;
            }
            int v = ch < 128 ? BASE64[ch] : -1;
            if (v < 0) {
                continue;
            }
            bits = bits << 6 | v;
            count++;
            if (count == 4) {
                out.write(bits >> 16);
                out.write(bits >> 8);
                out.write(bits);
                bits = 0;
                count = 0;
            }
        }
        if (count == 2) {
            out.write(bits >> 4);
        } else if (count == 3) {
            out.write(bits >> 10);
            out.write(bits >> 2);
        }
        return out.toByteArray();
    }

    /**
     * Quoted-printable: {@code =XX} becomes the byte, {@code =} at the end of a line joins lines,
     * trailing blanks on a line are dropped (transport padding), anything else stays as it is.
     */
    static byte[] decodeQuotedPrintable(byte[] in, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int lineStart = from;
        while (lineStart < to) {
            int lf = lineStart;
            while (lf < to && in[lf] != '\n') {
                lf++;
            }
            int contentEnd = lf;
            boolean hasLineEnd = lf < to;
            if (hasLineEnd && contentEnd > lineStart && in[contentEnd - 1] == '\r') {
                contentEnd--;
            }
            int end = contentEnd;
            while (end > lineStart && (in[end - 1] == ' ' || in[end - 1] == '\t')) {
                end--;
            }
            boolean soft = end > lineStart && in[end - 1] == '=';
            if (soft) {
                end--;
            }
            for (int i = lineStart; i < end; i++) {
                byte b = in[i];
                if (b == '=' && i + 2 < end && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                    out.write(hex(in[i + 1]) << 4 | hex(in[i + 2]));
                    i += 2;
                    continue;
                }
                out.write(b);
            }
            if (hasLineEnd && !soft) {
                out.write(in, contentEnd, lf + 1 - contentEnd); // keep the line end as it was
            }
            lineStart = lf + 1;
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }

    /** The named charset, or null when Java does not know it. */
    static Charset charset(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        int star = n.indexOf('*'); // RFC 2231 language suffix
        if (star >= 0) {
            n = n.substring(0, star);
        }
        if (n.equals("ascii") || n.equals("us-ascii") || n.equals("ansi_x3.4-1968")) {
            return StandardCharsets.UTF_8; // a superset that also shows mislabelled 8-bit UTF-8 right
        }
        try {
            return Charset.forName(n);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Header bytes: UTF-8 if they are valid UTF-8 (RFC 6532), otherwise ISO-8859-1 (never fails). */
    static String headerText(byte[] b, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }

    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");

    /**
     * Decodes RFC 2047 encoded words. Blanks between two encoded words disappear; consecutive words
     * in one charset are joined as bytes first, so a multi-byte character split across words survives.
     */
    static String decodeEncodedWords(String s) {
        if (!s.contains("=?")) {
            return s;
        }
        Matcher m = ENCODED_WORD.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        int pos = 0;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        Charset pendingCharset = null;
        while (m.find()) {
            String between = s.substring(pos, m.start());
            boolean adjacent = pendingCharset != null && between.isBlank();
            Charset cs = charset(m.group(1));
            if (cs == null) {
                cs = StandardCharsets.UTF_8;
            }
            if (!adjacent || !cs.equals(pendingCharset)) {
                flush(out, pending, pendingCharset);
                pendingCharset = null;
                if (!adjacent) {
                    out.append(between);
                }
            }
            byte[] word = m.group(3).getBytes(StandardCharsets.ISO_8859_1);
            byte[] bytes = m.group(2).equalsIgnoreCase("B")
                    ? decodeBase64(word, 0, word.length)
                    : decodeQEncoding(word);
            pending.write(bytes, 0, bytes.length);
            pendingCharset = cs;
            pos = m.end();
        }
        flush(out, pending, pendingCharset);
        out.append(s, pos, s.length());
        return out.toString();
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, Charset cs) {
        if (cs != null && pending.size() > 0) {
            out.append(new String(pending.toByteArray(), cs));
        }
        pending.reset();
    }

    private static byte[] decodeQEncoding(byte[] word) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(word.length);
        for (int i = 0; i < word.length; i++) {
            byte b = word[i];
            if (b == '_') {
                out.write(' ');
            } else if (b == '=' && i + 2 < word.length && hex(word[i + 1]) >= 0 && hex(word[i + 2]) >= 0) {
                out.write(hex(word[i + 1]) << 4 | hex(word[i + 2]));
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /** A header value split into its leading value ("text/plain") and its parameters. */
    record Parameterized(String value, Map<String, String> parameters) {}

    /**
     * Parses {@code value; name=token; name="quoted \" string"} with RFC 2231 continuations
     * ({@code name*0=}, {@code name*1=}) and charsets ({@code name*=utf-8''%E2%82%AC}). Parameter
     * names are lower-cased; values are also RFC 2047-decoded, as some mailers quote encoded words.
     */
    static Parameterized parseParameters(String header) {
        List<String[]> raw = new ArrayList<>();
        int i = 0;
        int n = header.length();
        StringBuilder first = new StringBuilder();
        while (i < n && header.charAt(i) != ';') {
            char ch = header.charAt(i);
            if (ch == '(') {
                i = skipComment(header, i);
                continue;
            }
            first.append(ch);
            i++;
        }
        while (i < n) {
            i++; // the ';'
            StringBuilder name = new StringBuilder();
            while (i < n && header.charAt(i) != '=' && header.charAt(i) != ';') {
                name.append(header.charAt(i));
                i++;
            }
            if (i >= n || header.charAt(i) == ';') {
                continue; // a name without a value: ignore
            }
            i++; // the '='
            while (i < n && Character.isWhitespace(header.charAt(i))) {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && header.charAt(i) == '"') {
                i++;
                while (i < n && header.charAt(i) != '"') {
                    char ch = header.charAt(i);
                    if (ch == '\\' && i + 1 < n) {
                        i++;
                        ch = header.charAt(i);
                    }
                    value.append(ch);
                    i++;
                }
                i++; // closing quote (or past the end)
                while (i < n && header.charAt(i) != ';') {
                    i++;
                }
            } else {
                while (i < n && header.charAt(i) != ';') {
                    char ch = header.charAt(i);
                    if (ch == '(') {
                        i = skipComment(header, i);
                        continue;
                    }
                    value.append(ch);
                    i++;
                }
            }
            String key = name.toString().strip().toLowerCase(Locale.ROOT);
            if (!key.isEmpty()) {
                raw.add(new String[] {key, value.toString().strip()});
            }
        }
        return new Parameterized(first.toString().strip(), combine(raw));
    }

    private static int skipComment(String s, int i) {
        int depth = 0;
        while (i < s.length()) {
            char ch = s.charAt(i++);
            if (ch == '\\') {
                i++;
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')' && --depth == 0) {
                break;
            }
        }
        return i;
    }

    private static final Pattern SECTION = Pattern.compile("^(.+?)(?:\\*(\\d{1,4}))?(\\*)?$");

    private static Map<String, String> combine(List<String[]> raw) {
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, TreeMap<Integer, String[]>> sections = new LinkedHashMap<>();
        for (String[] kv : raw) {
            Matcher m = SECTION.matcher(kv[0]);
            if (!kv[0].contains("*") || !m.matches()) {
                plain.putIfAbsent(kv[0], decodeEncodedWords(kv[1]));
                continue;
            }
            int section = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            boolean extended = m.group(3) != null;
            sections.computeIfAbsent(m.group(1), k -> new TreeMap<>())
                    .putIfAbsent(section, new String[] {kv[1], extended ? "*" : ""});
        }
        for (Map.Entry<String, TreeMap<Integer, String[]>> e : sections.entrySet()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Charset cs = StandardCharsets.UTF_8;
            boolean firstSection = true;
            for (String[] part : e.getValue().values()) {
                String value = part[0];
                boolean extended = part[1].equals("*");
                if (extended && firstSection) {
                    int q1 = value.indexOf('\'');
                    int q2 = q1 < 0 ? -1 : value.indexOf('\'', q1 + 1);
                    if (q2 > 0) {
                        Charset named = charset(value.substring(0, q1));
                        if (named != null) {
                            cs = named;
                        }
                        value = value.substring(q2 + 1);
                    }
                }
                byte[] b = extended ? percentDecode(value) : value.getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
                firstSection = false;
            }
            plain.put(e.getKey(), new String(bytes.toByteArray(), cs));
        }
        return plain;
    }

    private static byte[] percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '%' && i + 2 < b.length && hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0) {
                out.write(hex(b[i + 1]) << 4 | hex(b[i + 2]));
                i += 2;
            } else {
                out.write(b[i]);
            }
        }
        return out.toByteArray();
    }
}
