package wirelens.ui.intercept;

import java.util.function.BiConsumer;
import javafx.collections.FXCollections;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import wirelens.engine.Direction;
import wirelens.engine.Engine;
import wirelens.intercept.Escapes;
import wirelens.intercept.Hex;

/**
 * The intercept pane's inject row: bytes typed as text (with escapes such as {@code \r\n}) or as hex
 * pairs, sent into a live connection towards the server or the client.
 */
final class InjectBar {
    private final Engine engine;
    /** Tells the user what happened: (text, is it an error). */
    private final BiConsumer<String, Boolean> note;
    private final ChoiceBox<String> injectKind = new ChoiceBox<>(FXCollections.observableArrayList("text", "hex"));
    private final TextField injectBytes = new TextField();
    private final ChoiceBox<Direction> injectDirection = new ChoiceBox<>(
            FXCollections.observableArrayList(Direction.values()));
    private final TextField injectConnection = new TextField();
    private final Node node;

    InjectBar(Engine engine, BiConsumer<String, Boolean> note) {
        this.engine = engine;
        this.note = note;
        injectKind.setId("intercept-inject-kind");
        injectKind.setValue("text");
        injectBytes.setId("intercept-inject-bytes");
        injectBytes.setPromptText("bytes to send, e.g. NOOP\\r\\n");
        injectBytes.getStyleClass().add(InterceptStyles.BYTES);
        injectKind.valueProperty().addListener((o, a, k) -> injectBytes.setPromptText(
                "hex".equals(k) ? "hex pairs, e.g. 0d 0a" : "bytes to send, e.g. NOOP\\r\\n"));
        injectDirection.setId("intercept-inject-direction");
        injectDirection.setValue(Direction.CLIENT_TO_SERVER);
        injectDirection.setConverter(InterceptCells.converter(d -> d == Direction.CLIENT_TO_SERVER ? "to server" : "to client"));
        injectConnection.setId("intercept-inject-connection");
        injectConnection.setPromptText("conn #");
        injectConnection.setPrefColumnCount(5);
        Button inject = new Button("Inject");
        inject.setId("intercept-inject");
        inject.setOnAction(e -> inject());
        injectBytes.setOnAction(e -> inject());
        HBox row = new HBox(new Label("Inject"), injectKind, injectBytes, injectDirection, new Label("into"),
                injectConnection, inject);
        row.getStyleClass().add(InterceptStyles.INJECT_BAR);
        HBox.setHgrow(injectBytes, Priority.ALWAYS);
        this.node = row;
    }

    Node node() {
        return node;
    }

    /** Offers the connection of the chunk the user looks at. */
    void setConnection(long connectionId) {
        injectConnection.setText(Long.toString(connectionId));
    }

    private void inject() {
        long id;
        try {
            id = Long.parseLong(injectConnection.getText().strip().replaceFirst("^#", ""));
        } catch (NumberFormatException e) {
            note.accept("Inject: enter the connection number (e.g. 3), or select a held chunk.", true);
            return;
        }
        byte[] bytes;
        try {
            bytes = "hex".equals(injectKind.getValue()) ? Hex.parse(injectBytes.getText())
                    : Escapes.unescape(injectBytes.getText());
        } catch (IllegalArgumentException e) {
            note.accept("Inject: " + e.getMessage(), true);
            return;
        }
        if (bytes.length == 0) {
            note.accept("Inject: nothing to send.", true);
            return;
        }
        engine.inject(id, injectDirection.getValue(), bytes);
        note.accept("Injected " + bytes.length + " bytes into connection #" + id + " "
                + injectDirection.getValue().shortName() + " (a connection that has ended ignores it).", false);
    }
}
