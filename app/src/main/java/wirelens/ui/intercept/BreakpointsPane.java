package wirelens.ui.intercept;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Subscription;
import wirelens.base.Units;
import wirelens.engine.MessageHook.HeldMessage;
import wirelens.engine.MessageHook.Verdict;
import wirelens.filter.FilterSyntaxException;
import wirelens.intercept.BreakpointQueue;
import wirelens.proto.http.Header;
import wirelens.proto.http.MessageHead;
import wirelens.ui.base.Pulse;

/**
 * The breakpoints pane, beside the chunk intercept: turn breakpoints on, say which messages they hold
 * (requests, responses, and a filter in the filter language of the flows list), see the held
 * messages oldest first, edit the selected one whole (head and body) and let it go on, drop it (a request
 * answered 502, or its connection closed), or answer a request with a response typed in place.
 *
 * <p>The queue calls back on an engine thread; the pane sets a flag there and catches up at the pulse.
 */
public final class BreakpointsPane {
    private static final String ANSWER_TEMPLATE = "HTTP/1.1 200 OK";

    private final BreakpointQueue queue;
    private final BorderPane root = new BorderPane();
    private final AtomicBoolean changed = new AtomicBoolean(true);
    private final Runnable queueListener = () -> changed.set(true);

    private final ToggleButton toggle = new ToggleButton();
    private final CheckBox requests = new CheckBox("Requests");
    private final CheckBox responses = new CheckBox("Responses");
    private final TextField match = new TextField();
    private final Label matchError = new Label();

    private final ObservableList<HeldMessage> held = FXCollections.observableArrayList();
    private final TableView<HeldMessage> table = new TableView<>(held);
    private final Label title = new Label();
    private final MessageEditor editor = new MessageEditor("breakpoint");
    private final Button continueButton = new Button("Continue");
    private final Button dropAnswer502 = new Button("Drop (502)");
    private final Button dropClose = new Button("Drop (close)");
    private final Button answer = new Button("Answer\u2026");
    private final Button continueAll = new Button("Continue all");
    private final Label message = new Label();

    private HeldMessage current;
    /** The editor holds a response typed to answer the current request. */
    private boolean answering;
    private final Subscription following;

    public BreakpointsPane(BreakpointQueue queue, Pulse pulse) {
        this.queue = queue;
        root.setId("breakpoints-pane");
        root.getStyleClass().add(InterceptStyles.PANE);
        root.getStylesheets().add(InterceptStyles.STYLESHEET);
        root.setTop(toolbar());
        SplitPane split = new SplitPane(heldTable(), editorBox());
        split.setDividerPositions(0.38);
        root.setCenter(split);
        message.setId("breakpoint-message");
        message.setWrapText(true);
        root.setBottom(message);
        queue.addListener(queueListener);
        following = pulse.addWhileShown(root, (now, behind) -> {
            if (changed.getAndSet(false)) {
                catchUp();
            }
        });
        show(null);
        catchUp();
    }

    public Node node() {
        return root;
    }

    /** Stops following the pulse and the queue. */
    public void dispose() {
        following.unsubscribe();
        queue.removeListener(queueListener);
    }

    private Node toolbar() {
        toggle.setId("breakpoints-toggle");
        toggle.setTooltip(new Tooltip("Hold whole HTTP messages that match, on any listener"));
        toggle.setOnAction(e -> {
            queue.setEnabled(toggle.isSelected());
            catchUp();
        });
        requests.setId("breakpoints-requests");
        responses.setId("breakpoints-responses");
        match.setId("breakpoints-match");
        match.setPromptText("filter: method:POST host:example.com path:/api status:5xx type:json \"text\" ~regex !term");
        matchError.setId("breakpoints-match-error");
        match.setPrefColumnCount(28);
        BreakpointQueue.Rule rule = queue.rule();
        requests.setSelected(rule.requests());
        responses.setSelected(rule.responses());
        match.setText(rule.text());
        requests.setOnAction(e -> applyRule());
        responses.setOnAction(e -> applyRule());
        match.setOnAction(e -> applyRule());
        match.focusedProperty().addListener((o, was, focused) -> {
            if (!focused) {
                applyRule();
            }
        });
        HBox bar = new HBox(toggle, new Separator(Orientation.VERTICAL), new Label("Hold"), requests, responses,
                new Label("matching"), match, matchError);
        HBox.setHgrow(match, Priority.ALWAYS);
        bar.getStyleClass().add(InterceptStyles.TOOLBAR);
        return bar;
    }

