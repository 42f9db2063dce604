package wirelens.proto.smtp;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One node of a message's MIME tree. The root is the message itself.
 *
 * @param path position in the tree: "" for the root, "1", "1.2", ... (IMAP-style numbering)
 * @param mediaType lower-case {@code type/subtype}; {@code text/plain} when absent or unreadable
 * @param parameters Content-Type parameters, lower-case names, RFC 2231 decoded
 * @param transferEncoding lower-case Content-Transfer-Encoding, {@code 7bit} when absent
 * @param disposition lower-case {@code attachment} / {@code inline}, "" when absent
 * @param fileName the attachment name (Content-Disposition filename, else Content-Type name),
 *     decoded; null when none
 * @param body the part's body bytes as they were in the message (still transfer-encoded)
 * @param decoded the body after transfer decoding (base64, quoted-printable); for multiparts the
 *     same as {@code body}
 * @param children sub-parts of a multipart, or the one parsed message of a message/rfc822
 * @param problems what was malformed in this part, in plain words
 */
public record MimePart(String path, List<MimeHeader> headers, String mediaType, Map<String, String> parameters,
        String transferEncoding, String disposition, String fileName, byte[] body, byte[] decoded,
        List<MimePart> children, List<String> problems) {

    public MimePart {
        headers = List.copyOf(headers);
        parameters = Map.copyOf(parameters);
        children = List.copyOf(children);
        problems = List.copyOf(problems);
    }

    /** The first header of that name (case-insensitive), decoded; null when absent. */
    public String header(String name) {
        for (MimeHeader h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    public boolean isMultipart() {
        return mediaType.startsWith("multipart/");
    }

    public boolean isMessage() {
        return mediaType.equals("message/rfc822") || mediaType.equals("message/global");
    }

    public boolean isText() {
        return mediaType.startsWith("text/");
    }

    /** Size of the decoded body in bytes (what a saved attachment holds). */
    public int size() {
        return decoded.length;
    }

    /**
     * Whether the view lists this part as an attachment: a leaf or attached message that is marked
     * as an attachment, has a file name, or is not plain or HTML text.
     */
    public boolean isAttachment() {
        if (isMultipart()) {
            return false;
        }
        return disposition.equals("attachment") || fileName != null
                || !(mediaType.equals("text/plain") || mediaType.equals("text/html"));
    }

    /** The charset the text is decoded with: the declared one if Java knows it, else UTF-8. */
    public Charset charset() {
        Charset cs = MimeCodecs.charset(parameters.get("charset"));
        return cs == null ? StandardCharsets.UTF_8 : cs;
    }

    /** The decoded body as text in its charset (malformed bytes become U+FFFD). */
    public String text() {
        return new String(decoded, charset());
    }

    /**
     * A file name that is safe to save under a chosen folder: no folders, no control characters,
     * never empty, never "." or "..". Falls back to {@code part-PATH} with an extension for the type.
     */
    public String safeFileName() {
        String name = fileName == null ? "" : fileName;
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        StringBuilder sb = new StringBuilder();
        name.codePoints().filter(cp -> cp >= 0x20 && cp != 0x7f && cp != ':' && cp != '*' && cp != '?'
                && cp != '"' && cp != '<' && cp != '>' && cp != '|').forEach(sb::appendCodePoint);
        String safe = sb.toString().strip();
        while (safe.startsWith(".")) {
            safe = safe.substring(1);
        }
        if (safe.isEmpty()) {
            safe = "part-" + (path.isEmpty() ? "0" : path) + extensionFor(mediaType);
        }
        return safe.length() > 200 ? safe.substring(safe.length() - 200) : safe;
    }

    private static String extensionFor(String mediaType) {
        return switch (mediaType.toLowerCase(Locale.ROOT)) {
            case "text/plain" -> ".txt";
            case "text/html" -> ".html";
            case "message/rfc822", "message/global" -> ".eml";
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "image/gif" -> ".gif";
            case "application/pdf" -> ".pdf";
            case "application/zip" -> ".zip";
            default -> ".bin";
        };
    }
}
