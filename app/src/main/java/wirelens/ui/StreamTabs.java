package wirelens.ui;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.scene.Node;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.StackPane;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Pulse;
import wirelens.ui.base.Styles;
import wirelens.ui.connections.ConnectionRow;
import wirelens.ui.protocol.ConnectionTab;
import wirelens.ui.protocol.ViewChoices;
import wirelens.ui.stream.StreamView;
import wirelens.ui.tls.TlsPanel;

/**
 * The window's connection tabs, one per opened connection: its stream view (text / hex) inside its
 * {@link ConnectionTab} (which adds the SMTP or HTTP view once the connection is recognised, and the TLS
 * panel once it had TLS). A tab's views are created when it opens and release what they hold when it
 * closes.
 */
final class StreamTabs {
    /** Style class of the preview tab's title (italic, as in code editors). */
    static final String PREVIEW = "wl-preview-tab";
    private final CaptureIndex index;
    private final CaptureFile file;
    private final Notifier notifier;
    private final FileDialogs dialogs;
    private final Pulse pulse;
    /** Told the mode of the stream shown when the user picks another tab (the View menu mirrors it). */
    private final Consumer<StreamView.Mode> shownMode;
    private final TabPane tabs = new TabPane();
    private final Map<Long, StreamView> views = new LinkedHashMap<>();
    private final Map<StreamView, ConnectionTab> connectionTabs = new HashMap<>();
    private final Map<Long, TlsPanel> tlsPanels = new HashMap<>();
    private final ViewChoices viewChoices = new ViewChoices();
    /** The tab a single click in the list shows and the next one replaces, or null. */
    private Tab preview;
    /** The mode a newly opened stream starts in: the one last chosen in the View menu. */
    private StreamView.Mode defaultMode = StreamView.Mode.TEXT;

    StreamTabs(CaptureIndex index, CaptureFile file, Notifier notifier, FileDialogs dialogs, Pulse pulse,
            Consumer<StreamView.Mode> shownMode) {
        this.index = index;
        this.file = file;
        this.notifier = notifier;
        this.dialogs = dialogs;
        this.pulse = pulse;
        this.shownMode = shownMode;
    }

    TabPane tabs() {
        return tabs;
    }

