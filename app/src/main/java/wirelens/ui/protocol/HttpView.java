package wirelens.ui.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.capture.HttpExchanges;
import wirelens.engine.Direction;
import wirelens.proto.http.Bodies;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.ExchangeLog;
import wirelens.ui.base.Background;
import wirelens.ui.base.Pulse;

/**
 * The HTTP view of one connection carrying HTTP/1.x: its exchanges (method, URL, status, sizes,
 * time), and for the selected one the request and response heads and bodies, with chunked framing
 * and gzip / deflate / br undone, shown as text (JSON pretty-printed), hex, or an image. Bodies are
 * read back from the capture file by range on a background thread, and what is rendered is capped,
 * so a 1 GiB download costs a few MiB. Live and on a reopened capture alike (see {@link ProtocolFollower}).
 */
public final class HttpView extends BorderPane {

    public static final String VIEW = "wl-http-view";
    /** Status cells by class. */
    public static final String STATUS_2XX = "wl-http-2xx";
    public static final String STATUS_3XX = "wl-http-3xx";
    public static final String STATUS_4XX = "wl-http-4xx";
    public static final String STATUS_5XX = "wl-http-5xx";
    /** A row of an exchange that failed (no response, broken framing). */
    public static final String FAILED = "wl-http-failed";
    public static final String NOTE = "wl-http-note";
    public static final String IMAGE_PANE = "wl-http-image-pane";
    public static final String BODY = "wl-http-body";

    /** Most decoded body bytes read for text and hex. */
    static final int MAX_BODY_BYTES = 2 << 20;
    /** Most decoded bytes read for an image preview. */
    static final int MAX_IMAGE_BYTES = 16 << 20;
    /** Most characters shown as text. */
    static final int MAX_TEXT_CHARS = 1 << 20;
    /** Most bytes shown as hex (4096 lines). */
    static final int MAX_HEX_BYTES = 64 << 10;

    /** What the decoder step hands to the FX thread. */
    record Snapshot(List<Exchange> exchanges, String requestProblem, String responseProblem) {}

    /** How a body is shown. */
    enum Mode { TEXT, HEX, IMAGE }

    private final CaptureFile file;
    private final long connectionId;
    /** Reading bodies back, in the order they were asked for; a newer selection makes older results stale. */
    private final Executor bodies = Background.serial();
    private final ProtocolFollower<Snapshot> follower;
    private final Label summary = new Label("HTTP: reading the connection\u2026");
    private final Label problem = new Label();
    private final ObservableList<Exchange> rows = FXCollections.observableArrayList();
    private final TableView<Exchange> table = new TableView<>(rows);
    private final MessagePane request;
    private final MessagePane response;
    private final List<String> readProblems = new ArrayList<>();
    private Snapshot snapshot;

    /** Shows connection {@code connectionId} of {@code file} (a live recorder's file or a reopened capture). */
    public HttpView(CaptureFile file, long connectionId, Pulse pulse) {
        this.file = file;
        this.connectionId = connectionId;
        this.request = new MessagePane("http", "Request", Direction.CLIENT_TO_SERVER, file, bodies);
        this.response = new MessagePane("http", "Response", Direction.SERVER_TO_CLIENT, file, bodies);
        getStyleClass().add(VIEW);
        getStylesheets().add(SmtpView.STYLESHEET);
        setId("http-view-" + connectionId);
        buildTable();

        summary.getStyleClass().add(SmtpView.SUMMARY);
        summary.setId("http-summary");
        problem.getStyleClass().add(SmtpView.PROBLEM);
        problem.setId("http-problem");
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(8, summary, grow, problem);
        bar.getStyleClass().add("wl-view-bar");
        bar.setPadding(new Insets(4, 6, 4, 6));
        setTop(bar);

        SplitPane messages = new SplitPane(request, response);
        messages.setDividerPositions(0.5);
        SplitPane split = new SplitPane(table, messages);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.35);
        setCenter(split);

