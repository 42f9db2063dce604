package wirelens.ui.protocol;

import java.util.Collection;
import java.util.List;
import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;

/**
 * Styles for a message body shown in a RichTextFX area: JSON tokens (keys, strings, numbers, literals)
 * and the columns of a hex dump. Computed off the FX thread, on text that is already capped.
 */
final class BodyText {
    static final String KEY = "wl-json-key";
    static final String STRING = "wl-json-string";
    static final String NUMBER = "wl-json-number";
    static final String LITERAL = "wl-json-literal";
    static final String OFFSET = "wl-hex-offset";
    static final String ASCII = "wl-hex-ascii";
    /** Where the ASCII column of {@link HttpView#hexDump} starts on each line. */
    private static final int HEX_ASCII_AT = 8 + 2 + 16 * 3 + 1 + 1;

    private BodyText() {}

    /**
     * JSON token styles. It reads what it is given, valid or not: anything it does not recognise is
     * left plain, and an unterminated string runs to the end of its line.
     */
    static StyleSpans<Collection<String>> json(String text) {
        StyleSpansBuilder<Collection<String>> spans = new StyleSpansBuilder<>();
        spans.add(List.of(), 0);
        int plainFrom = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            int end;
            String style;
            if (c == '"') {
                end = stringEnd(text, i);
                style = isKey(text, end) ? KEY : STRING;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                end = i + 1;
                while (end < n && "0123456789.eE+-".indexOf(text.charAt(end)) >= 0) {
                    end++;
                }
                style = NUMBER;
            } else if (text.startsWith("true", i) || text.startsWith("null", i)) {
                end = i + 4;
                style = LITERAL;
            } else if (text.startsWith("false", i)) {
                end = i + 5;
                style = LITERAL;
            } else {
                i++;
                continue;
            }
            spans.add(List.of(), i - plainFrom);
            spans.add(List.of(style), end - i);
            plainFrom = i = end;
        }
        spans.add(List.of(), n - plainFrom);
        return spans.create();
    }

    /** The index just past the closing quote of the string opening at {@code start} (or its line's end). */
    private static int stringEnd(String text, int start) {
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else if (c == '\n') {
                return i;
            } else {
                i++;
            }
        }
        return text.length();
    }

    private static boolean isKey(String text, int after) {
        int i = after;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i < text.length() && text.charAt(i) == ':';
    }

    /** Hex dump styles: the offset column and the ASCII column dimmed, the hex bytes plain. */
    static StyleSpans<Collection<String>> hex(String dump) {
        StyleSpansBuilder<Collection<String>> spans = new StyleSpansBuilder<>();
        spans.add(List.of(), 0);
        int at = 0;
        while (at < dump.length()) {
            int end = dump.indexOf('\n', at);
            int lineEnd = end < 0 ? dump.length() : end;
            int length = lineEnd - at;
            if (length > HEX_ASCII_AT && dump.charAt(at + 8) == ' ') {
                spans.add(List.of(OFFSET), 8);
                spans.add(List.of(), HEX_ASCII_AT - 8);
                spans.add(List.of(ASCII), length - HEX_ASCII_AT);
            } else {
                spans.add(List.of(), length); // the "first N bytes" note
            }
            if (end >= 0) {
                spans.add(List.of(), 1);
            }
            at = lineEnd + 1;
        }
        return spans.create();
    }
}
