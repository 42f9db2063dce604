package wirelens.ui;

import wirelens.engine.Direction;

/** Style class names used by the window; their looks live in {@code wirelens.css}. */
final class Styles {
    private Styles() {}

    static final String STYLESHEET = Styles.class.getResource("wirelens.css").toExternalForm();

    /** Bytes the client sent to the server. */
    static final String CLIENT_TO_SERVER = "wl-c2s";
    /** Bytes the server sent to the client. */
    static final String SERVER_TO_CLIENT = "wl-s2c";
    /** Escapes for CR, LF, tabs and bytes without a printable character: dimmed. */
    static final String ESCAPE = "wl-escape";
    /** The thin line before each chunk: time offset, direction, size. */
    static final String SEPARATOR = "wl-separator";
    /** The offset column of the hex view. */
    static final String OFFSET = "wl-offset";
    /** The ASCII column of the hex view. */
    static final String HEX_ASCII = "wl-hex-ascii";
    /** The list that shows a stream (text or hex), one cell per line. */
    static final String STREAM = "wl-stream";
    /** A cell of the stream list. */
    static final String STREAM_LINE = "wl-stream-line";
    /** Selected bytes in a stream line (text, or hex and ASCII columns): a highlight behind the text. */
    static final String SELECTION = "wl-selection";

    static final String NOTIFICATIONS = "wl-notifications";
    static final String NOTIFICATION = "wl-notification";
    static final String NOTIFICATION_ERROR = "wl-notification-error";
    static final String STATUS_BAR = "wl-status-bar";
    static final String EMPTY_HINT = "wl-empty-hint";
    static final String FORM_ERROR = "wl-form-error";
    static final String LISTENER_PANE = "wl-listener-pane";
    static final String PANE_TITLE = "wl-pane-title";
    static final String FILTER_BAR = "wl-filter-bar";
    /** A table row of a connection that ended in an error. */
    static final String ROW_ERROR = "wl-row-error";
    /** A table row of a connection that is still open. */
    static final String ROW_OPEN = "wl-row-open";
    static final String STATE_FAILED = "wl-state-failed";

    /**
     * Adds or removes a style class only when it is not already so: every change of a node's classes
     * makes JavaFX restyle the node and what is below it.
     */
    static void toggle(javafx.scene.Node node, String styleClass, boolean on) {
        if (node.getStyleClass().contains(styleClass) != on) {
            if (on) {
                node.getStyleClass().add(styleClass);
            } else {
                node.getStyleClass().removeAll(styleClass);
            }
        }
    }

    static String of(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? CLIENT_TO_SERVER : SERVER_TO_CLIENT;
    }
}
