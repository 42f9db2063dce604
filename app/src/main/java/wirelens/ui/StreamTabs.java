package wirelens.ui;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
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

    /** Opens the connection's tab, or brings it forward when it is open. */
    void open(ConnectionRow row) {
        StreamView existing = views.get(row.id());
        if (existing != null) {
            tabs.getTabs().stream().filter(t -> t.getUserData() == existing).findFirst()
                    .ifPresent(t -> tabs.getSelectionModel().select(t));
            return;
        }
        StreamView view = new StreamView(row.info(), index, file, defaultMode, notifier, dialogs, pulse);
        views.put(row.id(), view);
        ConnectionTab content = new ConnectionTab(view.node(), file, row.info(), pulse, viewChoices);
        connectionTabs.put(view, content);
        Tab tab = new Tab("#" + row.id() + "  " + row.clientText() + " \u2192 " + row.targetText(), content);
        tab.setUserData(view);
        tab.setOnClosed(e -> release(view));
        tabs.getTabs().add(tab);
        tabs.getSelectionModel().select(tab);
        view.pulse(false);
        showTls(row.id(), content);
    }

    /** A connection's TLS changed: its open tab offers (or updates) the TLS panel. */
    void tlsChanged(long connectionId) {
        ConnectionTab content = connectionTab(connectionId);
        if (content != null) {
            showTls(connectionId, content);
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
            tabs.getTabs().remove(t);
            release((StreamView) t.getUserData());
        }
    }

    /** Closes the tabs of every connection not in {@code keep}. */
    void closeAllBut(Set<Long> keep) {
        for (Tab t : List.copyOf(tabs.getTabs())) {
            StreamView v = (StreamView) t.getUserData();
            if (!keep.contains(v.connectionId())) {
                tabs.getTabs().remove(t);
                release(v);
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
        view.close();
        ConnectionTab content = connectionTabs.remove(view);
        if (content != null) {
            content.close();
        }
        views.remove(view.connectionId());
        tlsPanels.remove(view.connectionId());
    }
}
