package wirelens.ui.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import wirelens.capture.CaptureFile;
import wirelens.capture.ChunkInfo;
import wirelens.engine.Direction;

/**
 * What a connection's tab is called: what the user sent through it ({@code #3 GET /f3.txt},
 * {@code #6 SMTP alice@… → bob@…}) once that is known, else its client port and target. Read from the
 * first client bytes of the capture, so a title never costs more than one small read.
 */
final class TabTitle {
    /** The client bytes a title is looked for in: a request line or an envelope comes early. */
    static final int HEAD_BYTES = 16 * 1024;
    private static final int MAX_PART = 28;

    private TabTitle() {}

    /** The first {@link #HEAD_BYTES} bytes the client sent (forwarded), from the capture. */
    static byte[] clientHead(CaptureFile file, long connectionId) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ChunkInfo chunk : file.index().chunks(connectionId, 0, 256)) {
            if (chunk.direction() == Direction.CLIENT_TO_SERVER && chunk.forwardedLength() > 0 && chunk.inFile()) {
                byte[] b = file.forwarded(chunk);
                out.write(b, 0, Math.min(b.length, HEAD_BYTES - out.size()));
                if (out.size() >= HEAD_BYTES) {
                    break;
                }
            }
        }
        return out.toByteArray();
    }

    /**
     * The HTTP title: the first request line's method and path ({@code GET /f3.txt}); a CONNECT whose tunnel
     * was decrypted is named by the first request inside it. Null when no request line is there yet.
     */
    static String http(byte[] clientHead) {
        String connect = null;
        for (String line : lines(clientHead)) {
            String[] parts = line.split(" ", 3);
            if (parts.length != 3 || !parts[2].startsWith("HTTP/") || !isToken(parts[0])) {
                continue;
            }
            if (parts[0].equals("CONNECT")) {
                connect = connect == null ? "CONNECT " + parts[1] : connect;
                continue;
            }
            return parts[0] + " " + shorten(pathOf(parts[1]));
        }
        return connect;
    }

    /** The SMTP title: {@code SMTP from → to} (and {@code +N} more recipients), or just {@code SMTP}. */
    static String smtp(byte[] clientHead) {
        String from = null;
        List<String> to = new ArrayList<>();
        for (String line : lines(clientHead)) {
            String upper = line.toUpperCase(Locale.ROOT);
            if (from == null && upper.startsWith("MAIL FROM:")) {
                from = address(line.substring(10));
            } else if (from != null && upper.startsWith("RCPT TO:")) {
                to.add(address(line.substring(8)));
            }
        }
        if (from == null) {
            return "SMTP";
        }
        String title = "SMTP " + shorten(from.isEmpty() ? "<>" : from);
        if (!to.isEmpty()) {
            title += " \u2192 " + shorten(to.get(0)) + (to.size() > 1 ? " +" + (to.size() - 1) : "");
        }
        return title;
    }

    private static List<String> lines(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                out.add(text.substring(start, i > start && text.charAt(i - 1) == '\r' ? i - 1 : i));
                start = i + 1;
            }
        }
        return out;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code http://host/a?b} → {@code /a?b}: the host is in the tab's tooltip and the table. */
    private static String pathOf(String target) {
        int scheme = target.indexOf("://");
        if (scheme < 0) {
            return target;
        }
        int slash = target.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : target.substring(slash);
    }

    private static String address(String rest) {
        String s = rest.trim();
        int lt = s.indexOf('<');
        int gt = s.indexOf('>', lt + 1);
        if (lt >= 0 && gt > lt) {
            return s.substring(lt + 1, gt);
        }
        int space = s.indexOf(' ');
        return space < 0 ? s : s.substring(0, space);
    }

    private static String shorten(String s) {
        return s.length() <= MAX_PART ? s : s.substring(0, MAX_PART - 1) + "\u2026";
    }
}