    /** Applies the rule; a filter that does not parse is pointed at and the rule before it stays. */
    private void applyRule() {
        try {
            queue.setRule(BreakpointQueue.Rule.of(requests.isSelected(), responses.isSelected(), match.getText()));
            match.getStyleClass().remove(InterceptStyles.INVALID);
            matchError.setText("");
        } catch (FilterSyntaxException e) {
            if (!match.getStyleClass().contains(InterceptStyles.INVALID)) {
                match.getStyleClass().add(InterceptStyles.INVALID);
            }
            InterceptStyles.note(matchError, e.getMessage() + " (at " + (e.position() + 1) + ")", true);
        }
    }

    private Node heldTable() {
        table.setId("breakpoints-held");
        table.getStyleClass().add(InterceptStyles.TABLE);
        table.setPlaceholder(new Label("Nothing held. Turn breakpoints on; matching HTTP messages on any listener"
                + " wait here, each pausing only its connection."));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.getColumns().setAll(List.of(
                column("Conn", 64, m -> "#" + m.connectionId()),
                column("Held", 80, m -> m.isResponse() ? "response " + m.head().status() : "request"),
                column("Method", 84, m -> m.context().request().method()),
                column("Size", 70, m -> Units.bytes(m.body().length)),
                column("URL", 260, m -> m.context().url())));
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != current) {
                show(now);
            }
        });
        return table;
    }

    private static TableColumn<HeldMessage, String> column(String name, double width,
            java.util.function.Function<HeldMessage, String> value) {
        TableColumn<HeldMessage, String> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new javafx.beans.property.ReadOnlyStringWrapper(value.apply(f.getValue())));
        return c;
    }

    private Node editorBox() {
        title.getStyleClass().add(InterceptStyles.EDITOR_TITLE);
        title.setId("breakpoint-title");
        continueButton.setId("breakpoint-continue");
        continueButton.getStyleClass().add(InterceptStyles.PRIMARY);
        continueButton.setTooltip(new Tooltip("Send the message as edited (unchanged: as it came)"));
        continueButton.setOnAction(e -> continueCurrent());
        dropAnswer502.setId("breakpoint-drop-502");
        dropAnswer502.getStyleClass().add(InterceptStyles.DANGER);
        dropAnswer502.setTooltip(new Tooltip("The request goes nowhere; the client gets a 502"));
        dropAnswer502.setOnAction(e -> decide(new Verdict.Drop(true)));
        dropClose.setId("breakpoint-drop-close");
        dropClose.getStyleClass().add(InterceptStyles.DANGER);
        dropClose.setTooltip(new Tooltip("The message goes nowhere; its connection is closed"));
        dropClose.setOnAction(e -> decide(new Verdict.Drop(false)));
        answer.setId("breakpoint-answer");
        answer.setTooltip(new Tooltip("Answer the request with a response typed here; the server never sees it"));
        answer.setOnAction(e -> answer());
        continueAll.setId("breakpoint-continue-all");
        continueAll.setOnAction(e -> queue.continueAll());
        FlowPane buttons = new FlowPane(6, 6, continueButton, answer, dropAnswer502, dropClose, continueAll);
        VBox box = new VBox(4, title, editor.node(), buttons);
        VBox.setVgrow(editor.node(), Priority.ALWAYS);
        box.getStyleClass().add("wl-intercept-editor-box");
        return box;
    }

    private void catchUp() {
        toggle.setSelected(queue.isEnabled());
        toggle.setText(queue.isEnabled() ? "Breakpoints ON" : "Breakpoints off");
        List<HeldMessage> now = queue.held();
        if (!now.equals(held)) {
            held.setAll(now);
        }
        if (current != null && !now.contains(current)) {
            show(now.isEmpty() ? null : now.get(0));
        } else if (current == null && !now.isEmpty()) {
            show(now.get(0));
        }
    }

    private void show(HeldMessage m) {
        current = m;
        answering = false;
        answer.setText("Answer\u2026");
        if (m == null) {
            title.setText("No held message selected.");
            editor.loadResponse("", List.of(), new byte[0]);
        } else {
            title.setText("#" + m.connectionId() + " " + (m.isResponse() ? "response " + m.head().status()
                    + " to " : "request ") + m.context().request().method() + " " + m.context().url());
            if (m.isResponse()) {
                editor.loadResponse(m.head().startLine(), m.head().headers(), m.body());
            } else {
                editor.loadRequest(m.head().method(), m.context().url(), m.head().version(), m.head().headers(), m.body());
            }
        }
        table.getSelectionModel().select(m);
        for (Button b : List.of(continueButton, dropAnswer502, dropClose, answer)) {
            b.setDisable(m == null);
        }
        answer.setDisable(m == null || m.isResponse());
        dropAnswer502.setDisable(m == null || m.isResponse());
    }

    private void continueCurrent() {
        if (current == null) {
            return;
        }
        if (answering) {
            decideWith(bytes -> new Verdict.Answer(bytes));
        } else if (editor.unchanged(shownStartLine(current), current.head().headers())) {
            decide(new Verdict.Continue(null));
        } else {
            decideWith(bytes -> new Verdict.Continue(bytes));
        }
    }

    /** The start line as the editor shows it: a request with its absolute URL (https:// inside a decrypted tunnel). */
    private static String shownStartLine(HeldMessage m) {
        MessageHead head = m.head();
        return m.isResponse() ? head.startLine() : head.method() + " " + m.context().url() + " " + head.version();
    }

    /** Answer… turns the editor into a response to type; pressed again, it goes back to the request. */
    private void answer() {
        if (answering) {
            show(current);
            return;
        }
        answering = true;
        answer.setText("Back to the request");
        editor.loadResponse(ANSWER_TEMPLATE, List.of(new Header("Content-Type", "text/plain; charset=utf-8")),
                new byte[0]);
        InterceptStyles.note(message, "Type the response, then Continue sends it to the client.", false);
    }

    private void decideWith(java.util.function.Function<byte[], Verdict> verdict) {
        byte[] bytes;
        try {
            bytes = editor.message();
        } catch (IllegalArgumentException e) {
            InterceptStyles.note(message, e.getMessage(), true);
            return;
        }
        decide(verdict.apply(bytes));
    }

    private void decide(Verdict verdict) {
        HeldMessage m = current;
        if (m == null) {
            return;
        }
        try {
            if (!queue.resume(m, verdict)) {
                InterceptStyles.note(message, "That message is no longer held (its connection ended).", true);
            } else {
                InterceptStyles.note(message, describe(verdict) + ": #" + m.connectionId() + " " + m.context().url(), false);
            }
        } catch (IllegalArgumentException e) {
            InterceptStyles.note(message, e.getMessage(), true);
            return;
        }
        catchUp();
    }

    private static String describe(Verdict v) {
        if (v instanceof Verdict.Continue c) {
            return c.message() == null ? "Continued unchanged" : "Continued edited";
        }
        if (v instanceof Verdict.Drop d) {
            return d.answer502() ? "Dropped, answered 502" : "Dropped, connection closed";
        }
        return "Answered";
    }
}
