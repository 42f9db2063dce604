package wirelens.ui.messages;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.capture.SmtpTranscripts;
import wirelens.mail.MailFilter;
import wirelens.mail.MailMessage;
import wirelens.proto.smtp.EmlExport;
import wirelens.proto.smtp.MimeMessage;
import wirelens.proto.smtp.SmtpMessage;
import wirelens.proto.smtp.SmtpSession;
import wirelens.ui.base.Background;
import wirelens.ui.base.KeyedRows;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Styles;
import wirelens.ui.protocol.MimeView;

/**
 * The Messages list: every mail transaction of every SMTP connection, live, in the order they began,
 * filtered with the filter language, beside the selected message's MIME view. Rows are small records;
 * a message's bytes are decoded again from the capture file, on a background thread, when it is shown or
 * exported.
 */
public final class MessagesView {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final CaptureFile file;
    private final Notifier notifier;
    private final LongConsumer openConnection;
    private final KeyedRows<MailMessage.Key, MailMessage> shown = new KeyedRows<>(MailMessage::key);
    private final ObservableList<MailMessage> rows = shown.rows();
    private final FilteredList<MailMessage> filtered = new FilteredList<>(rows);
    private final TableView<MailMessage> table = new TableView<>();
    private final TextField filter = new TextField();
    private final Label filterError = new Label();
    private final Label count = new Label();
    private final MimeView mime;
    private final BorderPane node = new BorderPane();
    private int limit = Integer.MAX_VALUE;
    private long shownGeneration;

