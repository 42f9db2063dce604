package wirelens.ui.listeners;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import javafx.application.Platform;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import wirelens.engine.Engine;
import wirelens.engine.Hosts;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerException;
import wirelens.engine.ListenerKind;
import wirelens.engine.ListenerTls;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Styles;

/**
 * The listeners: a list (name, status, listen address → target; {@link ListenerCell}) and buttons to add and edit them (in a
 * dialog, {@link ListenerForm}), remove, start and stop them. Every change is saved to
 * {@link ListenerSettings} at once. The window may hide the pane; its own button asks it to.
 */
public final class ListenerPane {
    /** The first-start template: filled in by the user, not started. */
    public static final ListenerConfig TEMPLATE =
            new ListenerConfig("my service", ListenerKind.FORWARD, "127.0.0.1", 8025, "localhost", 25);
    /** The first-start proxy, started at once, so a browser or curl can use Wirelens right away. */
    public static final ListenerConfig DEFAULT_PROXY = new ListenerConfig("http proxy", ListenerKind.HTTP, "127.0.0.1", 8080, null, 0);

    /** One listener as the window shows it. */
    public static final class Row {
        ListenerConfig config;
        /** The user wants it running (saved, so it starts again next time). */
        boolean wanted;
        int engineId = -1;
        java.net.InetSocketAddress bound;
        final StringProperty status = new SimpleStringProperty("stopped");

        Row(ListenerConfig config, boolean wanted) {
            this.config = config;
            this.wanted = wanted;
        }

        public boolean running() {
            return engineId >= 0;
        }

        public ListenerConfig config() {
            return config;
        }

        /** Where it listens while running, else null. */
        public java.net.InetSocketAddress bound() {
            return bound;
        }

        /** "stopped", "starting…", "listening on …", "failed: …". */
        public String status() {
            return status.get();
        }
    }

    private final Engine engine;
    private final ListenerSettings settings;
    private final Notifier notifier;
    private final Runnable onChange;
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final ListView<Row> table = new ListView<>(rows);
    private final VBox root = new VBox();
    private boolean saveBlocked;
    /** The add or edit dialog while it is open, else null. */
    private Dialog<ButtonType> dialog;
    private Runnable onHide = () -> {};

    public ListenerPane(Engine engine, ListenerSettings settings, Notifier notifier, Runnable onChange) {
        this.engine = engine;
        this.settings = settings;
        this.notifier = notifier;
        this.onChange = onChange;
        build();
    }

