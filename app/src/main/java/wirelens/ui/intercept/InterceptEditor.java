package wirelens.ui.intercept;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import wirelens.intercept.Escapes;
import wirelens.intercept.Hex;

/**
 * Edits one chunk's bytes in two modes: text (with {@code \r \n \t \xNN \\} visible and editable;
 * line breaks after {@code \n} are display only) and hex (16 byte pairs a line; type, delete,
 * insert or paste pairs; whitespace is free). Switching modes carries the edit over. Every change is
 * checked at once: the status line says how many bytes will be sent, or what is wrong and where
 * (line and column), and the faulty spot is selected on Forward.
 */
public final class InterceptEditor {
    static final int HEX_PER_LINE = 16;
    private static final Pattern COLUMN = Pattern.compile("column (\\d+)");

    /** Where and why the editor's content does not parse. {@code position} is an index into the text. */
    static final class EditError extends IllegalArgumentException {
        final int position;

        EditError(String message, int position) {
            super(message);
            this.position = position;
        }
    }

    enum Mode { TEXT, HEX }

    /** An edit in progress, kept while the user looks at another held chunk. */
    record Draft(Mode mode, String text) {}

    private final TextArea text = new TextArea();
    private final TextArea hex = new TextArea();
    private final Tab textTab = new Tab("Text", text);
    /** Beside the hex: each line's offset and its bytes as ASCII, recomputed as the user types. */
    private final TextArea offsets = gutter("intercept-hex-offsets", 7);
    private final TextArea ascii = gutter("intercept-hex-ascii", HEX_PER_LINE + 1);
    private final Tab hexTab = new Tab("Hex", hexWithGutters());
    private final TabPane tabs = new TabPane(textTab, hexTab);
    private final Label status = new Label();
    private final VBox root;
    private byte[] original = new byte[0];
    private boolean loading;
    private boolean switching;

