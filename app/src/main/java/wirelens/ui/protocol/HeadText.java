package wirelens.ui.protocol;

import java.util.Collection;
import java.util.List;
import org.fxmisc.flowless.VirtualizedScrollPane;
import org.fxmisc.richtext.StyleClassedTextArea;
import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;

/**
 * A message head (HTTP request or response, a mail's header block) shown read-only in a RichTextFX
 * area with its parts told apart at a glance: method and target, status code by class, header names,
 * values. Heads are small (a proxy caps them), so the whole text lives in the area; the byte streams,
 * which can be hundreds of MiB, are paged from the capture file by the stream views instead. The same
 * read-only area, styled by {@link BodyText}, shows the HTTP view's (capped) bodies.
 */
final class HeadText {
    static final String AREA = "wl-head";
    static final String METHOD = "wl-head-method";
    static final String TARGET = "wl-head-target";
    static final String VERSION = "wl-head-version";
    static final String NAME = "wl-head-name";
    static final String VALUE = "wl-head-value";
    static final String NOTE = "wl-head-note";
    static final String STATUS_PREFIX = "wl-head-status-";

    private HeadText() {}

    /** A read-only, monospaced area with the look of the protocol views, in a scroll pane. */
    static StyleClassedTextArea area(String id) {
        StyleClassedTextArea area = new StyleClassedTextArea();
        area.setEditable(false);
        area.setWrapText(false);
        area.getStyleClass().addAll(AREA, SmtpView.MONO);
        area.setId(id);
        return area;
    }

    static VirtualizedScrollPane<StyleClassedTextArea> scrolled(StyleClassedTextArea area) {
        return new VirtualizedScrollPane<>(area);
    }

    /** Replaces the text and styles it as a message head. */
    static void show(StyleClassedTextArea area, String text) {
        show(area, text, text.isEmpty() ? null : styles(text));
    }

    /** Replaces the text, styles it with {@code spans} (none: plain), and scrolls to the top. */
    static void show(StyleClassedTextArea area, String text, StyleSpans<Collection<String>> spans) {
        area.replaceText(text);
        if (spans != null && !text.isEmpty()) {
            area.setStyleSpans(0, spans);
        }
        area.moveTo(0);
        area.requestFollowCaret();
    }

    /** The style classes of every part of {@code text}, line by line. */
    static StyleSpans<Collection<String>> styles(String text) {
        StyleSpansBuilder<Collection<String>> spans = new StyleSpansBuilder<>();
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            int lineEnd = end < 0 ? text.length() : end;
            line(text.substring(at, lineEnd), spans);
            if (end >= 0) {
                spans.add(List.of(), 1);
            }
            at = lineEnd + 1;
        }
        return spans.create();
    }

    private static void line(String line, StyleSpansBuilder<Collection<String>> spans) {
        if (line.isEmpty()) {
            spans.add(List.of(), 0);
            return;
        }
        if (line.startsWith("(")) {
            spans.add(List.of(NOTE), line.length());
            return;
        }
        int colon = line.indexOf(':');
        int space = line.indexOf(' ');
        if (line.startsWith("HTTP/") && space > 0) {
            // status line: version, code (coloured by class), reason
            int codeEnd = line.indexOf(' ', space + 1);
            codeEnd = codeEnd < 0 ? line.length() : codeEnd;
            String code = line.substring(space + 1, codeEnd);
            spans.add(List.of(VERSION), space + 1);
            spans.add(List.of(STATUS_PREFIX + statusClass(code)), codeEnd - space - 1);
            spans.add(List.of(VALUE), line.length() - codeEnd);
        } else if (colon > 0 && (space < 0 || space > colon)) {
            // a header field: name, then the colon and value
            spans.add(List.of(NAME), colon);
            spans.add(List.of(VALUE), line.length() - colon);
        } else if (space > 0) {
            // request line: method, target, version
            int targetEnd = line.lastIndexOf(' ');
            targetEnd = targetEnd <= space ? line.length() : targetEnd;
            spans.add(List.of(METHOD), space);
            spans.add(List.of(TARGET), targetEnd - space);
            spans.add(List.of(VERSION), line.length() - targetEnd);
        } else {
            spans.add(List.of(VALUE), line.length()); // a folded or odd line: shown as it is
        }
    }

    private static String statusClass(String code) {
        return code.length() == 3 && code.charAt(0) >= '1' && code.charAt(0) <= '5' ? code.charAt(0) + "xx" : "other";
    }
}
