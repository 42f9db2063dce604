package wirelens.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.ui.base.Styles;
import wirelens.ui.connections.ConnectionTable;
import wirelens.ui.connections.ListLimit;

/**
 * The line at the bottom of a window: open and listed connections, bytes each way, how many older
 * connections the list let go (and how to see them again), and where the capture is.
 */
final class StatusBar {
    private final ConnectionTable table;
    private final CaptureFile file;
    /** A live window's capture status (the temporary ring, or where it is being saved); null in a viewer. */
    private final Supplier<String> liveCapture;
    private final Label connections = new Label();
    private final Label bytes = new Label();
    private final Label letGo = new Label();
    private final Label capture = new Label();
    private final HBox bar;

    /** {@code buttons}: what goes first on the bar (a live window's listeners and intercept toggles). */
    StatusBar(ConnectionTable table, CaptureFile file, Supplier<String> liveCapture, List<Node> buttons) {
        this.table = table;
        this.file = file;
        this.liveCapture = liveCapture;
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        connections.setId("status-connections");
        bytes.setId("status-bytes");
        capture.setId("status-capture");
        letGo.setId("status-let-go");
        bar = new HBox(connections, bytes, letGo, spacer, capture);
        bar.getChildren().addAll(0, buttons);
        bar.getStyleClass().add(Styles.STATUS_BAR);
    }

    HBox node() {
        return bar;
    }

    /** {@code capture: temporary ring, 3 of 16 files of 256.0 MiB, 600.2 MiB (/tmp/wirelens-123)}. */
    void update() {
        int shown = table.shownCount();
        connections.setText(table.openCount() + " open / " + shown + (shown == 1 ? " connection" : " connections"));
        bytes.setText("client \u2192 server " + Units.bytes(table.bytesClientToServer())
                + "   server \u2192 client " + Units.bytes(table.bytesServerToClient()));
        long gone = table.letGoCount();
        letGo.setText(gone == 0 ? "" : String.format(Locale.ROOT, "%,d older connection%s let go"
                + " (the list keeps the latest %s; the capture file has them all: Save capture as, then Open capture)",
                gone, gone == 1 ? "" : "s", ListLimit.label(table.limit())));
        capture.setText(liveCapture != null ? liveCapture.get() : viewedCapture());
    }

    private String viewedCapture() {
        long size = 0;
        for (Path f : file.files()) {
            try {
                size += Files.size(f);
            } catch (IOException e) {
                // gone meanwhile: counts nothing
            }
        }
        int files = file.files().size();
        return "capture: " + file.path() + (files > 1 ? " (" + files + " files, " : " (") + Units.bytes(size) + ")";
    }
}