    InterceptEditor() {
        text.setId("intercept-text");
        hex.setId("intercept-hex");
        for (TextArea area : new TextArea[] {text, hex}) {
            area.getStyleClass().add(InterceptStyles.EDITOR);
            area.setWrapText(false);
            area.textProperty().addListener((o, was, now) -> {
                if (area == hex) {
                    updateGutters();
                }
                if (!loading) {
                    check();
                }
            });
        }
        text.setWrapText(true); // long lines without \n stay readable; the breaks are display only
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> switched(was, now));
        status.setId("intercept-edit-status");
        status.setWrapText(true);
        Label hint = new Label("Text: \\r \\n \\t \\xNN \\\\ are bytes; line breaks after \\n are for display only."
                + "  Hex: pairs of digits, spaces and line breaks are free.");
        hint.getStyleClass().add(InterceptStyles.INFO);
        hint.setWrapText(true);
        root = new VBox(4, tabs, status, hint);
        VBox.setVgrow(tabs, Priority.ALWAYS);
        setDisabled(true);
    }

    Node node() {
        return root;
    }

    private static TextArea gutter(String id, int columns) {
        TextArea g = new TextArea();
        g.setId(id);
        g.setEditable(false);
        g.setFocusTraversable(false);
        g.setWrapText(false);
        g.setPrefColumnCount(columns);
        g.getStyleClass().addAll(InterceptStyles.EDITOR, InterceptStyles.HEX_GUTTER);
        return g;
    }

    private Node hexWithGutters() {
        // the gutters follow the hex area's scrolling, line for line
        hex.scrollTopProperty().addListener((o, was, top) -> {
            offsets.setScrollTop(top.doubleValue());
            ascii.setScrollTop(top.doubleValue());
        });
        javafx.scene.layout.HBox box = new javafx.scene.layout.HBox(2, offsets, hex, ascii);
        javafx.scene.layout.HBox.setHgrow(hex, Priority.ALWAYS);
        offsets.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        ascii.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return box;
    }

    /** Offsets and ASCII per line of the hex as typed; a line that does not parse shows "?". */
    private void updateGutters() {
        StringBuilder off = new StringBuilder();
        StringBuilder chars = new StringBuilder();
        String[] lines = hex.getText().split("\n", -1);
        long offset = 0;
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                off.append('\n');
                chars.append('\n');
            }
            off.append(String.format("%06x", offset));
            try {
                byte[] b = parseHex(lines[i]);
                for (byte x : b) {
                    chars.append(x >= 0x20 && x < 0x7f ? (char) x : '.');
                }
                offset += b.length;
            } catch (EditError e) {
                chars.append('?');
            }
        }
        offsets.setText(off.toString());
        ascii.setText(chars.toString());
        offsets.setScrollTop(hex.getScrollTop());
        ascii.setScrollTop(hex.getScrollTop());
    }

    public TextArea textArea() {
        return text;
    }

    TextArea hexArea() {
        return hex;
    }

    Mode mode() {
        return tabs.getSelectionModel().getSelectedItem() == hexTab ? Mode.HEX : Mode.TEXT;
    }

    void setMode(Mode mode) {
        tabs.getSelectionModel().select(mode == Mode.HEX ? hexTab : textTab);
    }

    /** Shows these bytes, unedited, in both modes. */
    void load(byte[] bytes) {
        original = bytes.clone();
        loading = true;
        try {
            text.setText(Escapes.escapeForEditing(bytes));
            hex.setText(Hex.formatLines(bytes, HEX_PER_LINE));
        } finally {
            loading = false;
        }
        text.positionCaret(0);
        hex.positionCaret(0);
        setDisabled(false);
        check();
    }

    /** Shows these bytes with an earlier edit of them, or unedited if {@code draft} is null. */
    void load(byte[] bytes, Draft draft) {
        load(bytes);
        if (draft != null) {
            setMode(draft.mode());
            (draft.mode() == Mode.HEX ? hex : text).setText(draft.text());
        }
    }

    /** The edit in progress, or null if there is none (nothing loaded, or unchanged). */
    Draft draft() {
        if (text.isDisabled() || unchanged()) {
            return null;
        }
        return new Draft(mode(), mode() == Mode.HEX ? hex.getText() : text.getText());
    }

    void clear() {
        original = new byte[0];
        loading = true;
        try {
            text.clear();
            hex.clear();
        } finally {
            loading = false;
        }
        setDisabled(true);
        showStatus("Select a held chunk to edit it.", false);
    }

    private void setDisabled(boolean disabled) {
        text.setDisable(disabled);
        hex.setDisable(disabled);
    }

    /** The bytes as edited in the current mode. */
    byte[] bytes() throws EditError {
        return mode() == Mode.HEX ? parseHex(hex.getText()) : parseText(text.getText());
    }

    /** True when the edit (if it parses) equals the bytes loaded. */
    boolean unchanged() {
        try {
            return Arrays.equals(bytes(), original);
        } catch (EditError e) {
            return false;
        }
    }

    /** Checks the edit; on an error, says so, selects the faulty spot and focuses the editor. */
    byte[] bytesOrShowError() {
        try {
            return bytes();
        } catch (EditError e) {
            TextArea area = mode() == Mode.HEX ? hex : text;
            showStatus(e.getMessage(), true);
            int at = Math.max(0, Math.min(e.position, area.getLength()));
            area.requestFocus();
            area.selectRange(at, Math.min(at + 1, area.getLength()));
            return null;
        }
    }

    String status() {
        return status.getText();
    }

    private void check() {
        TextArea area = mode() == Mode.HEX ? hex : text;
        try {
            byte[] b = bytes();
            area.getStyleClass().remove(InterceptStyles.INVALID);
            String change = Arrays.equals(b, original) ? "unchanged" : "edited, was " + original.length;
            showStatus(b.length + " bytes to send (" + change + ")", false);
        } catch (EditError e) {
            if (!area.getStyleClass().contains(InterceptStyles.INVALID)) {
                area.getStyleClass().add(InterceptStyles.INVALID);
            }
            showStatus(e.getMessage(), true);
        }
    }

    private void showStatus(String message, boolean error) {
        status.setText(message);
        status.getStyleClass().removeAll(InterceptStyles.ERROR, InterceptStyles.INFO);
        status.getStyleClass().add(error ? InterceptStyles.ERROR : InterceptStyles.INFO);
    }

    /** Carries the edit over to the other mode; a mode whose content does not parse cannot be left. */
    private void switched(Tab from, Tab to) {
        if (switching || from == null || to == null || text.isDisabled()) {
            return;
        }
        try {
            byte[] b = from == hexTab ? parseHex(hex.getText()) : parseText(text.getText());
            loading = true;
            try {
                if (to == hexTab) {
                    hex.setText(Hex.formatLines(b, HEX_PER_LINE));
                } else {
                    text.setText(Escapes.escapeForEditing(b));
                }
            } finally {
                loading = false;
            }
            check();
        } catch (EditError e) {
            switching = true;
            try {
                tabs.getSelectionModel().select(from);
            } finally {
                switching = false;
            }
            showStatus(e.getMessage() + " \u2014 fix it before switching to " + to.getText(), true);
        }
    }

    /** Parses hex line by line, so an error names its line and column; a byte pair cannot span lines. */
    static byte[] parseHex(String s) throws EditError {
        byte[] out = new byte[s.length() / 2 + 1];
        int n = 0;
        int line = 1;
        int lineStart = 0;
        int high = -1;
        int highAt = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '\n';
            if (c == '\n') {
                if (high >= 0) {
                    throw new EditError("Hex, line " + line + ", column " + (highAt - lineStart + 1)
                            + ": a lone hex digit (bytes are pairs of digits, e.g. 0a)", highAt);
                }
                line++;
                lineStart = i + 1;
                continue;
            }
            if (Character.isWhitespace(c)) {
                continue;
            }
            int v = Character.digit(c, 16);
            if (v < 0 || c > 'f') {
                throw new EditError("Hex, line " + line + ", column " + (i - lineStart + 1) + ": '" + c
                        + "' is not a hex digit (0-9, a-f)", i);
            }
            if (high < 0) {
                high = v;
                highAt = i;
            } else {
                out[n++] = (byte) (high << 4 | v);
                high = -1;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Unescapes line by line (line breaks are display only), so an error names its line and column. */
    static byte[] parseText(String s) throws EditError {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        int line = 1;
        int lineStart = 0;
        while (lineStart <= s.length()) {
            int end = s.indexOf('\n', lineStart);
            if (end < 0) {
                end = s.length();
            }
            String lineText = s.substring(lineStart, end);
            try {
                out.writeBytes(Escapes.unescapeEdited(lineText));
            } catch (IllegalArgumentException e) {
                Matcher m = COLUMN.matcher(e.getMessage());
                int column = m.find() ? Integer.parseInt(m.group(1)) : 1;
                throw new EditError("Text, line " + line + ": " + e.getMessage(), lineStart + column - 1);
            }
            line++;
            lineStart = end + 1;
        }
        return out.toByteArray();
    }
}
