package wirelens.ui.intercept;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.beans.binding.Bindings;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.SimpleLongProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Subscription;
import wirelens.engine.Direction;
import wirelens.engine.Engine;
import wirelens.engine.EpochClock;
import wirelens.intercept.DirectionFilter;
import wirelens.intercept.Escapes;
import wirelens.intercept.HoldQueue.HeldChunk;
import wirelens.intercept.HoldQueue;
import wirelens.intercept.InterceptFilter;
import wirelens.intercept.Rule;
import wirelens.ui.base.Pulse;
import wirelens.ui.base.Styles;

/**
 * The intercept pane: turn intercept on and off, choose which chunks it holds, see the held chunks
 * (oldest first, age ticking), edit the selected one in text or hex and forward, forward the original,
 * drop it, or close its connection; inject bytes into a live connection.
 *
 * <p>The queue calls back on the engine's thread; the pane only sets a flag there and catches up once
 * per pulse on the FX thread.
 *
 * <p>Keys (while the pane has the focus): Ctrl+I intercept on/off, Ctrl+Enter forward (edited),
 * Ctrl+Shift+Enter forward original, Ctrl+D drop, Ctrl+Shift+A forward all and turn intercept off.
 */
public final class InterceptPane {
    static final KeyCombination TOGGLE_KEY = new KeyCodeCombination(KeyCode.I, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination FORWARD_KEY = new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination FORWARD_ORIGINAL_KEY = new KeyCodeCombination(KeyCode.ENTER,
            KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN);
    static final KeyCombination DROP_KEY = new KeyCodeCombination(KeyCode.D, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination FORWARD_ALL_KEY = new KeyCodeCombination(KeyCode.A, KeyCombination.SHORTCUT_DOWN,
            KeyCombination.SHIFT_DOWN);
    private static final long AGE_TICK_NANOS = 200_000_000L;
    private static final String ANY_LISTENER = "(any listener)";

    private final HoldQueue queue;
    private final BorderPane root = new BorderPane();
    private final AtomicBoolean changed = new AtomicBoolean(true);
    private final Runnable queueListener = () -> changed.set(true);
    private final ReadOnlyBooleanWrapper enabled = new ReadOnlyBooleanWrapper();
    private final LongProperty now = new SimpleLongProperty(EpochClock.nowNanos());

    private final ToggleButton toggle = new ToggleButton();
    private final ChoiceBox<DirectionFilter> direction = new ChoiceBox<>(
            FXCollections.observableArrayList(DirectionFilter.values()));
    private final ComboBox<String> listener = new ComboBox<>();
    private final ChoiceBox<Rule.Kind> patternKind = new ChoiceBox<>(FXCollections.observableArrayList(Rule.Kind.values()));
    private final TextField pattern = new TextField();
    private final Label filterError = new Label();

    private final ObservableList<HeldChunk> held = FXCollections.observableArrayList();
    private final TableView<HeldChunk> table = new TableView<>(held);
    private final InterceptEditor editor = new InterceptEditor();
    private final Label editorTitle = new Label();
    private final Button forward = new Button("Forward");
    private final Button forwardOriginal = new Button("Forward original");
    private final Button drop = new Button("Drop");
    private final Button forwardAll = new Button("Forward all, intercept off");
    private final Button closeConnection = new Button("Close connection");

    private final Label message = new Label();
    private final Label placeholder = new Label();
    private final InjectBar inject;

    private HeldChunk current;
    /** Edits of held chunks the user left for another one, by chunk id. */
    private final java.util.Map<Long, InterceptEditor.Draft> drafts = new java.util.HashMap<>();
    private boolean refreshing;
    private long lastTick;
    private final Subscription following;

    public InterceptPane(HoldQueue queue, Engine engine, Pulse pulse) {
        this.queue = queue;
        this.inject = new InjectBar(engine, (text, error) -> InterceptStyles.note(message, text, error));
        root.getStyleClass().add(InterceptStyles.PANE);
        root.getStylesheets().add(InterceptStyles.STYLESHEET);
        root.setTop(toolbar());
        SplitPane split = new SplitPane(heldTable(), editorBox());
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.42);
        root.setCenter(split);
        message.setId("intercept-message");
        message.setWrapText(true);
        root.setBottom(new VBox(2, inject.node(), message));
        root.addEventFilter(KeyEvent.KEY_PRESSED, this::onKey);

        queue.addListener(queueListener);
        // follows the pulse only while shown, so a pane that was closed costs nothing
        following = pulse.addWhileShown(root, (now, behind) -> pulse(now));
        showCurrent(null);
        catchUp();
    }

    public Node node() {
        return root;
    }

    /** The queue's on/off state as of the last pulse, for a toolbar or menu to mirror. */
    public ReadOnlyBooleanProperty enabledProperty() {
        return enabled.getReadOnlyProperty();
    }

    /** Turns intercept on or off (Ctrl+I). */
    public void toggleIntercept() {
        queue.setEnabled(!queue.isEnabled());
        catchUp();
    }

    /** The listener names the filter offers; the owner keeps it up to date. */
    public ObservableList<String> listenerNames() {
        return listener.getItems();
    }

    /** Stops the pulse and leaves the queue; the pane is not used after this. */
    public void dispose() {
        following.unsubscribe();
        queue.removeListener(queueListener);
    }

    // ---- layout ------------------------------------------------------------------------------

    private Node toolbar() {
        toggle.setId("intercept-toggle");
        toggle.setTooltip(new Tooltip("Hold matching chunks before they are forwarded (Ctrl+I)"));
        toggle.setOnAction(e -> {
            queue.setEnabled(toggle.isSelected());
            catchUp();
        });

        direction.setId("intercept-direction");
        direction.setConverter(InterceptCells.converter(DirectionFilter::shortName));
        listener.setId("intercept-listener");
        listener.setEditable(true);
        listener.setPromptText(ANY_LISTENER);
        listener.setPrefWidth(170);
        patternKind.setId("intercept-pattern-kind");
        patternKind.setConverter(InterceptCells.converter(Rule.Kind::shortName));
        pattern.setId("intercept-pattern");
        pattern.setPromptText("hold only chunks containing\u2026");
        pattern.setPrefColumnCount(18);
        filterError.setId("intercept-filter-error");

        InterceptFilter f = queue.filter();
        direction.setValue(f.direction());
        listener.setValue(f.listener());
        patternKind.setValue(f.kind() == null ? Rule.Kind.TEXT : f.kind());
        pattern.setText(f.pattern() == null ? "" : f.pattern());
        // choices apply at once; typed text is checked as it is typed but applies on Enter or on
        // leaving the field, so a half-typed pattern never holds more than the user meant
        direction.valueProperty().addListener((o, a, b) -> applyFilter(true));
        patternKind.valueProperty().addListener((o, a, b) -> applyFilter(true));
        listener.setOnAction(e -> applyFilter(true));
        pattern.setOnAction(e -> applyFilter(true));
        pattern.textProperty().addListener((o, a, b) -> applyFilter(false));
        for (Node field : new Node[] {pattern, listener}) {
            field.focusedProperty().addListener((o, was, focused) -> {
                if (!focused) {
                    applyFilter(true);
                }
            });
        }

        HBox bar = new HBox(toggle, new Separator(Orientation.VERTICAL), new Label("Hold"), direction,
                new Label("of"), listener, new Label("matching"), patternKind, pattern, filterError);
        bar.getStyleClass().add(InterceptStyles.TOOLBAR);
        HBox.setHgrow(filterError, Priority.ALWAYS);
        return bar;
    }

    private Node heldTable() {
        table.setId("intercept-held");
        table.getStyleClass().add(InterceptStyles.TABLE);
        placeholder.setId("intercept-placeholder");
        placeholder.setWrapText(true);
        table.setPlaceholder(placeholder);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        TableColumn<HeldChunk, Long> conn = InterceptCells.column("Conn", 50, HeldChunk::connectionId);
        conn.setCellFactory(c -> InterceptCells.textCell(id -> "#" + id, null));
        TableColumn<HeldChunk, String> name = InterceptCells.column("Listener", 110, h -> h.listener() == null ? "" : h.listener());
        TableColumn<HeldChunk, Direction> dir = InterceptCells.column("Dir", 55, HeldChunk::direction);
        dir.setCellFactory(c -> InterceptCells.textCell(InterceptStyles::arrow, Styles::of));
        TableColumn<HeldChunk, Integer> size = InterceptCells.column("Size", 55, HeldChunk::size);
        TableColumn<HeldChunk, String> age = new TableColumn<>("Age");
        age.setPrefWidth(60);
        age.setCellValueFactory(c -> Bindings.createStringBinding(
                () -> InterceptCells.formatAge(now.get() - c.getValue().heldAtNanos()), now));
        TableColumn<HeldChunk, String> preview = InterceptCells.column("Bytes", 160, h -> Escapes.escape(head(h)));
        preview.setCellFactory(c -> InterceptCells.textCell(s -> s, s -> InterceptStyles.BYTES));
        table.getColumns().setAll(List.of(conn, name, dir, size, age, preview));
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (!refreshing) {
                showCurrent(now);
            }
        });
        return table;
    }

    private static byte[] head(HeldChunk h) {
        byte[] b = h.bytes();
        return b.length <= 64 ? b : Arrays.copyOf(b, 64);
    }

    private Node editorBox() {
        editorTitle.setId("intercept-editor-title");
        editorTitle.getStyleClass().add(InterceptStyles.EDITOR_TITLE);
        forward.setId("intercept-forward");
        forward.getStyleClass().add(InterceptStyles.PRIMARY);
        forward.setTooltip(new Tooltip("Send the edited bytes (Ctrl+Enter)"));
        forward.setOnAction(e -> forward());
        forwardOriginal.setId("intercept-forward-original");
        forwardOriginal.setTooltip(new Tooltip("Send the chunk as it was held (Ctrl+Shift+Enter)"));
        forwardOriginal.setOnAction(e -> forwardOriginal());
        drop.setId("intercept-drop");
        drop.getStyleClass().add(InterceptStyles.DANGER);
        drop.setTooltip(new Tooltip("Send nothing of this chunk; the capture keeps it as dropped (Ctrl+D)"));
        drop.setOnAction(e -> drop());
        forwardAll.setId("intercept-forward-all");
        forwardAll.setTooltip(new Tooltip("Forward every held chunk unchanged and stop holding (Ctrl+Shift+A)"));
        forwardAll.setOnAction(e -> forwardAll());
        closeConnection.setId("intercept-close");
        closeConnection.getStyleClass().add(InterceptStyles.DANGER);
        closeConnection.setTooltip(new Tooltip("Close both sides of this chunk's connection"));
        closeConnection.setOnAction(e -> closeConnection());
        FlowPane buttons = new FlowPane(6, 6, forward, forwardOriginal, drop, closeConnection, forwardAll);
        VBox box = new VBox(4, editorTitle, editor.node(), buttons);
        VBox.setVgrow(editor.node(), Priority.ALWAYS);
        box.setMinWidth(300);
        return box;
    }


    // ---- the pulse ---------------------------------------------------------------------------

    private void pulse(long pulseNanos) {
        if (changed.getAndSet(false)) {
            catchUp();
        }
        if (pulseNanos - lastTick >= AGE_TICK_NANOS && !held.isEmpty()) {
            lastTick = pulseNanos;
            now.set(EpochClock.nowNanos());
        }
    }

    /** Brings the list, the toggle and the editor in line with the queue. */
    private void catchUp() {
        changed.set(false);
        boolean on = queue.isEnabled();
        enabled.set(on);
        toggle.setSelected(on);
        toggle.setText(on ? "Intercept ON" : "Intercept off");
        if (on) {
            if (!toggle.getStyleClass().contains(InterceptStyles.TOGGLE_ON)) {
                toggle.getStyleClass().add(InterceptStyles.TOGGLE_ON);
            }
        } else {
            toggle.getStyleClass().remove(InterceptStyles.TOGGLE_ON);
        }
        placeholder.setText(placeholderText(on, queue.filter()));
        now.set(EpochClock.nowNanos());
        List<HeldChunk> snapshot = queue.held();
        if (!sameIds(snapshot, held)) {
            java.util.Set<Long> ids = new java.util.HashSet<>();
            snapshot.forEach(h -> ids.add(h.id()));
            drafts.keySet().retainAll(ids);
            refreshing = true;
            try {
                held.setAll(snapshot);
                int keep = current == null ? -1 : indexOf(snapshot, current.id());
                // when the edited chunk is gone (sent, dropped, connection ended), go on with the oldest
                table.getSelectionModel().select(keep >= 0 ? keep : snapshot.isEmpty() ? -1 : 0);
            } finally {
                refreshing = false;
            }
            HeldChunk selected = table.getSelectionModel().getSelectedItem();
            if (selected == null || current == null || selected.id() != current.id()) {
                showCurrent(selected);
            }
        }
        updateButtons();
    }

    /** What the empty list says: whether anything would be held now, and what. */
    static String placeholderText(boolean on, InterceptFilter f) {
        if (!on) {
            return "Intercept is off: nothing is held. Turn it on (Ctrl+I) to stop chunks before they are forwarded.";
        }
        String what = switch (f.direction()) {
            case C2S -> "chunks from clients";
            case S2C -> "chunks from servers";
            case BOTH -> "chunks in both directions";
        };
        String where = f.listener() == null ? "" : " on " + f.listener();
        String matching = f.pattern() == null || f.pattern().isEmpty() ? "" : " containing " + f.pattern();
        return "Intercept is on: waiting for " + what + where + matching + ".";
    }

    private static boolean sameIds(List<HeldChunk> a, List<HeldChunk> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).id() != b.get(i).id()) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(List<HeldChunk> list, long id) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).id() == id) {
                return i;
            }
        }
        return -1;
    }

    private void showCurrent(HeldChunk chunk) {
        if (current != null) {
            InterceptEditor.Draft draft = editor.draft();
            if (draft == null) {
                drafts.remove(current.id());
            } else {
                drafts.put(current.id(), draft);
            }
        }
        current = chunk;
        if (chunk == null) {
            editor.clear();
            editorTitle.setText(held.isEmpty() ? "No chunk held" : "Select a held chunk");
        } else {
            editor.load(chunk.bytes(), drafts.get(chunk.id()));
            editorTitle.setText("Connection #" + chunk.connectionId()
                    + (chunk.listener() == null ? "" : " (" + chunk.listener() + ")") + ", "
                    + (chunk.direction() == Direction.CLIENT_TO_SERVER ? "client \u2192 server" : "server \u2192 client")
                    + ", chunk " + (chunk.sequence() + 1) + ", " + chunk.size() + " bytes");
            inject.setConnection(chunk.connectionId());
        }
        updateButtons();
    }

    private void updateButtons() {
        boolean none = current == null;
        forward.setDisable(none);
        forwardOriginal.setDisable(none);
        drop.setDisable(none);
        closeConnection.setDisable(none);
        forwardAll.setDisable(held.isEmpty() && !queue.isEnabled());
    }

    // ---- actions -----------------------------------------------------------------------------

    private void onKey(KeyEvent e) {
        Runnable action = null;
        if (TOGGLE_KEY.match(e)) {
            action = this::toggleIntercept;
        } else if (FORWARD_ORIGINAL_KEY.match(e)) {
            action = this::forwardOriginal;
        } else if (FORWARD_KEY.match(e)) {
            action = this::forward;
        } else if (DROP_KEY.match(e)) {
            action = this::drop;
        } else if (FORWARD_ALL_KEY.match(e)) {
            action = this::forwardAll;
        }
        if (action != null) {
            e.consume();
            action.run();
        }
    }

    /** Forwards the selected chunk as edited; a chunk whose edit does not parse stays held. */
    void forward() {
        HeldChunk c = current;
        if (c == null) {
            return;
        }
        byte[] bytes = editor.bytesOrShowError();
        if (bytes == null) {
            return;
        }
        // unchanged bytes go on as the original, so the capture does not mark the chunk edited
        boolean sent = Arrays.equals(bytes, c.bytes()) ? queue.forwardOriginal(c) : queue.forward(c, bytes);
        done(sent, c, sent && !Arrays.equals(bytes, c.bytes())
                ? "forwarded " + bytes.length + " edited bytes (was " + c.size() + ")" : "forwarded unchanged");
    }

    public void forwardOriginal() {
        HeldChunk c = current;
        if (c != null) {
            done(queue.forwardOriginal(c), c, "forwarded the original " + c.size() + " bytes");
        }
    }

    void drop() {
        HeldChunk c = current;
        if (c != null) {
            done(queue.drop(c), c, "dropped " + c.size() + " bytes");
        }
    }

    void forwardAll() {
        int n = queue.size();
        queue.forwardAllAndDisable();
        info("Intercept is off; forwarded " + n + (n == 1 ? " held chunk" : " held chunks") + " unchanged.");
        catchUp();
    }

    void closeConnection() {
        HeldChunk c = current;
        if (c != null) {
            queue.closeConnection(c.connectionId());
            info("Closed connection #" + c.connectionId() + "; its held chunks were not sent.");
            catchUp();
        }
    }

    private void done(boolean released, HeldChunk c, String what) {
        if (released) {
            info("Connection #" + c.connectionId() + " " + c.direction().shortName() + ": " + what + ".");
        } else {
            error("That chunk is no longer held (its connection ended, or it was already sent).");
        }
        catchUp();
        // the list, where the next held chunk is selected: never a button one Enter away from turning intercept off
        table.requestFocus();
    }


    /** Checks the filter as entered; applies it if {@code apply} and it is valid. */
    private void applyFilter(boolean apply) {
        String name = listener.getEditor().getText();
        if (name == null || name.isBlank() || ANY_LISTENER.equals(name)) {
            name = null;
        }
        String p = pattern.getText();
        try {
            InterceptFilter f = new InterceptFilter(direction.getValue(), name, patternKind.getValue(), p);
            pattern.getStyleClass().remove(InterceptStyles.INVALID);
            if (apply) {
                queue.setFilter(f);
            }
            filterNote(apply || f.equals(queue.filter()) ? "" : "Enter applies the pattern", false);
        } catch (IllegalArgumentException e) {
            filterNote("Pattern: " + e.getMessage() + " (the filter in use is unchanged)", true);
            if (!pattern.getStyleClass().contains(InterceptStyles.INVALID)) {
                pattern.getStyleClass().add(InterceptStyles.INVALID);
            }
        }
    }

    private void filterNote(String text, boolean error) {
        InterceptStyles.note(filterError, text, error);
    }

    private void info(String text) {
        InterceptStyles.note(message, text, false);
    }

    private void error(String text) {
        InterceptStyles.note(message, text, true);
    }

    // ---- for tests and the window ------------------------------------------------------------

    public InterceptEditor editor() {
        return editor;
    }

    public TableView<HeldChunk> table() {
        return table;
    }

    String message() {
        return message.getText();
    }

    public DirectionFilter direction() {
        return direction.getValue();
    }

    public String placeholder() {
        return placeholder.getText();
    }

    String filterError() {
        return filterError.getText();
    }

    // ---- helpers -----------------------------------------------------------------------------




}
