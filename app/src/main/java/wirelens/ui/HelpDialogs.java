package wirelens.ui;

import java.util.List;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.stage.Modality;
import javafx.stage.Stage;
import wirelens.ui.base.Styles;

/** The Help menu's dialogs: the keyboard shortcuts and About. Not modal. */
final class HelpDialogs {
    /** Style class of a key in the shortcuts grid. */
    static final String KEY = "wl-shortcut-key";

    private HelpDialogs() {}

    /** A key (or gesture) and what it does. */
    record Shortcut(String keys, String action) {}

    static final List<Shortcut> SHORTCUTS = List.of(
            new Shortcut("Ctrl+O", "Open a capture file (in a new window)"),
            new Shortcut("Ctrl+S", "Save the capture as a pcapng file"),
            new Shortcut("Ctrl+L", "Clear finished connections (open ones stay; the capture file keeps all)"),
            new Shortcut("Ctrl+W", "Close the current stream tab"),
            new Shortcut("Ctrl+Q", "Quit"),
            new Shortcut("Ctrl+1 / Ctrl+2", "Show the current stream as text / hex"),
            new Shortcut("Ctrl+Shift+L", "Show or hide the listeners"),
            new Shortcut("Ctrl+I", "Intercept on / off (hold chunks before they are forwarded)"),
            new Shortcut("Ctrl+Enter", "Forward the held chunk as edited (intercept tab)"),
            new Shortcut("Ctrl+Shift+Enter", "Forward the held chunk as it was"),
            new Shortcut("Ctrl+D", "Drop the held chunk"),
            new Shortcut("Ctrl+Shift+A", "Forward all held chunks and turn intercept off"),
            new Shortcut("Ctrl+Shift+T / I / R", "Show traffic / held chunks / rules"),
            new Shortcut("Click", "Show a connection in the preview tab (the next click replaces it)"),
            new Shortcut("Enter or double-click", "Open the connection in a tab of its own"),
            new Shortcut("Drag, Shift+click, Shift+arrows", "Select bytes of a stream (text or hex view)"),
            new Shortcut("Ctrl+C", "Copy the selected bytes: as text in the text view, as hex in the hex view"),
            new Shortcut("Ctrl+Shift+C", "Copy the selected bytes as hex"),
            new Shortcut("Ctrl+A", "Select all bytes of a stream"),
            new Shortcut("End", "Go to the end of a stream and follow it"),
            new Shortcut("F1", "This list"));

    static void shortcuts(Stage owner) {
        GridPane grid = new GridPane();
        grid.setId("shortcuts-grid");
        grid.setHgap(18);
        grid.setVgap(4);
        ColumnConstraints keys = new ColumnConstraints();
        keys.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        grid.getColumnConstraints().addAll(keys, new ColumnConstraints());
        for (int row = 0; row < SHORTCUTS.size(); row++) {
            Label key = new Label(SHORTCUTS.get(row).keys());
            key.getStyleClass().add(KEY);
            Label action = new Label(SHORTCUTS.get(row).action());
            action.setWrapText(true);
            grid.addRow(row, key, action);
        }
        Alert alert = dialog(owner, "Keyboard shortcuts", null);
        ScrollPane scroll = new ScrollPane(grid);
        scroll.setFitToWidth(true);
        scroll.setPrefViewportHeight(480);
        alert.getDialogPane().setContent(scroll);
        alert.getDialogPane().setPrefWidth(640);
        alert.show();
    }

    static void about(Stage owner) {
        dialog(owner, "About Wirelens", "Wirelens 0.1.0\nA debugging proxy: it forwards every connection and shows every "
                + "chunk that crosses it, live, as text or hex, and decrypts TLS with a CA of its own (TLS menu)."
                + "\nCaptures are pcapng files that open in Wireshark.").show();
    }

    private static Alert dialog(Stage owner, String title, String text) {
        Alert alert = new Alert(Alert.AlertType.INFORMATION, text);
        alert.initOwner(owner);
        alert.initModality(Modality.NONE);
        alert.setTitle(title);
        alert.setHeaderText(title);
        alert.getDialogPane().getStylesheets().add(Styles.STYLESHEET);
        return alert;
    }
}
