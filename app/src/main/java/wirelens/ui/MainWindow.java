package wirelens.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.capture.CaptureUpdate;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.EngineEvent;
import wirelens.engine.ListenerConfig;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Pulse;
import wirelens.ui.base.Styles;
import wirelens.ui.base.Theme;
import wirelens.ui.connections.ConnectionRow;
import wirelens.ui.connections.ConnectionTable;
import wirelens.ui.messages.MessagesView;
import wirelens.ui.connections.ListLimit;
import wirelens.ui.flows.FlowsView;
import wirelens.ui.intercept.InterceptPane;
import wirelens.ui.intercept.InterceptStyles;
import wirelens.ui.intercept.ResendEditor;
import wirelens.ui.intercept.RulesPane;
import wirelens.ui.listeners.ListenerPane;
import wirelens.ui.listeners.ListenerSettings;
import wirelens.ui.protocol.ConnectionTab;
import wirelens.ui.protocol.ResendRequested;
import wirelens.ui.protocol.ExportActions;
import wirelens.ui.stream.StreamView;
import wirelens.ui.tls.TlsMenu;
import wirelens.ui.tls.TlsPanel;

/**
 * A Wirelens window: live (listeners, engine, recorder) or a viewer of a saved capture. Its one
 * {@link Pulse} drains the capture feed (at most once per pulse, 20 times a second) and lets each open
 * view and pane catch up.
 */
final class MainWindow {
    private static final Logger log = LoggerFactory.getLogger(MainWindow.class);

    static final double WIDTH = 1280;
    static final double HEIGHT = 800;
    private static final long STATUS_EVERY_NANOS = 250_000_000L;
    /**
     * The shortest time between two drains of the capture feed (20 a second). Each drain that changes
     * a row makes the next frame dirty, and a dirty pulse waits until the previous frame is painted: at
     * one drain per pulse a flood of traffic kept every pulse waiting for the software renderer.
     */
    private static final long DRAIN_EVERY_NANOS = 50_000_000L;
    /** The same while the window is behind (its pulses came late). */
    private static final long DRAIN_BEHIND_NANOS = 150_000_000L;
    /**
     * At a late pulse ({@link Pulse#LATE_NANOS}) the window's threads are short of a core: the engine
     * then gives way for this long (see {@link wirelens.engine.Engine#giveWay}). Measured
     * (LiveViewBench, 2 cores): without it pulses came up to 153 ms apart under a flood; giving way
     * from 40 ms late on, or for longer, cost more throughput than the view needed.
     */
    private static final long GIVE_WAY_NANOS = 100_000_000L;

    /** What the window shows: a live capture, or a capture file opened for viewing. */
    record Setup(LiveCapture live, CaptureFile viewed, ListenerSettings settings, List<ListenerConfig> commandLine,
            FileDialogs dialogs, Consumer<Path> openViewer) {}

    private final Stage stage;
    private final Setup setup;
    private final LiveCapture live;
    private final CaptureIndex index;
    private final CaptureFile file;
    private final Notifications notifications = new Notifications();
    private final ConnectionTable table;
    private final TrafficLists lists;
    private final ListenerPane listeners;
    private final ListenersSide side;
    /** Servers whose certificate the user was offered to trust (once per server). */
    private final Set<String> offeredTrust = new HashSet<>();
    private final StreamTabs streams;
    /** Live windows only: traffic, intercept, breakpoints and rules as top-level tabs. */
    private final Workspace workspace;
    /** Live windows only: the CA, export, install instructions, regenerate. */
    private final TlsMenu tlsMenu;
    private final CaptureSaving saving;
    /** Viewers only: which file, when recorded, nothing live. */
    private ViewerBanner banner;
    private final StatusBar status;
    private final RadioMenuItem textMode = new RadioMenuItem("Text");
    private final RadioMenuItem hexMode = new RadioMenuItem("Hex");
    private final Pulse pulse;
    private long lastStatusNanos;
    private long lastDrainNanos;
    private boolean disposed;

