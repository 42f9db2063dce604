package wirelens.ui;

import java.nio.file.Path;
import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import wirelens.base.Units;
import wirelens.capture.ConnectionInfo;
import wirelens.ui.base.Styles;

/**
 * The strip under a viewer's menus: a reopened capture looks like the live window, so it says which file
 * it shows, when that was recorded and that nothing is live, and offers to start listening.
 */
final class ViewerBanner {
    private final HBox node;
    private final Button start = new Button("Start listeners");

    ViewerBanner(Path path, List<ConnectionInfo> connections) {
        Label text = new Label(text(path, connections));
        text.setId("viewer-banner-text");
        start.setId("viewer-start-listeners");
        start.setVisible(false);
        start.setManaged(false);
        node = new HBox(10, text, start);
        node.setId("viewer-banner");
        node.setAlignment(Pos.CENTER_LEFT);
        node.getStyleClass().add(Styles.BANNER);
    }

    Node node() {
        return node;
    }

    /** Shows Start listeners, which runs {@code action}. */
    void offerStart(Runnable action) {
        start.setOnAction(e -> action.run());
        start.setVisible(true);
        start.setManaged(true);
    }

    /** {@code Viewing x.pcapng — recorded 12:04–12:31, 7 connections. Nothing here is live.} */
    static String text(Path path, List<ConnectionInfo> connections) {
        int n = connections.size();
        String count = n + (n == 1 ? " connection" : " connections");
        if (n == 0) {
            return "Viewing " + path.getFileName() + " \u2014 " + count + ". Nothing here is live.";
        }
        long first = connections.stream().mapToLong(ConnectionInfo::openedNanos).min().orElseThrow();
        long last = connections.stream().mapToLong(c -> Math.max(c.openedNanos(), c.closedNanos())).max().orElseThrow();
        return "Viewing " + path.getFileName() + " \u2014 recorded " + Units.clock(first).substring(0, 5) + "\u2013"
                + Units.clock(last).substring(0, 5) + ", " + count + ". Nothing here is live.";
    }
}
