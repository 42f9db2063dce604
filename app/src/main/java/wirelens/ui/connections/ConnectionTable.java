package wirelens.ui.connections;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import javafx.application.Platform;
import javafx.beans.Observable;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.capture.ConnectionEnd;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.EpochClock;
import wirelens.engine.Hosts;
import wirelens.ui.base.Background;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Styles;

/**
 * The live connection table: virtualised, sortable, with a filter on listener, address and state, and a
 * content search over the captured bytes (run on a background thread).
 */
public final class ConnectionTable {
    private final CaptureIndex index;
    private final CaptureFile file;
    private final Notifier notifier;
    private final ObservableList<ConnectionRow> rows =
            FXCollections.observableArrayList(r -> new Observable[] {r.infoProperty(), r.tlsProperty()});
    private final Map<Long, ConnectionRow> byId = new HashMap<>();
    private final FilteredList<ConnectionRow> filtered = new FilteredList<>(rows);
    private final TableView<ConnectionRow> table = new TableView<>();
    private final TextField filter = new TextField();
    private final TextField search = new TextField();
    private final ChoiceBox<String> searchKind = new ChoiceBox<>();
    private final Label searchResult = new Label();
    private final Label placeholder = new Label();
    private final BorderPane root = new BorderPane();
    private Set<Long> contentMatches;
    private long hiddenUpTo;
    /** The most rows kept (oldest finished ones go first); {@link ListLimit#ALL} keeps every one. */
    private int limit = ListLimit.ALL;
    private long letGo;
    private AtomicBoolean runningSearch;
    private Consumer<ConnectionRow> onPreview = row -> {};

    // totals of the shown rows
    private int open;
    private long bytesClientToServer;
    private long bytesServerToClient;

    public ConnectionTable(CaptureIndex index, CaptureFile file, Notifier notifier, Consumer<ConnectionRow> onOpen) {
        this.index = index;
        this.file = file;
        this.notifier = notifier;
        build(onOpen);
    }

    public Node node() {
        return root;
    }

    /** What a single click on a row does (the window shows the connection in its preview tab). */
    public void setOnPreview(Consumer<ConnectionRow> action) {
        onPreview = action;
    }

    public TableView<ConnectionRow> table() {
        return table;
    }

    public ConnectionRow row(long id) {
        return byId.get(id);
    }

    public int shownCount() {
        return rows.size();
    }

    public int openCount() {
        return open;
    }

    public long bytesClientToServer() {
        return bytesClientToServer;
    }

    public long bytesServerToClient() {
        return bytesServerToClient;
    }

    public void setHint(String text) {
        placeholder.setText(text);
    }

    /** Applies a pulse's changes; returns the connections that failed in it (for one notification). */
    public List<ConnectionInfo> apply(List<ConnectionInfo> changed, Set<Long> targetConnected) {
        List<ConnectionInfo> failed = new ArrayList<>();
        List<ConnectionRow> added = new ArrayList<>();
        for (ConnectionInfo info : changed) {
            ConnectionRow row = byId.get(info.id());
            if (row == null && info.id() <= hiddenUpTo) {
                continue; // cleared
            }
            if (row == null) {
                row = new ConnectionRow(info, targetConnected.contains(info.id()));
                row.setTls(index.tlsSummary(info.id()), targetName(info.id()));
                byId.put(info.id(), row);
                added.add(row);
                count(info, 1);
                if (info.end() == ConnectionEnd.FAILED) {
                    failed.add(info);
                }
            } else {
                ConnectionInfo before = row.info();
                count(before, -1);
                count(info, 1);
                if (info.end() == ConnectionEnd.FAILED && before.end() != ConnectionEnd.FAILED) {
                    failed.add(info);
                }
                row.update(info, targetConnected.contains(info.id()));
            }
        }
        rows.addAll(added);
        return failed;
    }

    /** Keeps at most {@code limit} rows from now on ({@link ListLimit#ALL}: every one). */
    public void setLimit(int limit) {
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }

    /** How many finished connections left the list because of the limit. */
    public long letGoCount() {
        return letGo;
    }

