package wirelens.ui.flows;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import wirelens.base.LatestRows;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.filter.FilterSyntaxException;
import wirelens.flows.Flow;
import wirelens.flows.FlowFilter;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.KeyedRows;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Styles;
import wirelens.ui.protocol.HttpView;
import wirelens.ui.protocol.SmtpView;

/**
 * The Flows list: every HTTP exchange of every connection, one row each, in arrival order, live, with a
 * filter box and the selected flow's detail beside it. Rows arrive already summarised from
 * {@link wirelens.flows.FlowFeed} in one batch per pulse, so a flood of requests costs the FX thread one
 * list change per pulse; heads and bodies are read from the capture only for the flow shown, copied,
 * saved or exported, and for a filter's text terms, in the background.
 */
public final class FlowsView {
    public static final String STYLESHEET = FlowsView.class.getResource("flows.css").toExternalForm();
    /** The status cell of a flow still waiting for its response. */
    public static final String PENDING = "wl-flow-pending";
    /** A row of a flow sent again from the resend editor. */
    public static final String RESENT = "wl-flow-resent";
    private static final double ROW_HEIGHT = 24;
    /**
     * Following scrolls at most this often: each scroll gives every visible cell a new row, and styling
     * those cells is most of what the FX thread does under a flood of flows.
     */
    private static final long FOLLOW_EVERY_NANOS = 250_000_000L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final KeyedRows<Flow.Key, Flow> shown = new KeyedRows<>(Flow::key);
    private final ObservableList<Flow> rows = shown.rows();
    /** Changes while the list is off screen, latest state each, oldest first. */
    private final LatestRows<Flow.Key, Flow> offScreen = new LatestRows<>(Flow::key, Integer.MAX_VALUE);
    private final Set<Long> forgottenOffScreen = new java.util.HashSet<>();
    private boolean onScreen = true;
    /** Off screen, connections let go are taken out of the table this many at a time. */
    private static final int FORGET_IN_BULK = 10_000;
    private final FilteredList<Flow> filtered = new FilteredList<>(rows);
    private final TableView<Flow> table = new TableView<>();
    private final TextField filter = new TextField();
    private final Label filterError = new Label();
    private final Label searchStatus = new Label();
    private final Label count = new Label();
    private final CheckBox follow = new CheckBox("Follow");
    private final FlowDetail detail;
    private final FlowSearch search;
    private final FlowActions actions;
    private final BorderPane node = new BorderPane();
    private Predicate<Flow> rowTest = f -> true;
    private int limit = Integer.MAX_VALUE;
    private long lastFollowNanos;

    /**
     * {@code openConnection} opens a connection's tab (double-click, "Open connection"); {@code dialogs} asks
     * where to save bodies and HAR files.
     */
    public FlowsView(CaptureFile file, Notifier notifier, FileDialogs dialogs, LongConsumer openConnection) {
        this.detail = new FlowDetail(file);
        this.search = new FlowSearch(file, this::searchProgress);
        this.actions = new FlowActions(file, notifier, dialogs, table, openConnection);
        node.getStyleClass().add(HttpView.VIEW);
        node.getStylesheets().addAll(SmtpView.STYLESHEET, STYLESHEET);
        node.setId("flows-view");
        buildTable();
        table.setContextMenu(actions.menu());
        table.setOnMouseClicked(e -> {
            Flow f = table.getSelectionModel().getSelectedItem();
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && f != null) {
                openConnection.accept(f.connectionId());
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, f) -> {
            if (f == null || old == null || !f.key().equals(old.key())) {
                detail.show(f);
            }
        });

        filter.setId("flows-filter");
        filter.setPromptText("Filter: host:example.com method:POST status:4xx type:json path:/api \"text\" ~regex !term");
        filter.textProperty().addListener((obs, old, text) -> applyFilter(text));
        filterError.setId("flows-filter-error");
        filterError.getStyleClass().add(Styles.FORM_ERROR);
        searchStatus.setId("flows-search");
        searchStatus.getStyleClass().add("wl-view-status");
        count.setId("flows-count");
        follow.setId("flows-follow");
        follow.setSelected(true);
        follow.setTooltip(new Tooltip("Keep the newest flow in sight as flows arrive"));
        HBox bar = new HBox(8, filter, filterError, searchStatus, count, follow);
        HBox.setHgrow(filter, Priority.ALWAYS);
        bar.setPadding(new Insets(4));
        bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        bar.getStyleClass().add(Styles.FILTER_BAR);
        SplitPane split = new SplitPane(table, detail);
        split.setDividerPositions(0.64);
        node.setTop(bar);
        node.setCenter(split);
        updateCount();
    }