    /** The tab pane with a hint behind it while no tab is open. */
    Node node() {
        Label empty = new Label("Double-click a connection (or select it and press Enter) to see its bytes.");
        empty.getStyleClass().add(Styles.EMPTY_HINT);
        empty.visibleProperty().bind(Bindings.isEmpty(tabs.getTabs()));
        tabs.setId("streams");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.ALL_TABS);
        tabs.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            StreamView v = now == null ? null : (StreamView) now.getUserData();
            if (v != null) {
                shownMode.accept(v.mode());
            }
        });
        return new StackPane(empty, tabs);
    }

    /** Opens the connection's tab (pinned), or brings it forward and pins it when it is open. */
    void open(ConnectionRow row) {
        Tab existing = tabOf(row.id());
        if (existing != null) {
            pin(existing);
            tabs.getSelectionModel().select(existing);
            return;
        }
        openTab(row);
    }

    /**
     * Shows the connection in the preview tab, which the next preview replaces (a single click in the list),
     * as code editors do; opening it (double click, Enter), double-clicking its title or picking a view in
     * it pins it. A connection that has a tab already is brought forward.
     */
    void preview(ConnectionRow row) {
        Tab existing = tabOf(row.id());
        if (existing != null) {
            tabs.getSelectionModel().select(existing);
            return;
        }
        Tab previous = preview;
        Tab tab = openTab(row);
        if (previous != null) {
            close(previous);
        }
        preview = tab;
        ((Label) tab.getGraphic()).getStyleClass().add(PREVIEW);
    }

    /** The preview tab, or null. */
    Tab previewTab() {
        return preview;
    }

    private Tab openTab(ConnectionRow row) {
        StreamView view = new StreamView(row.info(), index, file, defaultMode, notifier, dialogs, pulse);
        views.put(row.id(), view);
        String where = row.clientText() + " \u2192 " + row.targetText();
        ConnectionTab content = new ConnectionTab(view.node(), file, row.info(), pulse, viewChoices,
                "#" + row.id() + " " + where);
        connectionTabs.put(view, content);
        Tab tab = new Tab(null, content);
        // the title is a label, so a double click on it can pin a preview
        Label title = new Label();
        title.textProperty().bind(content.title());
        title.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                pin(tab);
            }
        });
        tab.setGraphic(title);
        tab.setTooltip(new Tooltip("#" + row.id() + " " + where + "  (" + row.info().listenerName() + ")"));
        tab.setUserData(view);
        tab.setOnClosed(e -> release(view));
        tab.setContextMenu(new ContextMenu(menuItem("Close", () -> close(tab)),
                menuItem("Close others", () -> closeOthers(tab)), menuItem("Close all", this::closeAll)));
        content.onUserPick(() -> pin(tab));
        tabs.getTabs().add(tab);
        tabs.getSelectionModel().select(tab);
        view.pulse(false);
        showTls(row.id(), content);
        proxyHandshake(row.id());
        return tab;
    }

    private void pin(Tab tab) {
        if (tab == preview) {
            preview = null;
            ((Label) tab.getGraphic()).getStyleClass().remove(PREVIEW);
        }
    }

    private Tab tabOf(long connectionId) {
        StreamView view = views.get(connectionId);
        if (view == null) {
            return null;
        }
        return tabs.getTabs().stream().filter(t -> t.getUserData() == view).findFirst().orElse(null);
    }

    private void close(Tab tab) {
        if (tabs.getTabs().remove(tab)) {
            release((StreamView) tab.getUserData());
        }
    }

    /** Closes every tab but {@code keep}. */
    void closeOthers(Tab keep) {
        for (Tab t : List.copyOf(tabs.getTabs())) {
            if (t != keep) {
                close(t);
            }
        }
    }

    void closeAll() {
        for (Tab t : List.copyOf(tabs.getTabs())) {
            close(t);
        }
    }

    private static MenuItem menuItem(String text, Runnable action) {
        MenuItem item = new MenuItem(text);
        item.setOnAction(e -> action.run());
        return item;
    }

    /** A connection's TLS changed: its open tab offers (or updates) the TLS panel. */
    void tlsChanged(long connectionId) {
        ConnectionTab content = connectionTab(connectionId);
        if (content != null) {
            showTls(connectionId, content);
        }
    }

    /** A connection's proxy handshake became known: its open tab shows it as one line. */
    void proxyHandshake(long connectionId) {
        ConnectionTab content = connectionTab(connectionId);
        wirelens.engine.EngineEvent.ProxyHandshake h = index.proxyHandshake(connectionId);
        if (content != null && h != null) {
            content.showHandshake(h.summary());
        }
    }

    /** The TLS panel of a connection's open tab, or null (no tab, or no TLS). */
    TlsPanel tlsPanel(long connectionId) {
        return tlsPanels.get(connectionId);
    }

    private void showTls(long connectionId, ConnectionTab content) {
        List<wirelens.engine.EngineEvent.Tls> events = index.tls(connectionId);
        if (events.isEmpty()) {
            return;
        }
        TlsPanel panel = tlsPanels.get(connectionId);
        if (panel == null) {
            panel = new TlsPanel(connectionId);
            tlsPanels.put(connectionId, panel);
            content.offerTls(panel.node());
        }
        panel.show(events);
    }

    /** The stream view of a connection's open tab, or null. */
    StreamView view(long connectionId) {
        return views.get(connectionId);
    }

    /** The content of a connection's open tab (byte views, SMTP / HTTP view), or null. */
    ConnectionTab connectionTab(long connectionId) {
        StreamView view = views.get(connectionId);
        return view == null ? null : connectionTabs.get(view);
    }

    /** Shows the current stream in that mode; streams opened from now on start in it. */
    void setMode(StreamView.Mode mode) {
        defaultMode = mode;
        Tab t = tabs.getSelectionModel().getSelectedItem();
        if (t != null) {
            ((StreamView) t.getUserData()).setMode(mode);
        }
    }

    void closeSelected() {
        Tab t = tabs.getSelectionModel().getSelectedItem();
        if (t != null) {
            close(t);
        }
    }

    /** Closes the tabs of every connection not in {@code keep}. */
    void closeAllBut(Set<Long> keep) {
        for (Tab t : List.copyOf(tabs.getTabs())) {
            StreamView v = (StreamView) t.getUserData();
            if (!keep.contains(v.connectionId())) {
                close(t);
            }
        }
    }

    /** Closes every view (the window closes). */
    void dispose() {
        views.values().forEach(StreamView::close);
        views.clear();
        connectionTabs.values().forEach(ConnectionTab::close);
        connectionTabs.clear();
        tlsPanels.clear();
    }

    private void release(StreamView view) {
        if (preview != null && preview.getUserData() == view) {
            preview = null;
        }
        view.close();
        ConnectionTab content = connectionTabs.remove(view);
        if (content != null) {
            content.close();
        }
        views.remove(view.connectionId());
        tlsPanels.remove(view.connectionId());
    }
}
