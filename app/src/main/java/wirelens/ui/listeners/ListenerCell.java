package wirelens.ui.listeners;

import javafx.beans.value.ChangeListener;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import wirelens.engine.Hosts;
import wirelens.ui.base.Styles;

/**
 * One listener in the side panel, on two lines that fit its width: the name and the state ("listening"),
 * then where it listens and where it forwards to; a failure's reason on a third line, wrapped.
 */
final class ListenerCell extends ListCell<ListenerPane.Row> {
    private final Label name = new Label();
    private final Label state = new Label();
    private final Label sockets = new Label();
    private final Label failure = new Label();
    private final Tooltip whole = new Tooltip();
    private final VBox box;
    private final ChangeListener<String> statusChanged = (o, was, now) -> showStatus(now);
    private ListenerPane.Row shown;

    ListenerCell() {
        name.getStyleClass().add(Styles.LISTENER_NAME);
        name.setMinWidth(Region.USE_PREF_SIZE);
        state.getStyleClass().add(Styles.LISTENER_STATE);
        state.setMinWidth(Region.USE_PREF_SIZE);
        sockets.getStyleClass().add(Styles.LISTENER_SOCKETS);
        sockets.setWrapText(true);
        failure.getStyleClass().add(Styles.FORM_ERROR);
        failure.setWrapText(true);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox top = new HBox(8, name, gap, state);
        box = new VBox(2, top, sockets, failure);
        // the labels wrap within the list's width instead of widening the cell
        setPrefWidth(0);
        box.setMinWidth(0);
    }

    @Override
    protected void updateItem(ListenerPane.Row row, boolean empty) {
        super.updateItem(row, empty);
        if (shown != null) {
            shown.status.removeListener(statusChanged);
        }
        shown = empty ? null : row;
        setText(null);
        if (shown == null) {
            setGraphic(null);
            setTooltip(null);
            return;
        }
        shown.status.addListener(statusChanged);
        name.setText(row.config.name());
        String listen = row.bound != null ? Hosts.format(row.bound)
                : Hosts.format(row.config.bindHost(), row.config.bindPort());
        sockets.setText(listen + " \u2192 " + row.config.targetText());
        showStatus(row.status());
        setGraphic(box);
    }

    /** "listening", "stopped", "starting…" as they are; "failed: why" as "failed" with the reason below. */
    private void showStatus(String status) {
        int colon = status.indexOf(": ");
        boolean failed = status.startsWith("failed") && colon > 0;
        state.setText(failed ? status.substring(0, colon) : status);
        failure.setText(failed ? status.substring(colon + 2) : "");
        failure.setVisible(failed);
        failure.setManaged(failed);
        Styles.toggle(state, Styles.FORM_ERROR, failed);
        whole.setText(name.getText() + ": " + sockets.getText() + ", " + status);
        setTooltip(whole);
    }
}