    public Node node() {
        return node;
    }

    public TableView<Flow> table() {
        return table;
    }

    public TextField filter() {
        return filter;
    }

    public Label filterError() {
        return filterError;
    }

    public Label searchStatus() {
        return searchStatus;
    }

    /** Every flow the list holds (filtered out ones included), in arrival order. */
    public List<Flow> all() {
        flushOffScreen();
        return List.copyOf(rows);
    }

    /**
     * Whether the list is on screen. Off screen, changes wait in a plain map (the newest, at most the limit)
     * instead of going through the sorted, filtered table, which under a flood of flows cost the FX thread
     * more than the pulse has; they are applied at once when the list is shown again.
     */
    public void setOnScreen(boolean shown) {
        onScreen = shown;
        if (shown) {
            flushOffScreen();
        }
    }

    private void flushOffScreen() {
        if (!forgottenOffScreen.isEmpty()) {
            Set<Long> gone = Set.copyOf(forgottenOffScreen);
            forgottenOffScreen.clear();
            forgetInTable(gone);
        }
        List<Flow> waiting = offScreen.drain();
        if (!waiting.isEmpty()) {
            applyToTable(waiting);
        }
    }

    /** The flows the filter lets through, in the table's order. */
    public List<Flow> shown() {
        return List.copyOf(table.getItems());
    }

    FlowDetail detail() {
        return detail;
    }

    public FlowActions actions() {
        return actions;
    }

    /**
     * Where "Edit and resend…" sends the chosen flow (the resend editor); unset, the item is disabled.
     * The editor reads the flow's request back with {@link wirelens.flows.Flows#exchange}.
     */
    public void setOnEditAndResend(Consumer<Flow> editor) {
        actions.setOnEditAndResend(editor);
    }

    /** Keeps at most this many flows, the newest (the connection list's limit). */
    public void setLimit(int limit) {
        this.limit = limit;
        offScreen.setMax(limit);
        shown.trim(limit);
        updateCount();
    }

    /** Adds or updates flows (FX thread, once per pulse): a flow's latest state replaces its row. */
    public void apply(List<Flow> changed) {
        if (changed.isEmpty()) {
            return;
        }
        if (!onScreen) {
            offScreen.offer(changed);
            if (offScreen.size() >= limit && !rows.isEmpty()) {
                shown.clear(); // newer flows than all of these wait to be shown: they would replace every row
                forgottenOffScreen.clear();
            }
            return;
        }
        applyToTable(changed);
    }

    private void applyToTable(List<Flow> changed) {
        Flow selected = table.getSelectionModel().getSelectedItem();
        search.add(shown.apply(changed));
        shown.trim(limit);
        updateCount();
        Flow nowSelected = table.getSelectionModel().getSelectedItem();
        if (selected != null && nowSelected != null && nowSelected.key().equals(selected.key())
                && !nowSelected.equals(detail.shown())) {
            detail.show(nowSelected); // the shown flow moved on (its response came)
        }
        long now = System.nanoTime();
        if (follow.isSelected() && table.getSortOrder().isEmpty() && !table.getItems().isEmpty()
                && now - lastFollowNanos >= FOLLOW_EVERY_NANOS) {
            lastFollowNanos = now;
            table.scrollTo(table.getItems().size() - 1);
        }
    }

    /** Shows a whole capture's flows (a reopened file), replacing what was there. */
    public void setAll(List<Flow> flows) {
        offScreen.drain();
        forgottenOffScreen.clear();
        shown.clear();
        apply(flows);
        if (!flows.isEmpty()) {
            table.scrollTo(0);
        }
    }

    /** Removes the flows of connections the window let go of. */
    public void forget(Set<Long> connectionIds) {
        if (connectionIds.isEmpty()) {
            return;
        }
        offScreen.removeIf(k -> connectionIds.contains(k.connectionId()));
        if (!onScreen) {
            if (!rows.isEmpty()) {
                forgottenOffScreen.addAll(connectionIds); // the table's rows go when it is shown, or in bulk
            }
            if (forgottenOffScreen.size() > FORGET_IN_BULK) {
                Set<Long> gone = Set.copyOf(forgottenOffScreen);
                forgottenOffScreen.clear();
                forgetInTable(gone);
            }
            return;
        }
        forgetInTable(connectionIds);
    }

    private void forgetInTable(Set<Long> connectionIds) {
        shown.removeIf(k -> connectionIds.contains(k.connectionId()));
        updateCount();
    }

    // ---- filter ------------------------------------------------------------------------------

