package wirelens.ui.tls;

import java.nio.file.Path;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Window;
import wirelens.ui.base.Styles;

/** TLS &rarr; How to install the CA: the {@link InstallSnippets}, each with a Copy button. Not modal. */
final class InstallDialog {
    private InstallDialog() {}

    static Dialog<ButtonType> show(Window owner, Path caPem) {
        Dialog<ButtonType> dialog = new Dialog<>();
        dialog.initOwner(owner);
        dialog.initModality(Modality.NONE);
        dialog.setResizable(true);
        dialog.setTitle("Install the Wirelens CA");
        dialog.setHeaderText("Make your clients trust the Wirelens CA");
        ScrollPane scroll = new ScrollPane(content(caPem));
        scroll.setFitToWidth(true);
        scroll.setPrefSize(780, 600);
        dialog.getDialogPane().setContent(scroll);
        dialog.getDialogPane().getButtonTypes().add(ButtonType.CLOSE);
        dialog.getDialogPane().getStylesheets().addAll(Styles.STYLESHEET, TlsStyles.STYLESHEET);
        dialog.getDialogPane().setId("tls-install-dialog");
        dialog.show();
        return dialog;
    }

    /** The instructions: an introduction, then a title, a note and a snippet with its Copy button per client. */
    static VBox content(Path caPem) {
        Label intro = new Label("Clients accept the certificates Wirelens shows in place of the servers' only when"
                + " they trust its CA, " + caPem + ". Install it only where you debug: whoever holds its key"
                + " (ca-key.pem, beside it) can read the TLS of every client that trusts it.");
        intro.setWrapText(true);
        intro.getStyleClass().add(TlsStyles.HINT);
        VBox box = new VBox(6, intro);
        box.getStyleClass().add(TlsStyles.PANEL);
        for (InstallSnippets.Snippet s : InstallSnippets.of(caPem)) {
            Label title = new Label(s.title());
            title.getStyleClass().add(TlsStyles.LEG_TITLE);
            Label note = new Label(s.note());
            note.setWrapText(true);
            note.getStyleClass().add(TlsStyles.HINT);
            TextArea code = new TextArea(s.code());
            code.setEditable(false);
            code.setWrapText(false);
            code.setPrefRowCount((int) s.code().lines().count() + 1);
            code.getStyleClass().add(TlsStyles.SNIPPET);
            code.setId("snippet-" + s.id());
            HBox.setHgrow(code, Priority.ALWAYS);
            Button copy = new Button("Copy");
            copy.setId("copy-" + s.id());
            copy.setOnAction(e -> {
                ClipboardContent c = new ClipboardContent();
                c.putString(s.code());
                Clipboard.getSystemClipboard().setContent(c);
            });
            box.getChildren().addAll(title, note, new HBox(6, code, copy));
        }
        return box;
    }
}
