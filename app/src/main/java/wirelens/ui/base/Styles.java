package wirelens.ui.base;

import wirelens.engine.Direction;

/** Style class names used by the window; their looks live in {@code wirelens.css}. */
public final class Styles {
    private Styles() {}

    public static final String STYLESHEET = Styles.class.getResource("wirelens.css").toExternalForm();

    /** Bytes the client sent to the server. */
    public static final String CLIENT_TO_SERVER = "wl-c2s";
    /** Bytes the server sent to the client. */
    public static final String SERVER_TO_CLIENT = "wl-s2c";
    /** Escapes for CR, LF, tabs and bytes without a printable character: dimmed. */
    public static final String ESCAPE = "wl-escape";
    /** The thin line before each chunk: time offset, direction, size. */
    public static final String SEPARATOR = "wl-separator";
    /** The offset column of the hex view. */
    public static final String OFFSET = "wl-offset";
    /** The ASCII column of the hex view. */
    public static final String HEX_ASCII = "wl-hex-ascii";
    /** The list that shows a stream (text or hex), one cell per line. */
    public static final String STREAM = "wl-stream";
    /** A cell of the stream list. */
    public static final String STREAM_LINE = "wl-stream-line";
    /** Selected bytes in a stream line (text, or hex and ASCII columns): a highlight behind the text. */
    public static final String SELECTION = "wl-selection";

    /** The strip under a viewer's menus: which file, when it was recorded, nothing live. */
    public static final String BANNER = "wl-banner";

    public static final String NOTIFICATIONS = "wl-notifications";
    public static final String NOTIFICATION = "wl-notification";
    public static final String NOTIFICATION_ERROR = "wl-notification-error";
    public static final String STATUS_BAR = "wl-status-bar";
    public static final String EMPTY_HINT = "wl-empty-hint";
    public static final String FORM_ERROR = "wl-form-error";
    /** A proxy's handshake line above a connection's views. */
    public static final String PROXY_HANDSHAKE = "wl-proxy-handshake";
    public static final String LISTENER_PANE = "wl-listener-pane";
    public static final String PANE_TITLE = "wl-pane-title";
    /** A listener's name, its state and its addresses in the listeners' side panel. */
    public static final String LISTENER_NAME = "wl-listener-name";
    public static final String LISTENER_STATE = "wl-listener-state";
    public static final String LISTENER_SOCKETS = "wl-listener-sockets";
    public static final String FILTER_BAR = "wl-filter-bar";
    /** A table row of a connection that ended in an error. */
    public static final String ROW_ERROR = "wl-row-error";
    /** A table row of a connection that is still open. */
    public static final String ROW_OPEN = "wl-row-open";
    public static final String STATE_FAILED = "wl-state-failed";

    /**
     * Adds or removes a style class only when it is not already so: every change of a node's classes
     * makes JavaFX restyle the node and what is below it.
     */
    public static void toggle(javafx.scene.Node node, String styleClass, boolean on) {
        if (node.getStyleClass().contains(styleClass) != on) {
            if (on) {
                node.getStyleClass().add(styleClass);
            } else {
                node.getStyleClass().removeAll(styleClass);
            }
        }
    }

    public static String of(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? CLIENT_TO_SERVER : SERVER_TO_CLIENT;
    }
}