    private void applyFilter(String text) {
        try {
            rowTest = FlowFilter.rows(text);
            boolean content = FlowFilter.searchesContent(text);
            search.start(content ? FlowFilter.content(text) : null, rows);
            filterError.setText("");
            Styles.toggle(filter, Styles.FORM_ERROR, false);
            searchStatus.setText(content && !rows.isEmpty() ? "searching heads and bodies\u2026" : "");
        } catch (FilterSyntaxException e) {
            filterError.setText("at " + (e.position() + 1) + ": " + e.getMessage());
            Styles.toggle(filter, Styles.FORM_ERROR, true);
            return;
        }
        refilter();
    }

    /** Rows searched in the background take the search's verdict; the others what the row alone says. */
    private void refilter() {
        Predicate<Flow> rowsOnly = rowTest;
        filtered.setPredicate(f -> {
            Boolean verdict = search.active() ? search.verdict(f) : null;
            return verdict != null ? verdict : rowsOnly.test(f);
        });
        updateCount();
    }

    private void searchProgress(int searched, int total, boolean done) {
        searchStatus.setText(done ? "searched heads and bodies of " + String.format("%,d", total) + " flows"
                : "searching heads and bodies: " + String.format("%,d / %,d", searched, total));
        refilter();
    }

    private void updateCount() {
        count.setText(filtered.size() == rows.size() ? String.format("%,d flows", rows.size())
                : String.format("%,d of %,d flows", filtered.size(), rows.size()));
    }

    // ---- table -------------------------------------------------------------------------------

    private void buildTable() {
        table.setId("flows-table");
        table.setPlaceholder(new Label("No HTTP flows yet: point a client at the HTTP proxy listener"));
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        // rows of one height: otherwise the table measures rows (styling a cell each time) to estimate its
        // scroll range whenever rows arrive, which took most of the FX thread under a flood of flows
        table.setFixedCellSize(ROW_HEIGHT);
        SortedList<Flow> sorted = new SortedList<>(filtered);
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        TableColumn<Flow, Flow> status = new TableColumn<>("Status");
        status.setPrefWidth(110);
        status.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue()));
        status.setComparator(java.util.Comparator.comparingInt(Flow::status));
        status.setCellFactory(col -> new StatusCell());
        // more columns than a list beside the detail has room for: the table scrolls sideways
        table.getColumns().addAll(List.of(
                column("#", 44, Flow::number, n -> Integer.toString(n)),
                column("Time", 100, Flow::startNanos, t -> TIME.format(Instant.ofEpochSecond(0, t))),
                column("Method", 80, Flow::method, m -> m),
                column("Origin", 150, Flow::origin, o -> o),
                column("Path", 170, Flow::path, p -> p),
                status,
                column("Type", 120, Flow::contentType, t -> t),
                column("Req", 56, Flow::requestBodyBytes, Units::bytes),
                column("Resp", 60, Flow::responseBodyBytes, Units::bytes),
                column("Duration", 72, Flow::durationNanos, d -> d < 0 ? "" : String.format("%.1f ms", d / 1e6)),
                column("Conn", 56, Flow::connectionId, c -> Long.toString(c)),
                column("TLS", 48, Flow::tls, t -> t ? "TLS" : "")));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(Flow f, boolean empty) {
                super.updateItem(f, empty);
                Styles.toggle(this, RESENT, !empty && f != null && f.resent());
                Styles.toggle(this, HttpView.FAILED, !empty && f != null && f.state() == wirelens.proto.http.Exchange.State.FAILED);
            }
        });
    }

    private static <T extends Comparable<T>> TableColumn<Flow, T> column(String title, double width, Function<Flow, T> value,
            Function<T, String> text) {
        TableColumn<Flow, T> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setId("flows-column-" + title.toLowerCase(java.util.Locale.ROOT).replace("#", "number"));
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(T v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : text.apply(v));
            }
        });
        return c;
    }

    /** The status by class, in the theme's colours; a flow still waiting says so. */
    private static final class StatusCell extends TableCell<Flow, Flow> {
        @Override
        protected void updateItem(Flow f, boolean empty) {
            super.updateItem(f, empty);
            String style = empty || f == null ? null : f.pending() && f.status() == 0 ? PENDING : HttpView.styleOf(f.status());
            for (String s : List.of(HttpView.STATUS_2XX, HttpView.STATUS_3XX, HttpView.STATUS_4XX, HttpView.STATUS_5XX, PENDING)) {
                Styles.toggle(this, s, s.equals(style));
            }
            setText(empty || f == null ? null : f.statusText());
            setTooltip(empty || f == null || f.problem() == null ? null : new Tooltip(f.problem()));
        }
    }
}
