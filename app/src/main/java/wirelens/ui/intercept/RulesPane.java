package wirelens.ui.intercept;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import wirelens.intercept.DirectionFilter;
import wirelens.intercept.Rule;
import wirelens.intercept.RulesFiles;

/**
 * The match-and-replace rules, in the order they apply: add, edit, remove, reorder, enable and
 * disable. Every change is saved to the rules file at once (the window's config directory) and
 * handed to {@code onChange}, which makes the engine use the new list for the next chunk.
 *
 * <p>Rules from the command line ({@code --replace}, {@code --rules}) are shown first, in italics,
 * and apply like the others, but are never written to the file.
 */
public final class RulesPane {
    /** A rule and where it came from. */
    record Entry(Rule rule, boolean fromCommandLine) {
        Entry with(Rule r) {
            return new Entry(r, fromCommandLine);
        }
    }

    private final Path file;
    private final Consumer<List<Rule>> onChange;
    private final BorderPane root = new BorderPane();
    private final ObservableList<Entry> entries = FXCollections.observableArrayList();
    private final TableView<Entry> table = new TableView<>(entries);
    private final ChoiceBox<DirectionFilter> direction = new ChoiceBox<>(
            FXCollections.observableArrayList(DirectionFilter.values()));
    private final ComboBox<String> listener = new ComboBox<>();
    private final ChoiceBox<Rule.Kind> kind = new ChoiceBox<>(FXCollections.observableArrayList(Rule.Kind.values()));
    private final TextField pattern = new TextField();
    private final TextField replacement = new TextField();
    private final Label message = new Label();
    /** Set when the file could not be read: then nothing is written over it. */
    private String unreadable;

    public RulesPane(Path file, Consumer<List<Rule>> onChange) {
        this.file = file;
        this.onChange = onChange;
        root.getStyleClass().add(InterceptStyles.RULES_PANE);
        root.getStylesheets().add(InterceptStyles.STYLESHEET);
        root.setCenter(buildTable());
        root.setBottom(form());
        try {
            for (Rule r : RulesFiles.load(file)) {
                entries.add(new Entry(r, false));
            }
            info(entries.isEmpty() ? "No rules yet. Rules rewrite every chunk that passes, without holding it."
                    : "Loaded " + entries.size() + " rules from " + file + ".");
        } catch (IOException | RuntimeException e) {
            unreadable = e.getMessage();
            error("Cannot read the saved rules: " + e.getMessage()
                    + ". Rules added now apply but are not saved, so the file stays as it is.");
        }
        onChange.accept(rules());
    }

    public Node node() {
        return root;
    }

    /** Adds rules given on the command line: shown first, applied, never saved. Calls {@code onChange}. */
    public void addCommandLineRules(List<Rule> rules) {
        int at = (int) entries.stream().filter(Entry::fromCommandLine).count();
        List<Entry> add = new ArrayList<>();
        rules.forEach(r -> add.add(new Entry(r, true)));
        entries.addAll(at, add);
        onChange.accept(rules());
    }

    /** Every rule in the order it applies, disabled ones included. */
    public List<Rule> rules() {
        return entries.stream().map(Entry::rule).toList();
    }

    /** The listener names offered in the form; the owner keeps it up to date. */
    public ObservableList<String> listenerNames() {
        return listener.getItems();
    }

    String message() {
        return message.getText();
    }

    TableView<Entry> table() {
        return table;
    }

    // ---- layout ------------------------------------------------------------------------------

