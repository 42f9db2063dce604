package wirelens.ui.intercept;

import javafx.scene.control.Labeled;
import wirelens.engine.Direction;

/** Style class names of the intercept and rules panes; their looks live in {@code intercept.css}. */
public final class InterceptStyles {
    private InterceptStyles() {}

    public static final String STYLESHEET = InterceptStyles.class.getResource("intercept.css").toExternalForm();

    public static final String PANE = "wl-intercept-pane";
    public static final String RULES_PANE = "wl-rules-pane";
    /** The bar at the top: intercept toggle and filter. */
    public static final String TOOLBAR = "wl-intercept-toolbar";
    /** The intercept toggle while intercept is on. */
    public static final String TOGGLE_ON = "wl-intercept-on";
    /** The chunk editors (text and hex): monospaced. */
    public static final String EDITOR = "wl-intercept-editor";
    /** The offset and ASCII columns beside the hex editor: dimmed, no scroll bars. */
    public static final String HEX_GUTTER = "wl-intercept-hex-gutter";
    /** An input whose content does not parse (bad pattern, bad hex, bad escape). */
    public static final String INVALID = "wl-invalid";
    /** A line telling the user what is wrong. */
    public static final String ERROR = "wl-intercept-error";
    /** A line telling the user what happened or what they are editing. */
    public static final String INFO = "wl-intercept-info";
    /** The heading above the editor: which chunk it is. */
    public static final String EDITOR_TITLE = "wl-intercept-editor-title";
    /** The main action (Forward). */
    public static final String PRIMARY = "wl-intercept-primary";
    /** Actions that lose bytes (Drop, Close connection). */
    public static final String DANGER = "wl-intercept-danger";
    /** The held chunks table and the rules table. */
    public static final String TABLE = "wl-intercept-table";
    /** A cell showing bytes (preview column). */
    public static final String BYTES = "wl-intercept-bytes";
    /** The inject row at the bottom. */
    public static final String INJECT_BAR = "wl-intercept-inject";
    /** A rule from the command line (applied, not saved). */
    public static final String SESSION_RULE = "wl-rule-session";
    /** A disabled rule. */
    public static final String DISABLED_RULE = "wl-rule-disabled";

    /** "→ server" or "← client": where the chunk is going. */
    public static String arrow(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? "c2s \u2192" : "\u2190 s2c";
    }

    /** Shows {@code text} in a pane's message label, styled as an error or as information. */
    public static void note(Labeled label, String text, boolean error) {
        label.setText(text);
        label.getStyleClass().removeAll(ERROR, INFO);
        label.getStyleClass().add(error ? ERROR : INFO);
    }
}