    /** {@code openConnection}: opens a connection's tab (the context menu's "Open connection"). */
    public MessagesView(CaptureFile file, Notifier notifier, LongConsumer openConnection) {
        this.file = file;
        this.notifier = notifier;
        this.openConnection = openConnection;
        this.mime = new MimeView("mail", Background::execute, MimeView::chooseFileToSave, notifier::info);
        table.setId("messages-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.setPlaceholder(new Label("No mail yet: point a mail client at a forward listener in front of an SMTP server"));
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        SortedList<MailMessage> sorted = new SortedList<>(filtered);
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        table.getColumns().addAll(List.of(
                fixed(column("#", 48, shown::number)),
                fixed(column("Time", 96, m -> TIME.format(Instant.ofEpochSecond(0, m.timeNanos())))),
                column("From", 180, MailMessage::fromLabel),
                column("To", 200, MessagesView::recipients),
                column("Subject", 260, MailMessage::subject),
                fixed(column("Size", 72, MailMessage::size, Units::bytes)),
                fixed(resultColumn()),
                fixed(column("TLS", 80, MailMessage::security)),
                column("AUTH", 90, MailMessage::authUser),
                fixed(column("Conn", 56, MailMessage::connectionId))));
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, m) -> show(m));
        table.setOnMouseClicked(e -> {
            MailMessage m = table.getSelectionModel().getSelectedItem();
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && m != null) {
                openConnection.accept(m.connectionId());
            }
        });
        table.setContextMenu(contextMenu());

        filter.setId("messages-filter");
        filter.setPromptText("Filter: from:alice to:bob subject:invoice status:5xx \"text\" ~regex !term");
        filter.textProperty().addListener((obs, old, text) -> applyFilter(text));
        filterError.setId("messages-filter-error");
        filterError.getStyleClass().add(Styles.FORM_ERROR);
        count.setId("messages-count");
        HBox bar = new HBox(8, filter, filterError, count);
        HBox.setHgrow(filter, Priority.ALWAYS);
        bar.setPadding(new Insets(4));
        bar.getStyleClass().add(Styles.FILTER_BAR);
        SplitPane split = new SplitPane(table, mime.node());
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.4);
        node.setTop(bar);
        node.setCenter(split);
        updateCount();
    }

    public Node node() {
        return node;
    }

    public TableView<MailMessage> table() {
        return table;
    }

    /** Keeps at most this many rows, the newest (the connection list's limit). */
    public void setLimit(int limit) {
        this.limit = limit;
        shown.trim(limit);
    }

    /** Adds or updates rows (FX thread, once per pulse): a transaction's latest state replaces its row. */
    public void apply(List<MailMessage> changed) {
        if (changed.isEmpty()) {
            return;
        }
        shown.apply(changed);
        shown.trim(limit);
        updateCount();
    }

    /** Connections the window let go of (list limit, Clear): their messages leave the list too. */
    public void forget(java.util.Set<Long> connectionIds) {
        if (connectionIds.isEmpty()) {
            return;
        }
        shown.removeIf(k -> connectionIds.contains(k.connectionId()));
        updateCount();
    }

    /** Shows a whole capture's messages (a reopened file), replacing what was there. */
    public void setAll(List<MailMessage> messages) {
        shown.clear();
        apply(messages);
    }

    private void applyFilter(String text) {
        try {
            Predicate<MailMessage> p = MailFilter.parse(text);
            filtered.setPredicate(p);
            filterError.setText("");
            filter.setTooltip(null);
        } catch (IllegalArgumentException e) {
            filterError.setText(e.getMessage());
        }
        updateCount();
    }

    private void updateCount() {
        count.setText(filtered.size() == rows.size() ? rows.size() + " messages"
                : filtered.size() + " of " + rows.size() + " messages");
    }

    private void show(MailMessage m) {
        long generation = ++shownGeneration;
        if (m == null) {
            mime.show(null);
            return;
        }
        if (m.messageNumber() == 0) {
            mime.showNote(m.result() == wirelens.proto.smtp.SmtpTransaction.Result.OPEN
                    ? "(the message has not arrived yet)" : "(no message was transferred: " + m.resultLabel()
                            + (m.replyText().isEmpty() ? "" : " " + m.replyText()) + ")");
            return;
        }
        mime.showNote("(reading the message from the capture\u2026)");
        Background.execute(() -> {
            String note;
            MimeMessage parsed = null;
            try {
                Optional<SmtpMessage> message = message(m);
                parsed = message.map(sm -> MimeMessage.parse(sm.bytes())).orElse(null);
                note = message.isPresent() ? null : "(the message is no longer in the capture file)";
            } catch (IOException e) {
                note = "(cannot read the message: " + e.getMessage() + ")";
            }
            MimeMessage shown = parsed;
            String text = note;
            Platform.runLater(() -> {
                if (generation == shownGeneration) {
                    if (shown != null) {
                        mime.show(shown);
                    } else {
                        mime.showNote(text);
                    }
                }
            });
        });
    }

    /** The message's bytes, decoded again from the capture file (background thread). */
    private Optional<SmtpMessage> message(MailMessage m) throws IOException {
        SmtpSession session = SmtpTranscripts.decode(file, m.connectionId());
        return session.messages().stream().filter(s -> s.number() == m.messageNumber()).findFirst();
    }

    private ContextMenu contextMenu() {
        MenuItem export = new MenuItem("Export selection as .eml\u2026");
        export.setId("messages-export-eml");
        export.setOnAction(e -> exportSelection());
        MenuItem open = new MenuItem("Open connection");
        open.setOnAction(e -> {
            MailMessage m = table.getSelectionModel().getSelectedItem();
            if (m != null) {
                openConnection.accept(m.connectionId());
            }
        });
        return new ContextMenu(open, export);
    }

    private void exportSelection() {
        List<MailMessage> selected = List.copyOf(table.getSelectionModel().getSelectedItems());
        if (selected.isEmpty()) {
            return;
        }
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Export messages as .eml into");
        java.io.File dir = chooser.showDialog(node.getScene() == null ? null : node.getScene().getWindow());
        if (dir != null) {
            exportEml(selected, dir.toPath());
        }
    }

    /** Writes the messages among {@code selected} as {@code conn-C-msg-N.eml} files in {@code dir}, in the background. */
    public void exportEml(List<MailMessage> selected, Path dir) {
        Background.execute(() -> {
            String outcome;
            try {
                Map<Long, List<SmtpMessage>> byConnection = new LinkedHashMap<>();
                for (MailMessage m : selected) {
                    Optional<SmtpMessage> message = m.messageNumber() == 0 ? Optional.empty() : message(m);
                    message.ifPresent(sm -> byConnection.computeIfAbsent(m.connectionId(), c -> new ArrayList<>()).add(sm));
                }
                int written = 0;
                for (List<SmtpMessage> messages : byConnection.values()) {
                    written += EmlExport.exportEml(messages, dir).size();
                }
                outcome = "exported " + written + " message" + (written == 1 ? "" : "s") + " to " + dir;
            } catch (IOException e) {
                outcome = "could not export to " + dir + ": " + e.getMessage();
            }
            String text = outcome;
            Platform.runLater(() -> notifier.info(text));
        });
    }

    private static String recipients(MailMessage m) {
        List<String> r = m.recipients();
        if (r.size() <= 2) {
            return String.join(", ", r);
        }
        return r.get(0) + ", " + r.get(1) + " +" + (r.size() - 2);
    }

    private static <T> TableColumn<MailMessage, T> column(String title, double width, Function<MailMessage, T> value) {
        TableColumn<MailMessage, T> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(value.apply(d.getValue())));
        return c;
    }

    private static TableColumn<MailMessage, Long> column(String title, double width, Function<MailMessage, Long> value,
            Function<Long, String> text) {
        TableColumn<MailMessage, Long> c = column(title, width, value);
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Long v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : text.apply(v));
            }
        });
        return c;
    }

    /** A column of short values keeps its width when the table shares out the rest. */
    private static <T> TableColumn<MailMessage, T> fixed(TableColumn<MailMessage, T> c) {
        c.setMinWidth(c.getPrefWidth());
        return c;
    }

    private static TableColumn<MailMessage, MailMessage> resultColumn() {
        TableColumn<MailMessage, MailMessage> c = new TableColumn<>("Result");
        c.setPrefWidth(64);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue()));
        c.setComparator(java.util.Comparator.comparing(MailMessage::resultLabel));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(MailMessage m, boolean empty) {
                super.updateItem(m, empty);
                getStyleClass().removeIf(s -> s.startsWith("wl-smtp-"));
                if (empty || m == null) {
                    setText(null);
                    setTooltip(null);
                    return;
                }
                setText(m.resultLabel());
                setTooltip(m.replyText().isEmpty() ? null : new Tooltip(m.replyCode() + " " + m.replyText()));
                getStyleClass().add(m.replyCode() == 0 ? "wl-smtp-waiting" : "wl-smtp-" + m.replyCode() / 100 + "xx");
            }
        });
        return c;
    }
}
