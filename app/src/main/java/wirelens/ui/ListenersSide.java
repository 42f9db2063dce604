package wirelens.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import javafx.scene.Node;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;
import wirelens.ui.base.WindowProperties;
import wirelens.ui.listeners.ListenerPane;

/**
 * The listeners as a side panel of the live window, shown or hidden by the user (View → Listeners, the
 * status bar's toggle, the pane's own «): a list that rarely changes gives its width to the traffic. The
 * choice is kept in the window's properties file.
 */
final class ListenersSide {
    static final String KEY = "listenersShown";

    private final SplitPane split = new SplitPane();
    private final Node pane;
    private final Path file;
    private final Consumer<String> onError;
    private final CheckMenuItem menuItem = new CheckMenuItem("Listeners");
    private final ToggleButton button = new ToggleButton("Listeners");
    /** Where the divider was when the pane was last shown: wide enough for its buttons to begin with. */
    private double divider = 0.27;

    ListenersSide(ListenerPane listeners, Node traffic, Path file, Consumer<String> onError) {
        this.pane = listeners.node();
        this.file = file;
        this.onError = onError;
        split.getItems().setAll(pane, traffic);
        split.setDividerPositions(divider);
        SplitPane.setResizableWithParent(pane, false);
        listeners.setOnHide(() -> show(false));
        menuItem.setId("menu-listeners");
        menuItem.setAccelerator(KeyCombination.keyCombination("Shortcut+Shift+L"));
        menuItem.setOnAction(e -> show(menuItem.isSelected()));
        button.setId("status-listeners");
        button.setFocusTraversable(false);
        button.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        button.setTooltip(new Tooltip("Show or hide the listeners (Shortcut+Shift+L)"));
        button.setOnAction(e -> show(button.isSelected()));
        boolean shown = !"false".equals(WindowProperties.load(file).getProperty(KEY));
        apply(shown);
    }

    Node node() {
        return split;
    }

    CheckMenuItem menuItem() {
        return menuItem;
    }

    ToggleButton button() {
        return button;
    }

    boolean shown() {
        return split.getItems().contains(pane);
    }

    /** Shows or hides the listeners and remembers the choice for the next start. */
    void show(boolean on) {
        if (on != shown()) {
            apply(on);
            try {
                WindowProperties.set(file, KEY, Boolean.toString(on));
            } catch (IOException e) {
                onError.accept("Could not save the window's settings to " + file + ": " + e.getMessage());
            }
        }
        menuItem.setSelected(on);
        button.setSelected(on);
    }

    private void apply(boolean on) {
        if (on && !shown()) {
            split.getItems().add(0, pane);
            split.setDividerPositions(divider);
        } else if (!on && shown()) {
            divider = split.getDividerPositions()[0];
            split.getItems().remove(pane);
        }
        menuItem.setSelected(on);
        button.setSelected(on);
    }
}
