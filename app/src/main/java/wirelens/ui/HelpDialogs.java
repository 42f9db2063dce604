package wirelens.ui;

import javafx.scene.control.Alert;
import javafx.stage.Modality;
import javafx.stage.Stage;
import wirelens.ui.base.Styles;

/** The Help menu's dialogs: the keyboard shortcuts and About. Not modal. */
final class HelpDialogs {
    private HelpDialogs() {}

    static void shortcuts(Stage owner) {
        show(owner, "Keyboard shortcuts", String.join("\n",
                "Ctrl+O\tOpen a capture file (in a new window)",
                "Ctrl+S\tSave the capture as a pcapng file",
                "Ctrl+L\tClear finished connections (open ones stay; the capture file keeps all)",
                "Ctrl+W\tClose the current stream tab",
                "Ctrl+Q\tQuit",
                "Ctrl+1 / Ctrl+2\tShow the current stream as text / hex",
                "Ctrl+I\tIntercept on / off (hold chunks before they are forwarded)",
                "Ctrl+Enter\tForward the held chunk as edited (intercept tab)",
                "Ctrl+Shift+Enter\tForward the held chunk as it was",
                "Ctrl+D\tDrop the held chunk",
                "Ctrl+Shift+A\tForward all held chunks and turn intercept off",
                "Ctrl+Shift+T / I / R\tShow traffic / held chunks / rules",
                "Enter or double-click\tOpen the selected connection's stream",
                "Drag, shift+click, shift+arrows\tSelect bytes of a stream (text or hex view)",
                "Ctrl+C\tCopy the selected bytes: as text in the text view, as hex in the hex view",
                "Ctrl+Shift+C\tCopy the selected bytes as hex",
                "Ctrl+A\tSelect all bytes of a stream",
                "End\tGo to the end of a stream and follow it",
                "F1\tThis list"));
    }

    static void about(Stage owner) {
        show(owner, "About Wirelens", "Wirelens 0.1.0\nA debugging proxy: it forwards every connection and shows every "
                + "chunk that crosses it, live, as text or hex, and decrypts TLS with a CA of its own (TLS menu)."
                + "\nCaptures are pcapng files that open in Wireshark.");
    }

    private static void show(Stage owner, String title, String text) {
        Alert alert = new Alert(Alert.AlertType.INFORMATION, text);
        alert.initOwner(owner);
        alert.initModality(Modality.NONE);
        alert.setTitle(title);
        alert.setHeaderText(title);
        alert.getDialogPane().getStylesheets().add(Styles.STYLESHEET);
        alert.show();
    }
}
