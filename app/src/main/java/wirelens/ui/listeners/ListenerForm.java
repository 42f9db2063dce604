package wirelens.ui.listeners;

import javafx.collections.FXCollections;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerKind;
import wirelens.engine.ListenerTls;
import wirelens.engine.SocksCredentials;
import wirelens.ui.base.Styles;

/**
 * The fields of one listener (kind, name, listen address, target, SOCKS5 login, TLS) and what is wrong with them,
 * said under the fields. The pane shows it in a dialog to add or edit a listener.
 */
final class ListenerForm {
    private final ChoiceBox<ListenerKind> kind = new ChoiceBox<>(
            FXCollections.observableArrayList(ListenerKind.FORWARD, ListenerKind.HTTP, ListenerKind.SOCKS5));
    private final TextField name = field("name", "a name");
    private final TextField bindHost = field("bind-host", "127.0.0.1");
    private final TextField bindPort = field("bind-port", "port (0 = any free)");
    private final TextField targetHost = field("target-host", "host");
    private final TextField targetPort = field("target-port", "port");
    private final TextField socksUser = field("socks-user", "none: no login");
    private final PasswordField socksPassword = new PasswordField();
    private final CheckBox tlsIntercept = new CheckBox("Decrypt TLS");
    private final TextArea tlsPassthrough = new TextArea();
    private final Label error = new Label();
    private final VBox root = new VBox(8);

    /** Empty fields but for what a new listener usually has: a forward listener on a free local port. */
    ListenerForm() {
        build();
        bindHost.setText("127.0.0.1");
        bindPort.setText("0");
        targetHost.setText("localhost");
    }

    Node node() {
        return root;
    }

    /** Says what is wrong (under the fields); empty clears it. */
    void error(String text) {
        error.setText(text);
    }

    /** Shows {@code c}'s settings in the fields. */
    void fill(ListenerConfig c) {
        error.setText("");
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

    /** The fields as a listener, or null with the reason shown under them. */
    ListenerConfig read() {
        error.setText("");
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
            error.setText(e.getMessage() + ".");
            return null;
        }
        if (kind.getValue() == ListenerKind.SOCKS5) {
            SocksCredentials auth = socksLogin();
            if (auth == null && !error.getText().isEmpty()) {
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
            error.setText("Target host is missing (e.g. localhost or 192.0.2.10).");
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

    /** The SOCKS5 login of the fields, or null: none asked for, or a problem (then said under them). */
    private SocksCredentials socksLogin() {
        String user = socksUser.getText();
        String password = socksPassword.getText();
        if (user.isEmpty() && password.isEmpty()) {
            return null;
        }
        if (user.isEmpty() || password.isEmpty()) {
            error.setText("A SOCKS5 login needs both a user and a password (or neither, for no login).");
            return null;
        }
        try {
            return new SocksCredentials(user, password);
        } catch (IllegalArgumentException e) {
            error.setText(e.getMessage() + ".");
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
            // said below
        }
        error.setText(what + " must be a number from " + (zeroAllowed ? 0 : 1) + " to 65535"
                + (t.isEmpty() ? "." : ", not \u201c" + t + "\u201d."));
        return null;
    }

    private void build() {
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        ColumnConstraints labels = new ColumnConstraints();
        // labels keep their width: the fields give way, and a long prompt never cuts "Target port" to "…"
        labels.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        fields.setMinWidth(260);
        grid.getColumnConstraints().addAll(labels, fields);
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
        // an HTTP proxy finds its targets in the requests
        // a proxy finds its targets in what its clients ask for; only SOCKS5 asks for a login
        targetHost.disableProperty().bind(kind.valueProperty().isNotEqualTo(ListenerKind.FORWARD));
        targetPort.disableProperty().bind(kind.valueProperty().isNotEqualTo(ListenerKind.FORWARD));
        socksUser.disableProperty().bind(kind.valueProperty().isNotEqualTo(ListenerKind.SOCKS5));
        socksPassword.disableProperty().bind(kind.valueProperty().isNotEqualTo(ListenerKind.SOCKS5));
        socksPassword.setId("socks-password");
        socksPassword.setPromptText("none: no login");
        grid.addRow(0, new Label("Kind"), kind);
        grid.addRow(1, new Label("Name"), name);
        grid.addRow(2, new Label("Listen on"), bindHost);
        grid.addRow(3, new Label("Port"), bindPort);
        grid.addRow(4, new Label("Target host"), targetHost);
        grid.addRow(5, new Label("Target port"), targetPort);
        tlsIntercept.setId("listener-tls-intercept");
        tlsIntercept.setSelected(true);
        tlsPassthrough.setId("listener-tls-passthrough");
        tlsPassthrough.setPromptText("hosts to relay untouched, one regex a line: bank\\.example");
        tlsPassthrough.setTooltip(new Tooltip("Hosts whose TLS is relayed untouched: one regular"
                + " expression a line, matched against host:port (the SNI, else the target), e.g. bank\\.example"));
        tlsPassthrough.setPrefRowCount(3);
        tlsPassthrough.setWrapText(false);
        tlsPassthrough.disableProperty().bind(tlsIntercept.selectedProperty().not());
        Label userLabel = new Label("SOCKS user");
        Label passwordLabel = new Label("SOCKS password");
        grid.addRow(6, userLabel, socksUser);
        grid.addRow(7, passwordLabel, socksPassword);
        // the login rows are there only for a SOCKS5 listener: the dialog stays the size of the others
        for (Node n : java.util.List.of(userLabel, socksUser, passwordLabel, socksPassword)) {
            n.visibleProperty().bind(kind.valueProperty().isEqualTo(ListenerKind.SOCKS5));
            n.managedProperty().bind(n.visibleProperty());
        }
        grid.addRow(8, new Label("TLS"), tlsIntercept);
        grid.addRow(9, new Label("Pass through"), tlsPassthrough);
        error.getStyleClass().add(Styles.FORM_ERROR);
        error.setId("listener-form-error");
        error.setWrapText(true);
        error.setMaxWidth(420);
        root.setPadding(new javafx.geometry.Insets(12, 12, 0, 12));
        root.getChildren().addAll(grid, error);
    }

    private static TextField field(String id, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        return f;
    }
}