    private Node buildTable() {
        table.setId("rules-table");
        table.getStyleClass().add(InterceptStyles.TABLE);
        table.setPlaceholder(new Label("No rules. Fill in the form below and press Add."));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        TableColumn<Entry, Entry> on = new TableColumn<>("On");
        on.setPrefWidth(40);
        on.setMaxWidth(50);
        on.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        on.setCellFactory(c -> new TableCell<>() {
            private final CheckBox box = new CheckBox();

            {
                box.getStyleClass().add("wl-rule-enabled");
                box.setOnAction(e -> {
                    Entry entry = getItem();
                    if (entry != null) {
                        setEnabled(entry, box.isSelected());
                    }
                });
            }

            @Override
            protected void updateItem(Entry item, boolean empty) {
                super.updateItem(item, empty);
                if (empty || item == null) {
                    setGraphic(null);
                } else {
                    box.setSelected(item.rule().enabled());
                    setGraphic(box);
                }
            }
        });
        table.getColumns().add(on);
        table.getColumns().add(column("Dir", 50, e -> e.rule().direction().shortName()));
        table.getColumns().add(column("Listener", 100, e -> e.rule().listener() == null ? "any" : e.rule().listener()));
        table.getColumns().add(column("Kind", 55, e -> e.rule().kind().shortName()));
        table.getColumns().add(column("Pattern", 200, e -> e.rule().pattern()));
        table.getColumns().add(column("Replacement", 200, e -> e.rule().replacement()));
        table.getColumns().add(column("From", 90, e -> e.fromCommandLine() ? "command line" : "saved"));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(Entry item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().removeAll(InterceptStyles.SESSION_RULE, InterceptStyles.DISABLED_RULE);
                if (!empty && item != null) {
                    if (item.fromCommandLine()) {
                        getStyleClass().add(InterceptStyles.SESSION_RULE);
                    }
                    if (!item.rule().enabled()) {
                        getStyleClass().add(InterceptStyles.DISABLED_RULE);
                    }
                }
            }
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                fill(now.rule());
            }
        });
        return table;
    }

    private static TableColumn<Entry, String> column(String title, double width,
            java.util.function.Function<Entry, String> value) {
        TableColumn<Entry, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setSortable(false); // the order is the order rules apply in
        c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        return c;
    }

    private Node form() {
        direction.setId("rule-direction");
        direction.setConverter(InterceptCells.converter(DirectionFilter::shortName));
        direction.setValue(DirectionFilter.BOTH);
        listener.setId("rule-listener");
        listener.setEditable(true);
        listener.setPromptText("any listener");
        kind.setId("rule-kind");
        kind.setConverter(InterceptCells.converter(Rule.Kind::shortName));
        kind.setValue(Rule.Kind.TEXT);
        pattern.setId("rule-pattern");
        pattern.setPrefColumnCount(48);
        pattern.setPromptText("find (text: \\r \\n \\xNN; regex; hex pairs)");
        pattern.getStyleClass().add(InterceptStyles.BYTES);
        replacement.setId("rule-replacement");
        replacement.setPromptText("replace with (regex: $1 for groups)");
        replacement.getStyleClass().add(InterceptStyles.BYTES);

        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(4);
        grid.addRow(0, new Label("Direction"), direction, new Label("Listener"), listener, new Label("Kind"), kind);
        grid.add(new Label("Pattern"), 0, 1);
        grid.add(pattern, 1, 1, 5, 1);
        grid.add(new Label("Replace"), 0, 2);
        grid.add(replacement, 1, 2, 5, 1);
        GridPane.setHgrow(pattern, Priority.ALWAYS);
        GridPane.setHgrow(replacement, Priority.ALWAYS);

        Button add = button("Add", "rule-add", this::add);
        Button update = button("Update", "rule-update", this::update);
        Button remove = button("Remove", "rule-remove", this::remove);
        remove.getStyleClass().add(InterceptStyles.DANGER);
        Button up = button("Move up", "rule-up", () -> move(-1));
        Button down = button("Move down", "rule-down", () -> move(1));
        add.getStyleClass().add(InterceptStyles.PRIMARY);
        add.setDefaultButton(false);
        HBox buttons = new HBox(6, add, update, remove, up, down);
        message.setId("rules-message");
        message.setWrapText(true);
        VBox box = new VBox(6, grid, buttons, message);
        box.setPadding(new Insets(6, 0, 0, 0));
        return box;
    }

    private static Button button(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }

    private void fill(Rule r) {
        direction.setValue(r.direction());
        listener.getEditor().setText(r.listener() == null ? "" : r.listener());
        listener.setValue(r.listener());
        kind.setValue(r.kind());
        pattern.setText(r.pattern());
        replacement.setText(r.replacement());
    }

    /** The rule in the form, or null after showing what is wrong with it. */
    private Rule fromForm(boolean enabled) {
        String name = listener.getEditor().getText();
        try {
            if (pattern.getText().isEmpty()) {
                throw new IllegalArgumentException("the pattern is empty");
            }
            Rule r = new Rule(direction.getValue(), name == null || name.isBlank() ? null : name.strip(),
                    kind.getValue(), pattern.getText(), replacement.getText(), enabled);
            pattern.getStyleClass().remove(InterceptStyles.INVALID);
            return r;
        } catch (IllegalArgumentException e) {
            if (!pattern.getStyleClass().contains(InterceptStyles.INVALID)) {
                pattern.getStyleClass().add(InterceptStyles.INVALID);
            }
            error("Rule not applied: " + e.getMessage());
            return null;
        }
    }

    // ---- changes -----------------------------------------------------------------------------

    private void add() {
        Rule r = fromForm(true);
        if (r != null) {
            entries.add(new Entry(r, false));
            table.getSelectionModel().select(entries.size() - 1);
            changed("Added " + r + ".");
        }
    }

    private void update() {
        int i = table.getSelectionModel().getSelectedIndex();
        if (i < 0) {
            error("Select the rule to update, or press Add for a new one.");
            return;
        }
        Rule r = fromForm(entries.get(i).rule().enabled());
        if (r != null) {
            entries.set(i, entries.get(i).with(r));
            table.getSelectionModel().select(i);
            changed("Updated rule " + (i + 1) + ".");
        }
    }

    private void remove() {
        int i = table.getSelectionModel().getSelectedIndex();
        if (i < 0) {
            error("Select the rule to remove.");
            return;
        }
        Entry gone = entries.remove(i);
        changed("Removed " + gone.rule() + ".");
    }

    private void move(int by) {
        int i = table.getSelectionModel().getSelectedIndex();
        int j = i + by;
        if (i < 0 || j < 0 || j >= entries.size()) {
            return;
        }
        Entry e = entries.remove(i);
        entries.add(j, e);
        table.getSelectionModel().select(j);
        changed("Rule " + (i + 1) + " is now rule " + (j + 1) + ".");
    }

    private void setEnabled(Entry entry, boolean on) {
        int i = entries.indexOf(entry);
        if (i >= 0) {
            entries.set(i, entry.with(entry.rule().withEnabled(on)));
            changed((on ? "Enabled " : "Disabled ") + "rule " + (i + 1) + ".");
        }
    }

    /** Saves the rules (not those from the command line) and applies all of them. */
    private void changed(String what) {
        onChange.accept(rules());
        if (unreadable != null) {
            error(what + " Not saved: the saved rules could not be read (" + unreadable + ").");
            return;
        }
        List<Rule> saved = entries.stream().filter(e -> !e.fromCommandLine()).map(Entry::rule).toList();
        try {
            RulesFiles.save(file, saved);
            info(what);
        } catch (IOException | RuntimeException e) {
            error(what + " It applies now, but saving failed: " + e.getMessage());
        }
    }

    private void info(String text) {
        InterceptStyles.note(message, text, false);
    }

    private void error(String text) {
        InterceptStyles.note(message, text, true);
    }
}
