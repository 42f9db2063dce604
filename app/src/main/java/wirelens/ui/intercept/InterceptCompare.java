package wirelens.ui.intercept;

import java.io.IOException;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import wirelens.capture.CaptureFile;
import wirelens.capture.ChunkInfo;
import wirelens.engine.Direction;
import wirelens.intercept.Escapes;
import wirelens.intercept.Hex;

/**
 * Original and forwarded bytes of one edited or dropped chunk, side by side, below a stream view.
 * Hidden for chunks that went on unchanged.
 */
public final class InterceptCompare {
    private static final double HEIGHT = 170;

    private final Label title = new Label();
    private final TextArea original = area("compare-original");
    private final TextArea forwarded = area("compare-forwarded");
    private final VBox root;
    private ChunkInfo shown;
    private boolean shownAsHex;

    public InterceptCompare() {
        title.setId("compare-title");
        title.getStyleClass().add(InterceptStyles.EDITOR_TITLE);
        SplitPane sides = new SplitPane(labelled("Original (as read)", original), labelled("Forwarded (as sent)", forwarded));
        sides.setOrientation(Orientation.HORIZONTAL);
        root = new VBox(2, title, sides);
        VBox.setVgrow(sides, Priority.ALWAYS);
        root.setId("stream-compare");
        root.getStylesheets().add(InterceptStyles.STYLESHEET);
        root.setPrefHeight(HEIGHT);
        root.setMinHeight(HEIGHT);
        show(null, null, false);
    }

    private static TextArea area(String id) {
        TextArea a = new TextArea();
        a.setId(id);
        a.setEditable(false);
        a.setWrapText(true);
        a.getStyleClass().add(InterceptStyles.EDITOR);
        return a;
    }

    private static Node labelled(String text, TextArea area) {
        Label l = new Label(text);
        l.getStyleClass().add(InterceptStyles.INFO);
        VBox box = new VBox(2, l, area);
        VBox.setVgrow(area, Priority.ALWAYS);
        return box;
    }

    public Node node() {
        return root;
    }

    public boolean isShowing() {
        return root.isVisible();
    }

    /** Shows the chunk if it was edited or dropped (read from the file), hides the panel otherwise. */
    public void show(ChunkInfo chunk, CaptureFile file, boolean hex) {
        boolean changed = chunk != null && file != null && chunk.inFile() && !chunk.injected()
                && (chunk.edited() || chunk.dropped());
        root.setVisible(changed);
        root.setManaged(changed);
        if (!changed) {
            shown = null;
            return;
        }
        if (chunk.equals(shown) && hex == shownAsHex) {
            return;
        }
        shown = chunk;
        shownAsHex = hex;
        String where = "Chunk " + (chunk.index() + 1) + " ("
                + (chunk.direction() == Direction.CLIENT_TO_SERVER ? "client \u2192 server" : "server \u2192 client") + ")";
        try {
            byte[] o = file.original(chunk);
            original.setText(hex ? Hex.formatLines(o, InterceptEditor.HEX_PER_LINE) : Escapes.escapeForEditing(o));
            if (chunk.dropped()) {
                forwarded.setText("(dropped: nothing was sent)");
                title.setText(where + " was dropped: " + o.length + " bytes read, none sent");
            } else {
                byte[] f = file.forwarded(chunk);
                forwarded.setText(hex ? Hex.formatLines(f, InterceptEditor.HEX_PER_LINE) : Escapes.escapeForEditing(f));
                title.setText(where + " was edited: " + o.length + " bytes read, " + f.length + " bytes sent");
            }
        } catch (IOException e) {
            original.setText("");
            forwarded.setText("");
            title.setText(where + ": cannot read its bytes from the capture file: " + e.getMessage());
        }
    }
}