    MainWindow(Stage stage, Setup setup) {
        this.stage = stage;
        this.setup = setup;
        this.live = setup.live();
        this.index = live != null ? live.index() : setup.viewed().index();
        this.file = live != null ? live.file() : setup.viewed();
        this.pulse = new Pulse(live == null ? () -> {} : () -> live.engine.giveWay(GIVE_WAY_NANOS));
        pulse.add(this::pulse);
        this.streams = new StreamTabs(index, file, notifications, setup.dialogs(), pulse,
                mode -> (mode == StreamView.Mode.TEXT ? textMode : hexMode).setSelected(true));
        this.table = new ConnectionTable(index, file, notifications, this::openStream);
        table.setOnPreview(streams::preview);
        this.lists = new TrafficLists(table,
                new FlowsView(file, notifications, setup.dialogs(), this::openConnection),
                new MessagesView(file, notifications, this::openConnection));
        lists.resendFrom(file, notifications);
        if (live != null) {
            applyListLimit(ListLimit.load(windowFile()));
        }
        this.listeners = live == null ? null
                : new ListenerPane(live.engine, setup.settings(), notifications, this::updateHint);
        this.workspace = live == null ? null
                : new Workspace(live, pulse, setup.settings().file().resolveSibling("rules.json"));
        this.saving = new CaptureSaving(stage, live, file, setup.dialogs(), notifications);
        this.tlsMenu = live == null ? null : new TlsMenu(live.tls, stage, setup.dialogs(), notifications);
        if (live != null) {
            live.pluginWarnings = w -> Platform.runLater(() -> notifications.error(w));
        }

        SplitPane right = new SplitPane(lists.node(), streams.node());
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.42);
        lists.onChosen(roomy -> right.setDividerPositions(roomy ? 0.78 : 0.42));
        this.side = listeners == null ? null
                : new ListenersSide(listeners, right, windowFile(), notifications::error);
        javafx.scene.Node main = side == null ? right : side.node();

        Theme.install();
        BorderPane root = new BorderPane();
        if (live == null) {
            banner = new ViewerBanner(setup.viewed().path(), index.connections());
            root.setTop(new javafx.scene.layout.VBox(menus(), banner.node()));
        } else {
            root.setTop(menus());
        }
        root.setCenter(new StackPane(workspace == null ? main : workspace.node(main), notifications.node()));
        this.status = new StatusBar(table, file, live == null ? null : saving::status,
                live == null ? List.of() : List.of(side.button(), workspace.statusButton()));
        root.setBottom(status.node());
        root.addEventHandler(ResendRequested.OPEN, e -> openResendEditor(e.method(), e.url(), e.headers(), e.body()));

        Scene scene = new Scene(root, WIDTH, HEIGHT);
        scene.getStylesheets().add(Styles.STYLESHEET);
        scene.getStylesheets().add(InterceptStyles.STYLESHEET);
        stage.setScene(scene);
        stage.setTitle(live != null ? "Wirelens" : "Wirelens \u2014 " + setup.viewed().path().getFileName());
        stage.setOnHidden(e -> dispose());