    public Node node() {
        return root;
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** Loads the saved listeners, adds the command line's, starts those that should run. */
    public void load(List<ListenerConfig> fromCommandLine) {
        ListenerSettings.Loaded loaded = settings.load();
        if (loaded.problem() != null) {
            notifier.error(loaded.problem());
            saveBlocked = loaded.existed() && loaded.listeners().isEmpty();
        }
        for (ListenerSettings.Saved s : loaded.listeners()) {
            rows.add(new Row(s.config(), s.running()));
        }
        boolean added = false;
        for (ListenerConfig c : fromCommandLine) {
            Row known = rows.stream().filter(r -> sameSockets(r.config, c)).findFirst().orElse(null);
            if (known == null) {
                rows.add(new Row(c, true));
                added = true;
            } else {
                known.wanted = true;
                if (!c.tls().equals(ListenerTls.DEFAULT)) {
                    // --no-tls-intercept and --tls-passthrough are for this run's listeners, saved ones too
                    known.config = known.config.withTls(c.tls());
                    added = true;
                }
                if (c.socksAuth() != null && !c.socksAuth().equals(known.config.socksAuth())) {
                    known.config = known.config.withSocksAuth(c.socksAuth()); // --socks-auth: never run open by mistake
                    added = true;
                }
            }
        }
        if (!loaded.existed() && fromCommandLine.isEmpty()) {
            rows.add(new Row(TEMPLATE, false)); // first and selected: Edit… opens on it
            rows.add(new Row(DEFAULT_PROXY, true));
        }
        for (Row r : rows) {
            if (r.wanted) {
                start(r);
            }
        }
        if (!rows.isEmpty()) {
            table.getSelectionModel().select(0);
        }
        if (added || !loaded.existed()) {
            save();
        }
        onChange.run();
    }

    private static boolean sameSockets(ListenerConfig a, ListenerConfig b) {
        return a.kind() == b.kind() && a.bindHost().equals(b.bindHost()) && a.bindPort() == b.bindPort()
                && java.util.Objects.equals(a.targetHost(), b.targetHost()) && a.targetPort() == b.targetPort();
    }

    /** A line telling the user how to point a client at a running listener, for the empty table. */
    public String hint() {
        // the listener started last is the one the user is most likely about to use
        for (int i = rows.size() - 1; i >= 0; i--) {
            Row r = rows.get(i);
            if (r.running() && r.bound != null && r.config.kind() == ListenerKind.SOCKS5) {
                return "No connections yet. Set your client's SOCKS5 proxy to " + Hosts.format(r.bound)
                        + " (e.g. curl --socks5-hostname " + Hosts.format(r.bound) + " https://example.com/); every"
                        + " connection shows up here with its real target.";
            }
            if (r.running() && r.bound != null && r.config.kind() == ListenerKind.HTTP) {
                return "No connections yet. Set your client's HTTP proxy to " + Hosts.format(r.bound)
                        + " (e.g. curl -x http://" + Hosts.format(r.bound) + " http://example.com/); every byte shows up here.";
            }
            if (r.running() && r.bound != null) {
                return "No connections yet. Point a client at " + Hosts.format(r.bound) + " (listener \u201c"
                        + r.config.name() + "\u201d) and it is forwarded to " + r.config.targetText()
                        + "; every byte shows up here.";
            }
        }
        return "No listener is running. Add one under Listeners (Add\u2026: a local port and the target "
                + "host:port), then point your client at that local port.";
    }

    // ---- actions --------------------------------------------------------------------------

    void start(Row row) {
        if (row.running()) {
            return;
        }
        row.wanted = true;
        row.status.set("starting\u2026");
        ListenerConfig config = row.config;
        engine.addListener(config).whenComplete((bound, error) -> Platform.runLater(() -> {
            if (row.config != config) {
                if (bound != null) {
                    engine.removeListener(bound.listenerId()); // edited meanwhile; started again by the edit
                }
                return;
            }
            if (error == null) {
                row.engineId = bound.listenerId();
                row.bound = bound.address();
                row.status.set("listening");
                if (!Hosts.isLoopbackOnly(bound.address()) && config.kind() == ListenerKind.SOCKS5
                        && config.socksAuth() == null) {
                    notifier.error("Listener \u201c" + config.name() + "\u201d on " + Hosts.format(bound.address())
                            + " is an open SOCKS5 proxy reachable from other machines: it relays anything, to anywhere,"
                            + " for anyone who can reach it. Give it a user and password, or listen on 127.0.0.1.");
                } else if (!Hosts.isLoopbackOnly(bound.address())) {
                    notifier.error("Listener \u201c" + config.name() + "\u201d on " + Hosts.format(bound.address())
                            + " is reachable from other machines: anyone who can reach it can use it.");
                }
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                String message = cause instanceof ListenerException ? cause.getMessage() : String.valueOf(cause);
                row.status.set("failed: " + message);
                row.wanted = false;
                notifier.error("Listener \u201c" + config.name() + "\u201d: " + message);
                save();
            }
            table.refresh();
            onChange.run();
        }));
        save();
    }

    void stop(Row row) {
        row.wanted = false;
        if (row.running()) {
            engine.removeListener(row.engineId);
        }
        row.engineId = -1;
        row.bound = null;
        row.status.set("stopped");
        save();
        table.refresh();
        onChange.run();
    }

    /** Add… (no row) or Edit… in a dialog, which stays open until its fields make a listener that can be saved. */
    private void openDialog(Row editing) {
        if (dialog != null) {
            dialog.close();
        }
        ListenerForm form = new ListenerForm();
        if (editing != null) {
            form.fill(editing.config);
        }
        Dialog<ButtonType> d = new Dialog<>();
        if (root.getScene() != null) {
            d.initOwner(root.getScene().getWindow());
        }
        d.setTitle(editing == null ? "Add a listener" : "Edit the listener \u201c" + editing.config.name() + "\u201d");
        ButtonType save = new ButtonType(editing == null ? "Add and start" : "Apply", ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().addAll(save, ButtonType.CANCEL);
        d.getDialogPane().setContent(form.node());
        d.getDialogPane().setId("listener-dialog");
        d.getDialogPane().getStylesheets().add(Styles.STYLESHEET);
        Node ok = d.getDialogPane().lookupButton(save);
        ok.setId("listener-save");
        ok.addEventFilter(javafx.event.ActionEvent.ACTION, e -> {
            ListenerConfig config = form.read();
            if (config == null || clashes(config, editing, form)) {
                e.consume(); // the dialog stays open and says why
            } else if (editing == null) {
                add(config);
            } else {
                apply(editing, config);
            }
        });
        d.setOnHidden(e -> {
            if (dialog == d) {
                dialog = null;
            }
        });
        dialog = d;
        d.show();
    }

    /** The add or edit dialog while it is open (tests fill it in as a user would), else null. */
    public DialogPane dialog() {
        return dialog == null ? null : dialog.getDialogPane();
    }

    /** Called when the user hides the pane with its own button. */
    public void setOnHide(Runnable action) {
        onHide = action;
    }

    private void add(ListenerConfig config) {
        Row row = new Row(config, true);
        rows.add(row);
        table.getSelectionModel().select(row);
        start(row);
    }

    private void apply(Row row, ListenerConfig config) {
        // a listener that failed to start is being fixed (another port, say): it starts with the fix
        boolean restart = row.running() || row.wanted || row.status.get().startsWith("failed");
        if (row.running()) {
            engine.removeListener(row.engineId);
            row.engineId = -1;
            row.bound = null;
        }
        row.config = config;
        row.status.set("stopped");
        if (restart) {
            start(row);
        } else {
            save();
        }
        table.refresh();
        onChange.run();
    }

    /**
     * Says so in the form, and returns true, when another listener of this window has {@code config}'s
     * port on an address that overlaps: starting it would only fail after being saved.
     */
    private boolean clashes(ListenerConfig config, Row except, ListenerForm form) {
        if (config.bindPort() == 0) {
            return false;
        }
        for (Row r : rows) {
            int port = r.bound != null ? r.bound.getPort() : r.config.bindPort();
            if (r != except && port == config.bindPort() && overlaps(r.config.bindHost(), config.bindHost())) {
                form.error("Port " + port + " is already used by the listener \u201c" + r.config.name()
                        + "\u201d. Pick another port (0 picks a free one).");
                return true;
            }
        }
        return false;
    }

    private static boolean overlaps(String a, String b) {
        return a.equals(b) || isWildcard(a) || isWildcard(b);
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty() || host.equals("*");
    }

    /**
     * Adds {@code hostPort} (exactly) to the passthrough list of the running listener {@code listenerId}
     * and starts it again with it; false when no such listener runs.
     */
    public boolean passThrough(int listenerId, String hostPort) {
        Row row = rows.stream().filter(r -> r.engineId == listenerId).findFirst().orElse(null);
        if (row == null) {
            return false;
        }
        List<String> expressions = new ArrayList<>(row.config.tls().expressions());
        expressions.add("^" + java.util.regex.Pattern.quote(hostPort) + "$");
        ListenerConfig config = row.config.withTls(ListenerTls.of(true, expressions));
        engine.removeListener(row.engineId);
        row.engineId = -1;
        row.bound = null;
        row.config = config;
        row.status.set("stopped");
        start(row);
        table.refresh();
        onChange.run();
        return true;
    }

    private void removeSelected() {
        Row row = table.getSelectionModel().getSelectedItem();
        if (row == null) {
            return;
        }
        if (row.running()) {
            engine.removeListener(row.engineId);
        }
        rows.remove(row);
        save();
        onChange.run();
    }

    private void save() {
        if (saveBlocked) {
            return; // the file could not be read: do not overwrite what the user may want to repair
        }
        List<ListenerSettings.Saved> list = new ArrayList<>();
        for (Row r : rows) {
            list.add(ListenerSettings.Saved.of(r.config, r.wanted));
        }
        try {
            settings.save(list);
        } catch (IOException e) {
            notifier.error("Cannot save the listeners to " + settings.file() + ": " + e.getMessage());
        }
    }

    // ---- layout -----------------------------------------------------------------------------

    private void build() {
        root.getStyleClass().add(Styles.LISTENER_PANE);
        root.setId("listener-pane");
        Label title = new Label("Listeners");
        title.getStyleClass().add(Styles.PANE_TITLE);
        Button hide = button("\u00ab", "listeners-hide", () -> onHide.run());
        hide.setTooltip(new Tooltip("Hide the listeners (View \u2192 Listeners, Shortcut+Shift+L shows them again)"));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox top = new HBox(6, title, gap, hide);
        top.setAlignment(javafx.geometry.Pos.CENTER_LEFT);

        table.setId("listeners");
        table.setPlaceholder(new Label("No listeners. Press Add\u2026 to make one."));
        table.setCellFactory(v -> {
            ListenerCell cell = new ListenerCell();
            cell.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !cell.isEmpty()) {
                    openDialog(cell.getItem());
                }
            });
            return cell;
        });
        table.setPrefHeight(180);
        VBox.setVgrow(table, Priority.ALWAYS);

        Button add = button("Add\u2026", "listener-add", () -> openDialog(null));
        Button edit = button("Edit\u2026", "listener-edit", () -> {
            Row r = table.getSelectionModel().getSelectedItem();
            if (r != null) {
                openDialog(r);
            }
        });
        Button remove = button("Remove", "listener-remove", this::removeSelected);
        Button start = button("Start", "listener-start", () -> {
            Row r = table.getSelectionModel().getSelectedItem();
            if (r != null) {
                start(r);
            }
        });
        Button stop = button("Stop", "listener-stop", () -> {
            Row r = table.getSelectionModel().getSelectedItem();
            if (r != null) {
                stop(r);
            }
        });
        var selected = table.getSelectionModel().selectedItemProperty();
        for (Button b : List.of(edit, remove, start, stop)) {
            b.disableProperty().bind(selected.isNull());
        }
        FlowPane buttons = new FlowPane(6, 6, add, edit, remove, start, stop);
        root.getChildren().addAll(top, table, buttons);
    }

    private static Button button(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }
}