    /**
     * Lets the oldest finished connections go while more than the limit are shown, except those
     * {@code inUse} (an open tab shows them); returns their ids, for the caller to drop from the index.
     * Open connections always stay: they are still changing.
     */
    public List<Long> letGoOldest(java.util.function.LongPredicate inUse) {
        int excess = rows.size() - limit;
        if (excess <= 0) {
            return List.of();
        }
        List<Long> gone = new ArrayList<>();
        Set<ConnectionRow> leaving = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < rows.size() && gone.size() < excess; i++) {
            ConnectionRow r = rows.get(i);
            if (!r.info().isOpen() && !inUse.test(r.id())) {
                leaving.add(r);
                gone.add(r.id());
            }
        }
        if (gone.isEmpty()) {
            return gone;
        }
        rows.removeIf(leaving::contains);
        for (ConnectionRow r : leaving) {
            byId.remove(r.id());
            count(r.info(), -1);
        }
        letGo += gone.size();
        return gone;
    }

    /** A connection's TLS changed (a leg's handshake, passthrough, failure): its TLS cell follows. */
    public void tlsChanged(long id) {
        ConnectionRow row = byId.get(id);
        if (row != null) {
            row.setTls(index.tlsSummary(id), targetName(id));
        }
    }

    /** A SOCKS5 connection's handshake named the target it asked for: its target cell follows. */
    public void proxyHandshake(long id) {
        tlsChanged(id);
    }

    /** The name the target cell shows before the address: what a SOCKS5 client asked for, else the SNI. */
    private String targetName(long id) {
        wirelens.engine.EngineEvent.ProxyHandshake h = index.proxyHandshake(id);
        return h != null && h.requested() != null ? h.requested() : index.serverName(id);
    }

    private void count(ConnectionInfo info, int sign) {
        open += info.isOpen() ? sign : 0;
        bytesClientToServer += sign * info.bytesClientToServer();
        bytesServerToClient += sign * info.bytesServerToClient();
    }

    /**
     * Removes every row but those of {@code keep} (the connections still open), and ignores later updates
     * of the removed ones (the feed may still hold some). Rows for kept connections not shown yet are added.
     */
    public void clear(List<ConnectionInfo> keep) {
        apply(keep, Set.of());
        Set<Long> kept = new java.util.HashSet<>();
        keep.forEach(c -> kept.add(c.id()));
        for (ConnectionRow r : rows) {
            hiddenUpTo = Math.max(hiddenUpTo, r.id());
        }
        for (ConnectionInfo c : keep) {
            hiddenUpTo = Math.max(hiddenUpTo, c.id());
        }
        rows.removeIf(r -> !kept.contains(r.id()));
        byId.keySet().retainAll(kept);
        open = 0;
        bytesClientToServer = 0;
        bytesServerToClient = 0;
        for (ConnectionRow r : rows) {
            count(r.info(), 1);
        }
    }

    /** Lets the durations of open connections tick (only visible cells redraw). */
    public void tick() {
        if (open > 0) {
            clock.set(EpochClock.nowNanos());
        }
    }

    private final javafx.beans.property.LongProperty clock = new javafx.beans.property.SimpleLongProperty();

    /**
     * A cell showing {@code text} of its row. Its value is the row's info, a new object on every update,
     * so the cell redraws when its row changes without a binding of its own.
     */
    private class RowCell extends TableCell<ConnectionRow, ConnectionInfo> {
        private final Function<ConnectionRow, String> text;

        RowCell(Function<ConnectionRow, String> text) {
            this.text = text;
        }

        @Override
        protected void updateItem(ConnectionInfo info, boolean empty) {
            super.updateItem(info, empty);
            ConnectionRow row = empty || info == null ? null : byId.get(info.id());
            setText(row == null ? null : text.apply(row));
        }
    }

    /**
     * The target, named by the SNI once TLS told it: follows the row's TLS as well as its info. A
     * kept-alive HTTP proxy connection shows its latest origin, and all of them in a tooltip.
     */
    private final class TargetCell extends RowCell {
        private final Tooltip origins = new Tooltip();
        private ConnectionRow watched;
        private final javafx.beans.InvalidationListener tlsChanged = o -> {
            if (watched != null) {
                setText(watched.targetText());
            }
        };

        TargetCell() {
            super(ConnectionRow::targetText);
        }

        @Override
        protected void updateItem(ConnectionInfo info, boolean empty) {
            super.updateItem(info, empty);
            ConnectionRow row = empty || info == null ? null : byId.get(info.id());
            if (row != watched) {
                if (watched != null) {
                    watched.tlsProperty().removeListener(tlsChanged);
                }
                watched = row;
                if (row != null) {
                    row.tlsProperty().addListener(tlsChanged);
                }
            }
            String all = row == null ? null : row.originsText();
            origins.setText(all);
            setTooltip(all == null ? null : origins);
        }
    }

    /** The state, short enough for the column, and whole in a tooltip. */
    private final class StateCell extends RowCell {
        private final Tooltip whole = new Tooltip();

        StateCell() {
            super(ConnectionRow::stateCellText);
        }

        @Override
        protected void updateItem(ConnectionInfo info, boolean empty) {
            super.updateItem(info, empty);
            ConnectionRow row = empty || info == null ? null : byId.get(info.id());
            String text = row == null ? null : row.stateText();
            whole.setText(text);
            setTooltip(text == null || text.isEmpty() ? null : whole);
        }
    }

    /** A short header whose meaning is in a tooltip: the header shows the title as a label that has one. */
    private static <T> TableColumn<ConnectionRow, T> titled(TableColumn<ConnectionRow, T> column, String meaning) {
        Label header = new Label(column.getText());
        header.setTooltip(new Tooltip(meaning));
        column.setText(null);
        column.setGraphic(header);
        return column;
    }

    private static final Function<ConnectionRow, String> DURATION_TEXT =
            r -> Units.duration(r.durationNanos(EpochClock.nowNanos()));

    /** The duration of a connection; while it is open it follows {@link #clock}. */
    private final class DurationCell extends RowCell {
        DurationCell() {
            super(DURATION_TEXT);
            clock.addListener(new javafx.beans.WeakInvalidationListener(tick));
        }

        private final javafx.beans.InvalidationListener tick = o -> {
            ConnectionInfo info = getItem();
            ConnectionRow row = isEmpty() || info == null ? null : byId.get(info.id());
            if (row != null && row.info().isOpen()) {
                setText(Units.duration(row.durationNanos(clock.get())));
            }
        };
    }

    // ---- filter and search --------------------------------------------------------------

    private void updatePredicate() {
        String needle = filter.getText().trim().toLowerCase(Locale.ROOT);
        Set<Long> matches = contentMatches;
        filtered.setPredicate(r -> r.matches(needle) && (matches == null || matches.contains(r.id())));
    }

    void runContentSearch() {
        String text = search.getText();
        if (runningSearch != null) {
            runningSearch.set(true);
        }
        if (text.isEmpty()) {
            contentMatches = null;
            searchResult.setText("");
            updatePredicate();
            return;
        }
        byte[] needle;
        try {
            needle = "Hex".equals(searchKind.getValue()) ? ContentSearch.parseHex(text)
                    : text.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            searchResult.setText(e.getMessage());
            return;
        }
        if (file == null) {
            searchResult.setText("no capture file: bytes cannot be searched");
            return;
        }
        AtomicBoolean cancelled = new AtomicBoolean();
        runningSearch = cancelled;
        List<ConnectionInfo> candidates = new ArrayList<>();
        for (ConnectionRow r : rows) {
            candidates.add(r.info());
        }
        searchResult.setText("searching " + candidates.size() + " connections\u2026");
        Background.execute(() -> {
            try {
                Set<Long> found = ContentSearch.find(index, file, candidates, needle, cancelled::get);
                Platform.runLater(() -> {
                    if (!cancelled.get()) {
                        contentMatches = found;
                        searchResult.setText(found.size() + (found.size() == 1 ? " connection contains it"
                                : " connections contain it"));
                        updatePredicate();
                    }
                });
            } catch (java.io.IOException | RuntimeException e) {
                Platform.runLater(() -> notifier.error("Search failed: " + e.getMessage()));
            }
        });
    }

    // ---- layout -------------------------------------------------------------------------

    private void build(Consumer<ConnectionRow> onOpen) {
        SortedList<ConnectionRow> sorted = new SortedList<>(filtered);
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        table.setId("connections");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        placeholder.getStyleClass().add(Styles.EMPTY_HINT);
        placeholder.setId("empty-hint");
        placeholder.setMaxWidth(560);
        table.setPlaceholder(placeholder);

        TableColumn<ConnectionRow, ConnectionInfo> id = numberColumn("#", ConnectionInfo::id, 50);
        table.getColumns().add(id);
        table.getColumns().add(column("Started", ConnectionRow::startText,
                Comparator.comparingLong(ConnectionInfo::openedNanos), 100));
        table.getColumns().add(textColumn("Listener", ConnectionInfo::listenerName, 90));
        table.getColumns().add(textColumn("Client", c -> Hosts.format(c.client()), 130));
        TableColumn<ConnectionRow, ConnectionInfo> target = textColumn("Target", ConnectionInfo::destination, 130);
        target.setCellFactory(col -> new TargetCell());
        table.getColumns().add(target);
        TableColumn<ConnectionRow, String> tls = new TableColumn<>("TLS");
        tls.setCellValueFactory(cell -> cell.getValue().tlsProperty());
        tls.setPrefWidth(70);
        table.getColumns().add(tls);
        TableColumn<ConnectionRow, ConnectionInfo> state = column("State", ConnectionRow::stateText,
                byRow(ConnectionRow::stateText), 185);
        state.setMinWidth(180); // "error: connection refused" whole; other columns give way first
        state.setCellFactory(col -> new StateCell());
        table.getColumns().add(state);
        table.getColumns().add(titled(numberColumn("C\u2192S", ConnectionInfo::bytesClientToServer, 75),
                "Bytes from the client to the server (as forwarded, after edits)"));
        table.getColumns().add(titled(numberColumn("S\u2192C", ConnectionInfo::bytesServerToClient, 75),
                "Bytes from the server to the client (as forwarded, after edits)"));
        table.getColumns().add(numberColumn("Chunks", ConnectionInfo::chunkCount, 82));
        TableColumn<ConnectionRow, ConnectionInfo> duration = column("Duration", DURATION_TEXT,
                byRow(r -> r.durationNanos(EpochClock.nowNanos())), 92);
        duration.setCellFactory(col -> new DurationCell());
        table.getColumns().add(duration);
        table.getSortOrder().add(id);

        table.setRowFactory(tv -> {
            TableRow<ConnectionRow> row = new TableRow<>() {
                private final javafx.beans.InvalidationListener restyle = o -> style();
                private ConnectionRow watched;

                @Override
                protected void updateItem(ConnectionRow item, boolean empty) {
                    super.updateItem(item, empty);
                    if (watched != item) {
                        if (watched != null) {
                            watched.infoProperty().removeListener(restyle);
                        }
                        watched = empty ? null : item;
                        if (watched != null) {
                            watched.infoProperty().addListener(restyle);
                        }
                    }
                    style();
                }

                /** Touches the style classes only when they change: each change restyles the row's cells. */
                private void style() {
                    ConnectionRow item = watched;
                    boolean error = item != null && item.state() == ConnectionRow.State.ERROR;
                    boolean open = item != null && !error && item.info().isOpen();
                    Styles.toggle(this, Styles.ROW_ERROR, error);
                    Styles.toggle(this, Styles.ROW_OPEN, open);
                }
            };
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && !row.isEmpty()) {
                    if (e.getClickCount() == 2) {
                        onOpen.accept(row.getItem());
                    } else if (e.getClickCount() == 1) {
                        onPreview.accept(row.getItem());
                    }
                }
            });
            return row;
        });
        table.setOnKeyPressed(e -> {
            ConnectionRow r = table.getSelectionModel().getSelectedItem();
            if (e.getCode() == KeyCode.ENTER && r != null) {
                onOpen.accept(r);
            }
        });

        filter.setId("filter");
        filter.setPromptText("Filter: listener, address, state, TLS, #id");
        filter.textProperty().addListener((o, was, now) -> updatePredicate());
        HBox.setHgrow(filter, Priority.ALWAYS);
        search.setId("content-search");
        search.setPromptText("Find in bytes (Enter)");
        search.setOnAction(e -> runContentSearch());
        HBox.setHgrow(search, Priority.ALWAYS);
        searchKind.getItems().setAll("Text", "Hex");
        searchKind.setValue("Text");
        searchKind.setId("content-search-kind");
        searchResult.setId("content-search-result");
        Button clearSearch = new Button("\u2715");
        clearSearch.setOnAction(e -> {
            search.clear();
            runContentSearch();
        });
        HBox bar = new HBox(new Label("Connections"), filter, search, searchKind, clearSearch, searchResult);
        bar.getChildren().get(0).getStyleClass().add(Styles.PANE_TITLE);
        bar.getStyleClass().add(Styles.FILTER_BAR);
        root.setTop(bar);
        root.setCenter(table);
    }

    private TableColumn<ConnectionRow, ConnectionInfo> textColumn(String title, Function<ConnectionInfo, String> value,
            double width) {
        return column(title, r -> value.apply(r.info()), Comparator.comparing(value), width);
    }

    private TableColumn<ConnectionRow, ConnectionInfo> numberColumn(String title, ToLongFunction<ConnectionInfo> value,
            double width) {
        TableColumn<ConnectionRow, ConnectionInfo> c = column(title, r -> Long.toString(value.applyAsLong(r.info())),
                Comparator.comparingLong(value), width);
        c.getStyleClass().add("wl-number");
        return c;
    }

    /**
     * A column whose cell value is the row's info property itself: cells show {@code text} of the row and
     * the column sorts infos by {@code order}. A binding made per cell, and per comparison (sorting asks
     * every compared row for its cell value), left a weak observer on the row's property each time, about
     * 80 per row after a few minutes of traffic, 2.6 KB a row for as long as the row lived.
     */
    private TableColumn<ConnectionRow, ConnectionInfo> column(String title, Function<ConnectionRow, String> text,
            Comparator<ConnectionInfo> order, double width) {
        TableColumn<ConnectionRow, ConnectionInfo> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> cell.getValue().infoProperty());
        c.setCellFactory(col -> new RowCell(text));
        c.setComparator(Comparator.nullsFirst(order));
        c.setPrefWidth(width);
        return c;
    }

    /** Sorts by what only the row knows (state, duration so far): a look-up per comparison, so not for the default order. */
    private <T extends Comparable<T>> Comparator<ConnectionInfo> byRow(Function<ConnectionRow, T> key) {
        return Comparator.comparing(info -> {
            ConnectionRow row = byId.get(info.id());
            return row == null ? null : key.apply(row);
        }, Comparator.nullsFirst(Comparator.naturalOrder()));
    }
}
