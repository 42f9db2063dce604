package wirelens.ui.listeners;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import wirelens.engine.Engine;
import wirelens.engine.Hosts;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerException;
import wirelens.engine.ListenerKind;
import wirelens.engine.ListenerTls;
import wirelens.engine.SocksCredentials;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Styles;

/**
 * The listeners: a table (name, listen address, target, status) and a form to add, edit, remove, start
 * and stop them. Every change is saved to {@link ListenerSettings} at once.
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
    private final TableView<Row> table = new TableView<>(rows);
    private final javafx.scene.control.ChoiceBox<ListenerKind> kind = new javafx.scene.control.ChoiceBox<>(
            FXCollections.observableArrayList(ListenerKind.FORWARD, ListenerKind.HTTP, ListenerKind.SOCKS5));
    private final TextField name = field("name", "a name");
    private final TextField bindHost = field("bind-host", "127.0.0.1");
    private final TextField bindPort = field("bind-port", "port (0 = any free)");
    private final TextField targetHost = field("target-host", "host");
    private final TextField targetPort = field("target-port", "port");
    private final TextField socksUser = field("socks-user", "none: no login");
    private final javafx.scene.control.PasswordField socksPassword = new javafx.scene.control.PasswordField();
    private final CheckBox tlsIntercept = new CheckBox("Decrypt TLS");
    private final TextArea tlsPassthrough = new TextArea();
    private final Label formError = new Label();
    private final VBox root = new VBox();
    private boolean saveBlocked;

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
            rows.add(new Row(TEMPLATE, false)); // first, so the form opens on it
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
        return "No listener is running. Fill in a listener on the left (a local port and the target "
                + "host:port) and press Start, then point your client at that local port.";
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

    private void addFromForm() {
        ListenerConfig config = readForm();
        if (config == null || clashes(config, null)) {
            return;
        }
        Row row = new Row(config, true);
        rows.add(row);
        table.getSelectionModel().select(row);
        start(row);
    }

    private void applyForm() {
        Row row = table.getSelectionModel().getSelectedItem();
        if (row == null) {
            formError.setText("Select a listener to change, or press Add for a new one.");
            return;
        }
        ListenerConfig config = readForm();
        if (config == null || clashes(config, row)) {
            return;
        }
        boolean restart = row.running() || row.wanted;
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
    private boolean clashes(ListenerConfig config, Row except) {
        if (config.bindPort() == 0) {
            return false;
        }
        for (Row r : rows) {
            int port = r.bound != null ? r.bound.getPort() : r.config.bindPort();
            if (r != except && port == config.bindPort() && overlaps(r.config.bindHost(), config.bindHost())) {
                formError.setText("Port " + port + " is already used by the listener \u201c" + r.config.name()
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
        if (table.getSelectionModel().getSelectedItem() == row) {
            fillForm(row);
        }
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

    /** The form as a listener, or null with the reason shown under the form. */
    ListenerConfig readForm() {
        formError.setText("");
        String n = name.getText().trim();
        String bh = bindHost.getText().trim().isEmpty() ? "127.0.0.1" : bindHost.getText().trim();
        String th = targetHost.getText().trim();
        Integer bp = port(bindPort.getText(), "Listen port", true);
        if (bp == null) {
            return null;
        }
        if (bh.startsWith("[") && bh.endsWith("]")) {
            bh = bh.substring(1, bh.length() - 1);
        }
        ListenerTls tls;
        try {
            tls = ListenerTls.of(tlsIntercept.isSelected(), tlsPassthrough.getText().lines().map(String::trim)
                    .filter(l -> !l.isEmpty()).toList());
        } catch (IllegalArgumentException e) {
            formError.setText(e.getMessage() + ".");
            return null;
        }
        if (kind.getValue() == ListenerKind.SOCKS5) {
            SocksCredentials auth = socksLogin();
            if (auth == null && !formError.getText().isEmpty()) {
                return null;
            }
            return new ListenerConfig(n.isEmpty() ? ListenerConfig.socks(bh, bp, null).name() : n, ListenerKind.SOCKS5,
                    bh, bp, null, 0, tls, auth);
        }
        if (kind.getValue() == ListenerKind.HTTP) {
            return new ListenerConfig(n.isEmpty() ? ListenerConfig.http(bh, bp).name() : n, ListenerKind.HTTP, bh, bp,
                    null, 0, tls);
        }
        if (th.isEmpty()) {
            formError.setText("Target host is missing (e.g. localhost or 192.0.2.10).");
            return null;
        }
        Integer tp = port(targetPort.getText(), "Target port", false);
        if (tp == null) {
            return null;
        }
        if (th.startsWith("[") && th.endsWith("]")) {
            th = th.substring(1, th.length() - 1);
        }
        if (n.isEmpty()) {
            n = ListenerConfig.forward(bh, bp, th, tp).name();
        }
        return new ListenerConfig(n, ListenerKind.FORWARD, bh, bp, th, tp, tls);
    }

    /** The SOCKS5 login of the form, or null: none asked for, or a problem (then shown under the form). */
    private SocksCredentials socksLogin() {
        String user = socksUser.getText();
        String password = socksPassword.getText();
        if (user.isEmpty() && password.isEmpty()) {
            return null;
        }
        if (user.isEmpty() || password.isEmpty()) {
            formError.setText("A SOCKS5 login needs both a user and a password (or neither, for no login).");
            return null;
        }
        try {
            return new SocksCredentials(user, password);
        } catch (IllegalArgumentException e) {
            formError.setText(e.getMessage() + ".");
            return null;
        }
    }

    private Integer port(String text, String what, boolean zeroAllowed) {
        String t = text.trim();
        try {
            int p = Integer.parseInt(t);
            if (p >= (zeroAllowed ? 0 : 1) && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        formError.setText(what + " must be a number from " + (zeroAllowed ? 0 : 1) + " to 65535"
                + (t.isEmpty() ? "." : ", not \u201c" + t + "\u201d."));
        return null;
    }

    private void fillForm(Row row) {
        formError.setText("");
        if (row == null) {
            return;
        }
        ListenerConfig c = row.config;
        kind.setValue(c.kind());
        name.setText(c.name());
        bindHost.setText(c.bindHost());
        bindPort.setText(Integer.toString(c.bindPort()));
        targetHost.setText(c.targetHost() == null ? "" : c.targetHost());
        targetPort.setText(c.targetPort() == 0 ? "" : Integer.toString(c.targetPort()));
        tlsIntercept.setSelected(c.tls().intercept());
        tlsPassthrough.setText(String.join("\n", c.tls().expressions()));
        socksUser.setText(c.socksAuth() == null ? "" : c.socksAuth().user());
        socksPassword.setText(c.socksAuth() == null ? "" : c.socksAuth().password());
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

        table.setId("listeners");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("No listeners. Fill in the form below and press Add."));
        table.getColumns().add(column("Name", r -> r.config.name(), 90));
        // a running listener shows the port it really got (the user may have asked for port 0)
        table.getColumns().add(column("Listen", r -> r.bound != null ? Hosts.format(r.bound)
                : Hosts.format(r.config.bindHost(), r.config.bindPort()), 105));
        table.getColumns().add(column("Target", r -> r.config.targetText(), 105));
        TableColumn<Row, String> status = new TableColumn<>("Status");
        status.setCellValueFactory(c -> c.getValue().status);
        status.setCellFactory(c -> new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                setText(empty ? null : text);
                setTooltip(empty || text == null ? null : new javafx.scene.control.Tooltip(text));
            }
        });
        status.setPrefWidth(70);
        table.getColumns().add(status);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> fillForm(now));
        table.setPrefHeight(180);
        VBox.setVgrow(table, Priority.ALWAYS);

        GridPane form = new GridPane();
        form.setHgap(6);
        form.setVgap(4);
        form.setPadding(new Insets(4, 0, 0, 0));
        ColumnConstraints labels = new ColumnConstraints();
        // labels keep their width: the fields give way, and a long prompt never cuts "Target port" to "…"
        labels.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        form.getColumnConstraints().addAll(labels, fields);
        kind.setId("listener-kind");
        kind.setValue(ListenerKind.FORWARD);
        kind.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(ListenerKind k) {
                return switch (k) {
                    case HTTP -> "HTTP proxy";
                    case SOCKS5 -> "SOCKS5 proxy";
                    case FORWARD -> "Forward to a target";
                };
            }

            @Override
            public ListenerKind fromString(String text) {
                return "HTTP proxy".equals(text) ? ListenerKind.HTTP
                        : "SOCKS5 proxy".equals(text) ? ListenerKind.SOCKS5 : ListenerKind.FORWARD;
            }
        });
        // a proxy finds its targets in what its clients ask for; only SOCKS5 asks for a login
        targetHost.disableProperty().bind(kind.valueProperty().isNotEqualTo(ListenerKind.FORWARD));
        targetPort.disableProperty().bind(kind.valueProperty().isNotEqualTo(ListenerKind.FORWARD));
        socksUser.disableProperty().bind(kind.valueProperty().isNotEqualTo(ListenerKind.SOCKS5));
        socksPassword.disableProperty().bind(kind.valueProperty().isNotEqualTo(ListenerKind.SOCKS5));
        socksPassword.setId("socks-password");
        socksPassword.setPromptText("none: no login");
        form.addRow(0, new Label("Kind"), kind);
        form.addRow(1, new Label("Name"), name);
        form.addRow(2, new Label("Listen on"), bindHost);
        form.addRow(3, new Label("Port"), bindPort);
        form.addRow(4, new Label("Target host"), targetHost);
        form.addRow(5, new Label("Target port"), targetPort);
        tlsIntercept.setId("listener-tls-intercept");
        tlsIntercept.setSelected(true);
        tlsPassthrough.setId("listener-tls-passthrough");
        tlsPassthrough.setPromptText("host:port to relay untouched,\none regex a line: bank\\.example");
        tlsPassthrough.setTooltip(new javafx.scene.control.Tooltip("Hosts whose TLS is relayed untouched: one regular"
                + " expression a line, matched against host:port (the SNI, else the target), e.g. bank\\.example"));
        tlsPassthrough.setPrefRowCount(2);
        tlsPassthrough.setPrefColumnCount(12);
        tlsPassthrough.setWrapText(false);
        tlsPassthrough.disableProperty().bind(tlsIntercept.selectedProperty().not());
        form.addRow(6, new Label("SOCKS user"), socksUser);
        form.addRow(7, new Label("SOCKS password"), socksPassword);
        form.addRow(8, new Label("TLS"), tlsIntercept);
        form.addRow(9, new Label("Pass through"), tlsPassthrough);

        Button add = button("Add", "listener-add", this::addFromForm);
        Button apply = button("Apply", "listener-apply", this::applyForm);
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
        FlowPane buttons = new FlowPane(6, 6, add, apply, remove, start, stop);
        formError.getStyleClass().add(Styles.FORM_ERROR);
        formError.setId("listener-form-error");
        formError.setMaxWidth(Double.MAX_VALUE);
        root.getChildren().addAll(title, table, form, buttons, formError);
    }

    private static TableColumn<Row, String> column(String title, java.util.function.Function<Row, String> value,
            double width) {
        TableColumn<Row, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private static TextField field(String id, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        return f;
    }

    private static Button button(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }
}
