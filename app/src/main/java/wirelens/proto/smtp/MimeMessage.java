package wirelens.proto.smtp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The view model of one mail message: its MIME tree, the text parts to show and the attachments to
 * list and save. {@link #parse(byte[])} never throws; whatever is malformed ends up in
 * {@link #problems()} and is shown as well as it can be.
 */
public record MimeMessage(MimePart root, List<MimePart> textParts, List<MimePart> attachments) {

    /** Deeper nesting is shown as an opaque part (a guard against junk built to overflow the stack). */
    static final int MAX_DEPTH = 32;
    static final int MAX_PARTS = 10_000;

    public MimeMessage {
        textParts = List.copyOf(textParts);
        attachments = List.copyOf(attachments);
    }

    public static MimeMessage parse(byte[] message) {
        Parser p = new Parser(message);
        MimePart root = p.entity(0, message.length, "", 0, "text/plain");
        List<MimePart> texts = new ArrayList<>();
        List<MimePart> attachments = new ArrayList<>();
        collect(root, texts, attachments);
        return new MimeMessage(root, texts, attachments);
    }

    private static void collect(MimePart part, List<MimePart> texts, List<MimePart> attachments) {
        if (part.isAttachment()) {
            attachments.add(part);
        } else if (part.isText() && !part.isMultipart()) {
            texts.add(part);
        }
        for (MimePart child : part.children()) {
            collect(child, texts, attachments);
        }
    }

    public String subject() {
        return root.header("Subject");
    }

    public String from() {
        return root.header("From");
    }

    public String to() {
        return root.header("To");
    }

    public String date() {
        return root.header("Date");
    }

    /** Every part, depth first, root first: the rows of a tree view. */
    public List<MimePart> allParts() {
        List<MimePart> out = new ArrayList<>();
        walk(root, out);
        return out;
    }

    private static void walk(MimePart p, List<MimePart> out) {
        out.add(p);
        p.children().forEach(c -> walk(c, out));
    }

    /** Every part's problems, prefixed with the part path. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        for (MimePart p : allParts()) {
            for (String problem : p.problems()) {
                out.add((p.path().isEmpty() ? "message" : "part " + p.path()) + ": " + problem);
            }
        }
        return out;
    }

    /** Writes a part's decoded bytes to {@code file} (replacing it) and returns the file. */
    public static Path save(MimePart part, Path file) throws IOException {
        Files.write(file, part.decoded());
        return file;
    }

    /** Parses entities out of one message buffer without copying it until a part is built. */
    private static final class Parser {
        private final byte[] b;
        private int parts;

        Parser(byte[] b) {
            this.b = b;
        }

        MimePart entity(int from, int to, String path, int depth, String defaultType) {
            parts++;
            List<String> problems = new ArrayList<>();
            List<MimeHeader> headers = new ArrayList<>();
            int bodyStart = readHeaders(from, to, headers, problems);

            Map<String, String> params = Map.of();
            String mediaType = defaultType;
            String contentType = first(headers, "Content-Type");
            if (contentType != null) {
                MimeCodecs.Parameterized ct = MimeCodecs.parseParameters(contentType);
                String t = ct.value().toLowerCase(Locale.ROOT).replace(" ", "");
                int slash = t.indexOf('/');
                if (slash > 0 && slash < t.length() - 1) {
                    mediaType = t;
                    params = ct.parameters();
                } else {
                    problems.add("unreadable Content-Type \"" + contentType + "\", shown as text/plain");
                    mediaType = "text/plain";
                }
            }
            String cte = first(headers, "Content-Transfer-Encoding");
            String encoding = cte == null ? "7bit" : cte.strip().toLowerCase(Locale.ROOT);
            String disposition = "";
            String fileName = null;
            String cd = first(headers, "Content-Disposition");
            if (cd != null) {
                MimeCodecs.Parameterized d = MimeCodecs.parseParameters(cd);
                disposition = d.value().toLowerCase(Locale.ROOT);
                fileName = d.parameters().get("filename");
            }
            if (fileName == null) {
                fileName = params.get("name");
            }
            byte[] body = Arrays.copyOfRange(b, bodyStart, to);

            List<MimePart> children = new ArrayList<>();
            byte[] decoded = body;
            if (mediaType.startsWith("multipart/")) {
                String boundary = params.get("boundary");
                if (depth >= MAX_DEPTH || parts >= MAX_PARTS) {
                    problems.add("nested too deep or too many parts; not split further");
                } else if (boundary == null || boundary.isEmpty()) {
                    problems.add("multipart without a boundary; shown as text/plain");
                    mediaType = "text/plain";
                } else {
                    String childType = mediaType.equals("multipart/digest") ? "message/rfc822" : "text/plain";
                    if (!split(bodyStart, to, boundary, path, depth, childType, children, problems)) {
                        mediaType = "text/plain";
                    }
                }
            } else {
                decoded = decode(body, encoding, problems);
                if ((mediaType.equals("message/rfc822") || mediaType.equals("message/global"))
                        && depth < MAX_DEPTH && parts < MAX_PARTS) {
                    Parser inner = new Parser(decoded);
                    inner.parts = parts;
                    children.add(inner.entity(0, decoded.length, child(path, 1), depth + 1, "text/plain"));
                    parts = inner.parts;
                }
            }
            return new MimePart(path, headers, mediaType, params, encoding, disposition, fileName, body, decoded,
                    children, problems);
        }

        private static String child(String path, int n) {
            return path.isEmpty() ? String.valueOf(n) : path + "." + n;
        }

        private static String first(List<MimeHeader> headers, String name) {
            for (MimeHeader h : headers) {
                if (h.name().equalsIgnoreCase(name)) {
                    return h.value();
                }
            }
            return null;
        }

        /** Reads header lines from {@code from}; returns where the body starts. */
        private int readHeaders(int from, int to, List<MimeHeader> headers, List<String> problems) {
            int pos = from;
            String name = null;
            int valueStart = 0;
            int valueEnd = 0;
            while (pos < to) {
                int lineEnd = lineEnd(pos, to);
                int next = lineEnd < to ? lineEnd + 1 : to;
                int contentEnd = lineEnd > pos && b[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
                if (contentEnd == pos) { // empty line: the body follows
                    addHeader(headers, name, valueStart, valueEnd);
                    return next;
                }
                if ((b[pos] == ' ' || b[pos] == '\t') && name != null) {
                    valueEnd = contentEnd; // a folded continuation
                    pos = next;
                    continue;
                }
                int colon = fieldNameEnd(pos, contentEnd);
                if (colon < 0) {
                    if (pos == from && startsWith(pos, contentEnd, "From ")) {
                        pos = next; // an mbox "From " line before the headers
                        continue;
                    }
                    addHeader(headers, name, valueStart, valueEnd);
                    problems.add("a line in the header is not a header field; the body starts there");
                    return pos;
                }
                addHeader(headers, name, valueStart, valueEnd);
                name = new String(b, pos, colon - pos, java.nio.charset.StandardCharsets.ISO_8859_1).strip();
                valueStart = colon + 1;
                valueEnd = contentEnd;
                pos = next;
            }
            addHeader(headers, name, valueStart, valueEnd);
            if (pos == to && headers.isEmpty() && to > from) {
                problems.add("no header fields");
            }
            return to;
        }

        private boolean startsWith(int pos, int end, String s) {
            if (end - pos < s.length()) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                if (b[pos + i] != s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** Index of the ':' ending a field name (printable ASCII, trailing blanks allowed), or -1. */
        private int fieldNameEnd(int pos, int end) {
            int i = pos;
            while (i < end && b[i] > 32 && b[i] < 127 && b[i] != ':') {
                i++;
            }
            if (i == pos) {
                return -1;
            }
            int j = i;
            while (j < end && (b[j] == ' ' || b[j] == '\t')) {
                j++;
            }
            return j < end && b[j] == ':' ? j : -1;
        }

        private void addHeader(List<MimeHeader> headers, String name, int valueStart, int valueEnd) {
            if (name == null) {
                return;
            }
            String raw = MimeCodecs.headerText(b, valueStart, valueEnd);
            String unfolded = raw.replaceAll("\r?\n(?=[ \t])", "").strip();
            headers.add(new MimeHeader(name, raw, MimeCodecs.decodeEncodedWords(unfolded)));
        }

        private int lineEnd(int pos, int to) {
            while (pos < to && b[pos] != '\n') {
                pos++;
            }
            return pos;
        }

        /**
         * Splits a multipart body at its boundary lines into children. Returns false when there was no
         * boundary line at all (then the caller shows the body as text).
         */
        private boolean split(int from, int to, String boundary, String path, int depth, String childType,
                List<MimePart> children, List<String> problems) {
            byte[] delimiter = ("--" + boundary).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            int partStart = -1;
            int pos = from;
            boolean closed = false;
            while (pos < to) {
                int lineEnd = lineEnd(pos, to);
                int next = lineEnd < to ? lineEnd + 1 : to;
                int kind = delimiterKind(pos, lineEnd, delimiter);
                if (kind > 0) {
                    if (partStart >= 0) {
                        // The line end before a delimiter belongs to the delimiter.
                        int end = pos;
                        if (end > partStart && b[end - 1] == '\n') {
                            end--;
                            if (end > partStart && b[end - 1] == '\r') {
                                end--;
                            }
                        }
                        children.add(entity(partStart, end, child(path, children.size() + 1), depth + 1, childType));
                    }
                    if (kind == 2) {
                        closed = true;
                        break;
                    }
                    partStart = next;
                }
                pos = next;
            }
            if (partStart < 0) {
                problems.add("boundary \"" + boundary + "\" never appears; shown as text/plain");
                return false;
            }
            if (!closed) {
                problems.add("the closing boundary is missing");
                if (partStart < to) {
                    children.add(entity(partStart, to, child(path, children.size() + 1), depth + 1, childType));
                }
            }
            return true;
        }

        /** 0: not a delimiter line, 1: a delimiter, 2: the closing delimiter. */
        private int delimiterKind(int pos, int lineEnd, byte[] delimiter) {
            if (lineEnd - pos < delimiter.length) {
                return 0;
            }
            for (int i = 0; i < delimiter.length; i++) {
                if (b[pos + i] != delimiter[i]) {
                    return 0;
                }
            }
            int i = pos + delimiter.length;
            int kind = 1;
            if (i + 2 <= lineEnd && b[i] == '-' && b[i + 1] == '-') {
                kind = 2;
                i += 2;
            }
            for (; i < lineEnd; i++) { // only blanks may follow (transport padding)
                if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                    return 0;
                }
            }
            return kind;
        }

        private static byte[] decode(byte[] body, String encoding, List<String> problems) {
            switch (encoding) {
                case "base64":
                    return MimeCodecs.decodeBase64(body, 0, body.length);
                case "quoted-printable":
                    return MimeCodecs.decodeQuotedPrintable(body, 0, body.length);
                case "7bit", "8bit", "binary", "":
                    return body;
                default:
                    problems.add("unknown Content-Transfer-Encoding \"" + encoding + "\"; shown undecoded");
                    return body;
            }
        }
    }

    /** Header name to decoded value for the first occurrence of each name, in order (for a simple table). */
    public Map<String, String> headerMap() {
        Map<String, String> out = new LinkedHashMap<>();
        for (MimeHeader h : root.headers()) {
            out.putIfAbsent(h.name(), h.value());
        }
        return out;
    }
}