        table.getSelectionModel().selectedItemProperty().addListener((obs, old, e) -> showExchange(e));
        follower = new ProtocolFollower<>(file, connectionId, new LogDecoder(file.index(), connectionId), this::show, this::readProblem, pulse);
        follower.attach(this);
    }

    /** Stops following the connection (call when the tab is closed). */
    public void close() {
        follower.close();
    }

    TableView<Exchange> table() {
        return table;
    }

    MessagePane request() {
        return request;
    }

    public MessagePane response() {
        return response;
    }

    /** The exchanges as last shown (empty before the first pulse). */
    public List<Exchange> exchanges() {
        return snapshot == null ? List.of() : snapshot.exchanges();
    }

    public static String styleOf(int status) {
        return switch (status / 100) {
            case 2 -> STATUS_2XX;
            case 3 -> STATUS_3XX;
            case 4 -> STATUS_4XX;
            case 5 -> STATUS_5XX;
            default -> null;
        };
    }

    private void buildTable() {
        table.setId("http-exchanges");
        table.setPlaceholder(new Label("No HTTP request yet"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        TableColumn<Exchange, String> number = column("#", 44, e -> String.valueOf(e.index() + 1));
        number.setMaxWidth(60);
        TableColumn<Exchange, String> method = column("Method", 80, Exchange::method);
        TableColumn<Exchange, Exchange> status = new TableColumn<>("Status");
        status.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        status.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Exchange e, boolean empty) {
                super.updateItem(e, empty);
                getStyleClass().removeAll(STATUS_2XX, STATUS_3XX, STATUS_4XX, STATUS_5XX);
                if (empty || e == null) {
                    setText(null);
                    return;
                }
                setText(statusText(e));
                String style = styleOf(e.status());
                if (style != null) {
                    getStyleClass().add(style);
                }
            }
        });
        status.setPrefWidth(150);
        TableColumn<Exchange, String> type = column("Type", 150, e -> e.response() == null ? "" : e.response().mediaType());
        TableColumn<Exchange, String> up = column("Request", 80, e -> Units.bytes(e.requestBytes()));
        TableColumn<Exchange, String> down = column("Response", 80, e -> Units.bytes(e.responseBytes()));
        TableColumn<Exchange, String> time = column("Time", 80, e -> e.durationNanos() < 0 ? ""
                : String.format(Locale.ROOT, "%.1f ms", e.durationNanos() / 1e6));
        TableColumn<Exchange, String> url = column("URL", 520, Exchange::url);
        table.getColumns().setAll(List.of(number, method, status, type, up, down, time, url));
        javafx.scene.control.MenuItem resend = new javafx.scene.control.MenuItem("Edit and resend\u2026");
        resend.setId("http-resend");
        resend.setOnAction(a -> {
            Exchange e = table.getSelectionModel().getSelectedItem();
            if (e != null) {
                ResendRequested.fireFor(this, file, connectionId, e, problem::setText);
            }
        });
        table.setContextMenu(new javafx.scene.control.ContextMenu(resend));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(Exchange e, boolean empty) {
                super.updateItem(e, empty);
                getStyleClass().remove(FAILED);
                if (!empty && e != null && e.state() == Exchange.State.FAILED) {
                    getStyleClass().add(FAILED);
                }
            }
        });
    }

    private static TableColumn<Exchange, String> column(String title, double width,
            java.util.function.Function<Exchange, String> value) {
        TableColumn<Exchange, String> c = new TableColumn<>(title);
        c.setCellValueFactory(f -> new ReadOnlyStringWrapper(value.apply(f.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private static String statusText(Exchange e) {
        return switch (e.state()) {
            case REQUEST -> "sending\u2026";
            case WAITING -> "waiting\u2026";
            case FAILED -> e.response() == null ? "failed" : e.status() + " " + e.response().reason() + " (failed)";
            case TUNNEL -> e.status() + (!e.tunnelDecrypted() ? " tunnel"
                    : "https".equals(e.scheme()) ? " tunnel, TLS decrypted" : " tunnel, plain HTTP");
            default -> e.status() + " " + e.response().reason() + (e.state() == Exchange.State.RESPONSE ? " \u2026" : "");
        };
    }

    // ---- snapshots (FX thread, at most once per pulse) ----

    private void show(Snapshot s) {
        this.snapshot = s;
        Exchange selected = table.getSelectionModel().getSelectedItem();
        int selectedIndex = table.getSelectionModel().getSelectedIndex();
        List<Exchange> list = s.exchanges();
        int common = Math.min(rows.size(), list.size());
        for (int i = 0; i < common; i++) {
            if (!rows.get(i).equals(list.get(i))) {
                rows.set(i, list.get(i));
            }
        }
        if (list.size() > common) {
            rows.addAll(list.subList(common, list.size()));
        }
        if (selectedIndex >= 0 && selectedIndex < list.size()) {
            table.getSelectionModel().select(selectedIndex);
            if (!list.get(selectedIndex).equals(selected)) {
                showExchange(list.get(selectedIndex));
            }
        } else if (selectedIndex < 0 && !list.isEmpty()) {
            table.getSelectionModel().select(0);
        }
        long complete = list.stream().filter(e -> e.state() == Exchange.State.COMPLETE).count();
        summary.setText("HTTP \u00b7 connection " + connectionId + " \u00b7 " + list.size()
                + (list.size() == 1 ? " exchange" : " exchanges") + " (" + complete + " complete)");
        List<String> problems = new ArrayList<>(readProblems);
        if (s.requestProblem() != null) {
            problems.add("requests: " + s.requestProblem());
        }
        if (s.responseProblem() != null) {
            problems.add("responses: " + s.responseProblem());
        }
        problem.setText(String.join(" \u00b7 ", problems));
    }

    private void readProblem(String p) {
        if (!readProblems.contains(p)) {
            readProblems.add(p);
            problem.setText(String.join(" \u00b7 ", readProblems));
        }
    }

    private void showExchange(Exchange e) {
        request.show(connectionId, e, e == null ? null : e.request(), e == null ? null : e.requestBody(),
                e == null ? List.of() : e.requestTrailers());
        response.show(connectionId, e, e == null ? null : e.response(), e == null ? null : e.responseBody(),
                e == null ? List.of() : e.responseTrailers());
    }

    /** offset | 16 hex bytes | ASCII, for at most {@code max} bytes. */
    public static String hexDump(byte[] bytes, int max) {
        int n = Math.min(bytes.length, max);
        StringBuilder sb = new StringBuilder(n / 16 * 78 + 80);
        for (int off = 0; off < n; off += 16) {
            sb.append(String.format(Locale.ROOT, "%08x  ", off));
            for (int i = 0; i < 16; i++) {
                if (off + i < n) {
                    sb.append(Character.forDigit((bytes[off + i] >> 4) & 0xf, 16))
                            .append(Character.forDigit(bytes[off + i] & 0xf, 16)).append(' ');
                } else {
                    sb.append("   ");
                }
                if (i == 7) {
                    sb.append(' ');
                }
            }
            sb.append(' ');
            for (int i = 0; i < 16 && off + i < n; i++) {
                int b = bytes[off + i] & 0xff;
                sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            sb.append('\n');
        }
        if (bytes.length > n) {
            sb.append("\u2026 (hex shows the first ").append(Units.bytes(n)).append(")\n");
        }
        return sb.toString();
    }

    /** Feeds an {@link ExchangeLog} from the follower's thread; ends each side once. */
    private static final class LogDecoder implements ProtocolFollower.Decoder<Snapshot> {
        private final ExchangeLog log = new ExchangeLog();
        private final CaptureIndex index;
        private final long connectionId;
        private boolean clientTls;
        private boolean clientDone;
        private boolean serverDone;

        LogDecoder(CaptureIndex index, long connectionId) {
            this.index = index;
            this.connectionId = connectionId;
        }

        @Override
        public void chunk(ChunkInfo chunk, byte[] forwarded) {
            // the TLS record comes into the index before the first decrypted chunk
            if (!clientTls && chunk.timeNanos() >= HttpExchanges.clientTlsFrom(index, connectionId)) {
                clientTls = true;
                log.clientSpokeTls();
            }
            log.onBytes(chunk.direction() == Direction.CLIENT_TO_SERVER, forwarded, chunk.timeNanos());
        }

        @Override
        public void connection(ConnectionInfo info) {
            long end = info.closedNanos();
            if (!clientDone && (info.clientFinished() || !info.isOpen())) {
                clientDone = true;
                log.onEof(true, end);
            }
            if (!serverDone && (info.serverFinished() || !info.isOpen())) {
                serverDone = true;
                log.onEof(false, end);
            }
        }

        @Override
        public Snapshot snapshot() {
            return new Snapshot(log.exchanges(), log.requestProblem(), log.responseProblem());
        }
    }
}