        if (live != null) {
            if (live.problem != null) {
                notifications.error(live.problem);
            }
            if (live.tls.problem() != null) {
                notifications.error(live.tls.problem());
            }
            listeners.load(setup.commandLine());
        } else {
            Set<Long> all = new HashSet<>();
            List<ConnectionInfo> connections = index.connections();
            connections.forEach(c -> all.add(c.id()));
            table.apply(connections, all);
            table.setHint("This capture holds no connections.");
            lists.load(file, notifications);
            for (String s : setup.viewed().skipped()) {
                notifications.error(setup.viewed().path().getFileName() + ": " + s);
            }
        }
        updateStatus();
        pulse.start();
    }

    Stage stage() {
        return stage;
    }

    boolean isLive() {
        return live != null;
    }

    /** A viewer's banner offers to start listening (the app has no live window then). */
    void offerStartListeners(Runnable start) {
        banner.offerStart(start);
    }

    Notifications notifications() {
        return notifications;
    }

    CaptureIndex index() {
        return index;
    }

    ConnectionTable connections() {
        return table;
    }

    ListenerPane listenerPane() {
        return listeners;
    }

    /** The listeners' side panel of a live window (null in a viewer). */
    ListenersSide listenersSide() {
        return side;
    }

    StreamView view(long connectionId) {
        return streams.view(connectionId);
    }

    TabPane tabs() {
        return streams.tabs();
    }

    InterceptPane interceptPane() {
        return workspace.intercept();
    }

    RulesPane rulesPane() {
        return workspace.rules();
    }

    TabPane workspace() {
        return workspace.tabs();
    }

    TlsMenu tlsMenu() {
        return tlsMenu;
    }

    /** The TLS panel of a connection's open tab, or null. */
    TlsPanel tlsPanel(long connectionId) {
        return streams.tlsPanel(connectionId);
    }

    /**
     * Opens an edit-and-resend window on a request (method, absolute URL, headers, body as sent). Views ask
     * for it by firing {@link ResendRequested}.
     */
    void openResendEditor(String method, String url, List<wirelens.proto.http.Header> headers, byte[] body) {
        if (live == null) {
            notifications.error("Edit and resend needs a live window: this one shows a saved capture.");
            return;
        }
        ResendEditor.open(live.resender, stage, method, url, headers, body);
    }

    // ---- the pulse -------------------------------------------------------------------------

    /** The window's own share of the pulse; the views follow the same pulse after it. */
    private void pulse(long now, boolean behind) {
        if (live != null && now - lastDrainNanos >= (behind ? DRAIN_BEHIND_NANOS : DRAIN_EVERY_NANOS)) {
            lastDrainNanos = now;
            lists.drain(live.flows, live.mail);
            CaptureFeed.Batch batch = live.feed.drain();
            if (!batch.isEmpty()) {
                List<ConnectionInfo> failed = table.apply(batch.connections(), batch.targetConnected());
                letGoOldest();
                reportFailures(failed);
                for (CaptureUpdate u : batch.other()) {
                    report(u);
                }
            }
        }
        if (now - lastStatusNanos > STATUS_EVERY_NANOS) {
            lastStatusNanos = now;
            if (workspace != null) {
                workspace.showInterceptState();
            }
            updateStatus();
            table.tick();
        }
    }

    /** Past the list's limit the oldest finished connections leave the list and the index (not open tabs). */
    private void letGoOldest() {
        Set<Long> gone = new HashSet<>();
        for (long id : table.letGoOldest(id -> streams.connectionTab(id) != null)) {
            index.forget(id);
            gone.add(id);
        }
        lists.forget(gone);
    }

    /** View → Keep connections: applies and saves the choice. */
    private void setListLimit(int limit) {
        applyListLimit(limit);
        try {
            ListLimit.save(windowFile(), limit);
        } catch (IOException e) {
            notifications.error("Could not save the list limit to " + windowFile() + ": " + e.getMessage());
        }
        letGoOldest();
        updateStatus();
    }

    /**
     * The heap was sized at start for the limit saved then; a larger choice keeps what fits now, and all of
     * it from the next start.
     */
    private void applyListLimit(int limit) {
        // "all" in a JVM the launcher did not cap is the user's call on a heap of the JVM's default size
        boolean capped = Boolean.getBoolean("wirelens.heapCapped");
        int fits = limit == ListLimit.ALL && !capped ? limit : ListLimit.fitting(limit, Runtime.getRuntime().maxMemory());
        table.setLimit(fits);
        lists.setLimit(fits);
        if (live != null) {
            live.flows.setMaxPending(fits);
            live.mail.setMaxPending(fits);
        }
        if (fits < limit) {
            notifications.info("The list keeps " + ListLimit.label(fits) + " connections in this window's memory ("
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MiB); it keeps " + ListLimit.label(limit)
                    + " from the next start.");
        }
    }

    private Path windowFile() {
        return setup.settings().file().resolveSibling("window.properties");
    }

    private void reportFailures(List<ConnectionInfo> failed) {
        if (failed.size() == 1) {
            ConnectionInfo c = failed.get(0);
            notifications.error("Connection #" + c.id() + " to " + c.destination() + " failed: " + c.endReason());
        } else if (failed.size() > 1) {
            ConnectionInfo c = failed.get(failed.size() - 1);
            notifications.error(failed.size() + " connections failed; the last, #" + c.id() + ": " + c.endReason());
        }
    }

    private void report(CaptureUpdate u) {
        if (u instanceof CaptureUpdate.WriteFailed w) {
            notifications.error(w.message());
        } else if (u instanceof CaptureUpdate.DiskSpace d) {
            if (d.state() == CaptureUpdate.DiskSpaceState.PAUSED) {
                notifications.error(d.message());
            } else {
                notifications.info(d.message());
            }
        } else if (u instanceof CaptureUpdate.Tls t) {
            table.tlsChanged(t.event().connectionId());
            streams.tlsChanged(t.event().connectionId());
            if (!t.event().rejectedChain().isEmpty() && live != null && offeredTrust.add(t.event().server())) {
                TrustOffer.show(t.event(), index, live.tls, listeners, notifications);
            }
        } else if (u instanceof CaptureUpdate.ProxyHandshake h) {
            table.proxyHandshake(h.event().connectionId());
            streams.proxyHandshake(h.event().connectionId());
        } else if (u instanceof CaptureUpdate.Notice n) {
            String m = n.notice().message();
            notifications.infoOnce(m.contains("does not trust the Wirelens CA") ? m + " \u2014 TLS \u2192 How to install the CA" : m);
        } else if (u instanceof CaptureUpdate.ListenerChanged l && l.event() instanceof EngineEvent.ListenerStarted s
                && workspace != null) {
            workspace.listenerStarted(s.config().name());
        }
    }

    private void updateStatus() {
        status.update();
    }

    private void updateHint() {
        if (listeners != null) {
            table.setHint(listeners.hint());
        }
    }

    FlowsView flows() {
        return lists.flows();
    }

    void showFlows() {
        lists.showFlows();
    }

    // ---- connection tabs ----------------------------------------------------------------

    void openStream(ConnectionRow row) {
        streams.open(row);
    }

    /** Opens a connection's tab by its number, if the list still has it (the Messages list's double-click). */
    private void openConnection(long id) {
        ConnectionRow row = table.row(id);
        if (row != null) {
            streams.open(row);
        } else {
            notifications.info("Connection #" + id + " is no longer in the list; reopen the capture to see it.");
        }
    }

    TrafficLists lists() {
        return lists;
    }

    /** The content of a connection's open tab (its byte views and SMTP / HTTP view), or null. */
    ConnectionTab connectionTab(long connectionId) {
        return streams.connectionTab(connectionId);
    }

    // ---- menus -----------------------------------------------------------------------------

    private MenuBar menus() {
        MenuItem open = item("Open capture\u2026", "Shortcut+O", this::chooseAndOpen);
        MenuItem saveAs = item("Save capture as\u2026", "Shortcut+S", saving::chooseAndSave);
        MenuItem clear = item("Clear finished connections\u2026", "Shortcut+L", this::confirmAndClear);
        MenuItem closeTab = item("Close tab", "Shortcut+W", streams::closeSelected);
        MenuItem quit = item("Quit", "Shortcut+Q", saving::quit);
        Menu export = ExportActions.menu(() -> file, () -> stage, notifications::info,
                w -> setup.dialogs().save(w, "Export HTTP exchanges as HAR", "wirelens.har").orElse(null),
                w -> setup.dialogs().folder(w, "Export SMTP messages (.eml) into folder").orElse(null));
        Menu fileMenu = new Menu("File", null, open, saveAs, export, new SeparatorMenuItem(), clear, closeTab,
                new SeparatorMenuItem(), quit);
        fileMenu.setId("menu-file");

        ToggleGroup modes = new ToggleGroup();
        textMode.setToggleGroup(modes);
        hexMode.setToggleGroup(modes);
        textMode.setSelected(true);
        textMode.setAccelerator(KeyCombination.keyCombination("Shortcut+1"));
        hexMode.setAccelerator(KeyCombination.keyCombination("Shortcut+2"));
        textMode.setOnAction(e -> streams.setMode(StreamView.Mode.TEXT));
        hexMode.setOnAction(e -> streams.setMode(StreamView.Mode.HEX));
        Menu view = new Menu("View", null, textMode, hexMode, new SeparatorMenuItem(),
                Theme.menu(notifications::error));
        if (live != null) {
            view.getItems().addAll(new SeparatorMenuItem(), side.menuItem(),
                    ListLimit.menu(table.limit(), this::setListLimit));
        }
        MenuItem keys = item("Keyboard shortcuts", "F1", () -> HelpDialogs.shortcuts(stage));
        MenuItem about = item("About Wirelens", null, () -> HelpDialogs.about(stage));
        Menu help = new Menu("Help", null, keys, about);
        return workspace == null ? new MenuBar(fileMenu, view, help)
                : new MenuBar(fileMenu, view, workspace.menu(), tlsMenu.menu(), help);
    }

    static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem m = new MenuItem(text);
        if (accelerator != null) {
            m.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        m.setOnAction(e -> action.run());
        return m;
    }

    private void chooseAndOpen() {
        setup.dialogs().open(stage, "Open capture").ifPresent(setup.openViewer());
    }

    /** File → Quit: asks first when unsaved traffic would be lost with the temporary capture. */
    void quit() {
        saving.quit();
    }

    /** Copies the capture (everything recorded so far) to {@code target} on a background thread. */
    void saveCapture(Path target) {
        saving.save(target, () -> {});
    }

    /** File → Clear: asks first, saying what goes and what the capture file keeps. */
    private void confirmAndClear() {
        long finished = index.connections().stream().filter(c -> !c.isOpen()).count();
        Alert ask = new Alert(Alert.AlertType.CONFIRMATION, clearQuestion(finished, live != null),
                new javafx.scene.control.ButtonType("Clear", javafx.scene.control.ButtonBar.ButtonData.OK_DONE),
                javafx.scene.control.ButtonType.CANCEL);
        ask.initOwner(stage);
        ask.setTitle("Clear");
        ask.setHeaderText("Clear " + finished + (finished == 1 ? " finished connection?" : " finished connections?"));
        ask.getDialogPane().getStylesheets().add(Styles.STYLESHEET);
        ask.getDialogPane().setId("clear-dialog");
        ask.showAndWait().filter(b -> b.getButtonData() == javafx.scene.control.ButtonBar.ButtonData.OK_DONE)
                .ifPresent(b -> clear());
    }

    static String clearQuestion(long finished, boolean live) {
        return "Finished connections leave the list, their tabs close and the window lets go of what it held "
                + "for them. Open connections stay and keep updating."
                + (live ? "\n\nThe capture file is written as traffic flows and keeps everything: "
                        + "\"Save capture as\" still saves all traffic since the start, cleared connections included."
                        : "\n\nThe capture file itself is not changed.");
    }

    /**
     * Removes finished connections: their rows, their tabs (with the bytes those cached) and their
     * entries in the capture index. Open ones stay and keep updating. The capture file is append-only and
     * keeps every record, so "Save capture as" still writes all traffic since the start.
     */
    void clear() {
        List<ConnectionInfo> known = index.connections();
        List<ConnectionInfo> open = new java.util.ArrayList<>();
        for (ConnectionInfo c : known) {
            if (c.isOpen()) {
                open.add(c);
            }
        }
        Set<Long> keep = new HashSet<>();
        open.forEach(c -> keep.add(c.id()));
        streams.closeAllBut(keep);
        table.clear(open);
        Set<Long> gone = new HashSet<>();
        for (ConnectionInfo c : known) { // connections that came after the snapshot stay
            if (!keep.contains(c.id())) {
                index.forget(c.id());
                gone.add(c.id());
            }
        }
        lists.forget(gone);
        updateStatus();
    }

    /** Stops the pulse, closes views and the capture (a live one: engine, recorder, temp file). */
    void dispose() {
        if (disposed) {
            return;
        }
        disposed = true;
        pulse.stop();
        if (workspace != null) {
            workspace.dispose();
        }
        streams.dispose();
        try {
            if (live != null) {
                live.close();
            } else {
                file.close();
            }
        } catch (IOException e) {
            log.warn("closing the capture: {}", e.getMessage());
        }
    }
}
