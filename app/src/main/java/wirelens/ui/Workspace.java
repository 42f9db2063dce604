package wirelens.ui;

import java.nio.file.Path;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.Region;
import wirelens.ui.base.Pulse;
import wirelens.ui.base.Styles;
import wirelens.ui.intercept.BreakpointsPane;
import wirelens.ui.intercept.InterceptPane;
import wirelens.ui.intercept.InterceptStyles;
import wirelens.ui.intercept.RulesPane;

/**
 * A live window's work area: the Traffic, Intercept, Breakpoints and Rules tabs, the Intercept menu and
 * the status bar's intercept toggle, which all show one state (intercept on or off, how many chunks are
 * held) and so are kept together. A viewer of a saved capture has none of them.
 */
final class Workspace {
    private final LiveCapture live;
    private final InterceptPane intercept;
    private final BreakpointsPane breakpoints;
    private final RulesPane rules;
    private final TabPane tabs = new TabPane();
    private final Tab interceptTab = new Tab("Intercept");
    private final Tab breakpointsTab = new Tab("Breakpoints");
    private final Tab rulesTab = new Tab("Rules");
    private final CheckMenuItem interceptItem = new CheckMenuItem("Intercept");
    private final ToggleButton interceptButton = new ToggleButton();

    /** {@code rulesFile}: where the rules pane keeps the user's rules. */
    Workspace(LiveCapture live, Pulse pulse, Path rulesFile) {
        this.live = live;
        this.intercept = new InterceptPane(live.hold, live.engine, pulse);
        this.breakpoints = new BreakpointsPane(live.breakpoints, pulse);
        this.rules = new RulesPane(rulesFile, live::setRules);
        if (!live.commandLineRules.isEmpty()) {
            rules.addCommandLineRules(live.commandLineRules);
        }
    }

    /** The tabs, with {@code traffic} (the lists and the connection tabs) as the first. */
    TabPane node(Node traffic) {
        Tab trafficTab = new Tab("Traffic", traffic);
        interceptTab.setContent(intercept.node());
        breakpointsTab.setContent(breakpoints.node());
        rulesTab.setContent(rules.node());
        for (Tab t : List.of(trafficTab, interceptTab, breakpointsTab, rulesTab)) {
            t.setClosable(false);
        }
        trafficTab.setId("tab-traffic");
        interceptTab.setId("tab-intercept");
        breakpointsTab.setId("tab-breakpoints");
        rulesTab.setId("tab-rules");
        tabs.setId("workspace");
        tabs.getTabs().setAll(trafficTab, interceptTab, breakpointsTab, rulesTab);
        intercept.enabledProperty().addListener((o, was, on) -> showInterceptState());
        showInterceptState();
        return tabs;
    }

    TabPane tabs() {
        return tabs;
    }

    InterceptPane intercept() {
        return intercept;
    }

    RulesPane rules() {
        return rules;
    }

    /** The Intercept menu: on/off, forward everything held, and the way to each tab. */
    Menu menu() {
        interceptItem.setAccelerator(KeyCombination.keyCombination("Shortcut+I"));
        interceptItem.setOnAction(e -> setIntercept(interceptItem.isSelected()));
        MenuItem forwardAll = MainWindow.item("Forward all held and turn intercept off", "Shortcut+Shift+A", () -> {
            live.hold.forwardAllAndDisable();
            showInterceptState();
        });
        MenuItem showTraffic = MainWindow.item("Show traffic", "Shortcut+Shift+T", () -> tabs.getSelectionModel().select(0));
        MenuItem showHeld = MainWindow.item("Show held chunks", "Shortcut+Shift+I",
                () -> tabs.getSelectionModel().select(interceptTab));
        MenuItem showRules = MainWindow.item("Show rules", "Shortcut+Shift+R",
                () -> tabs.getSelectionModel().select(rulesTab));
        Menu menu = new Menu("Intercept", null, interceptItem, forwardAll, new SeparatorMenuItem(), showTraffic, showHeld,
                showRules);
        menu.setId("menu-intercept");
        return menu;
    }

    /** The status bar's intercept toggle, which also says how many chunks are held. */
    ToggleButton statusButton() {
        interceptButton.setId("status-intercept");
        interceptButton.setFocusTraversable(false);
        interceptButton.setMinWidth(Region.USE_PREF_SIZE); // the counts give way, never the buttons
        interceptButton.setOnAction(e -> setIntercept(interceptButton.isSelected()));
        return interceptButton;
    }

    /** The intercept filter and the rules offer the names of the listeners. */
    void listenerStarted(String name) {
        for (List<String> names : List.of(intercept.listenerNames(), rules.listenerNames())) {
            if (!names.contains(name)) {
                names.add(name);
            }
        }
    }

    /** Intercept on/off from the menu or the status bar: on also brings the intercept tab forward. */
    private void setIntercept(boolean on) {
        live.hold.setEnabled(on);
        if (on) {
            tabs.getSelectionModel().select(interceptTab);
        }
        showInterceptState();
    }

    void showInterceptState() {
        boolean on = live.hold.isEnabled();
        int held = live.hold.size();
        interceptItem.setSelected(on);
        interceptButton.setSelected(on);
        interceptButton.setText((on ? "Intercept ON" : "Intercept off") + (held > 0 ? " \u2014 " + held + " held" : ""));
        interceptTab.setText(held > 0 ? "Intercept (" + held + ")" : "Intercept");
        Styles.toggle(interceptButton, InterceptStyles.TOGGLE_ON, on || held > 0);
    }

    void dispose() {
        intercept.dispose();
        breakpoints.dispose();
    }
}
