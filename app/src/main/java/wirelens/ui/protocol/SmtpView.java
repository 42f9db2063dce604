package wirelens.ui.protocol;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.fxmisc.richtext.StyleClassedTextArea;
import wirelens.capture.CaptureFile;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.Direction;
import wirelens.proto.smtp.Credentials;
import wirelens.proto.smtp.EmlExport;
import wirelens.proto.smtp.Exchange;
import wirelens.proto.smtp.MimeHeader;
import wirelens.proto.smtp.MimeMessage;
import wirelens.proto.smtp.MimePart;
import wirelens.proto.smtp.SmtpDecoder;
import wirelens.proto.smtp.SmtpMessage;
import wirelens.proto.smtp.SmtpReply;
import wirelens.proto.smtp.SmtpSession;
import wirelens.proto.smtp.SmtpTransaction;
import wirelens.ui.base.Background;
import wirelens.ui.base.Pulse;

/**
 * The SMTP view of one connection, the way a mail engineer reads it: the transcript (each command with
 * the reply paired to it, codes coloured by class, AUTH masked until revealed), the envelope of each
 * transaction, the messages with their MIME parts and attachments, credentials, and problems. Live
 * while the connection runs, and the same for a reopened capture: it follows the capture file through
 * {@link ProtocolFollower} and redraws at most once per pulse.
 */
public final class SmtpView extends BorderPane {

    public static final String VIEW = "wl-smtp-view";
    /** Reply code cells by class: 2xx success, 3xx intermediate, 4xx transient, 5xx permanent failure. */
    public static final String REPLY_2XX = "wl-smtp-2xx";
    public static final String REPLY_3XX = "wl-smtp-3xx";
    public static final String REPLY_4XX = "wl-smtp-4xx";
    public static final String REPLY_5XX = "wl-smtp-5xx";
    /** A reply that does not start with a code. */
    public static final String REPLY_UNKNOWN = "wl-smtp-reply-unknown";
    /** A row (or cell) that carries credentials (AUTH): masked until revealed. */
    public static final String CREDENTIALS = "wl-smtp-credentials";
    /** The row that marks where the session switched to TLS, and the TLS summary. */
    public static final String TLS = "wl-smtp-tls";
    /** A command still waiting for its reply. */
    public static final String WAITING = "wl-smtp-waiting";
    /** The message content row (DATA/BDAT). */
    public static final String MESSAGE_ROW = "wl-smtp-message-row";
    public static final String SUMMARY = "wl-view-summary";
    public static final String STATUS = "wl-view-status";
    public static final String PROBLEM = "wl-view-problem";
    public static final String MONO = "wl-mono";

    /** Where the looks of the SMTP and HTTP views live (separate from the window's stylesheet). */
    public static final String STYLESHEET = SmtpView.class.getResource("protocol-views.css").toExternalForm();

    /** Most characters of one part shown as text; the whole part can be saved. */
    static final int MAX_PART_CHARS = 1 << 20;

    /** Saving and exporting, in the order the user asked. */
    private final Executor saving = Background.serial();

    /**
     * One transcript row: an exchange, or (exchange null) the TLS marker with a note for each side.
     */
    public record TranscriptRow(Exchange exchange, String note, String serverNote) {}

    /** One envelope row: MAIL FROM, RCPT TO, the message, or the result of a transaction. */
    public record EnvelopeRow(int transaction, String field, String value, SmtpReply reply) {}

    /** What the decoder step hands to the FX thread: the session plus messages parsed off the FX thread. */
    record Snapshot(SmtpSession session, Map<Integer, MimeMessage> parsed) {}

    private final long connectionId;
    private final ProtocolFollower<Snapshot> follower;
    private final Label summary = new Label("SMTP: reading the connection\u2026");
    private final Label status = new Label();
    private final ToggleButton reveal = new ToggleButton("Reveal credentials");
    private final Button exportEml = new Button("Export messages (.eml)\u2026");
    private final ObservableList<TranscriptRow> transcriptRows = FXCollections.observableArrayList();
    private final TableView<TranscriptRow> transcript = new TableView<>(transcriptRows);
    private final ObservableList<EnvelopeRow> envelopeRows = FXCollections.observableArrayList();
    private final TableView<EnvelopeRow> envelope = new TableView<>(envelopeRows);
    private final ObservableList<SmtpMessage> messageRows = FXCollections.observableArrayList();
    private final ListView<SmtpMessage> messages = new ListView<>(messageRows);
    private final ObservableList<Credentials> credentialRows = FXCollections.observableArrayList();
    private final ListView<Credentials> credentials = new ListView<>(credentialRows);
    private final ObservableList<String> problemRows = FXCollections.observableArrayList();
    private final ListView<String> problems = new ListView<>(problemRows);
    private final StyleClassedTextArea headers = HeadText.area("smtp-headers");
    private final TreeView<MimePart> parts = new TreeView<>();
    private final TextArea partText = new TextArea();
    private final ObservableList<MimePart> attachmentRows = FXCollections.observableArrayList();
    private final ListView<MimePart> attachments = new ListView<>(attachmentRows);
    private final Button saveAttachment = new Button("Save attachment\u2026");
    private final Tab envelopeTab = new Tab("Envelope");
    private final Tab messagesTab = new Tab("Messages");
    private final Tab credentialsTab = new Tab("Credentials");
    private final Tab problemsTab = new Tab("Problems");
    private final TabPane details = new TabPane(envelopeTab, messagesTab, credentialsTab, problemsTab);
    private final List<String> readProblems = new ArrayList<>();
    private Map<Integer, MimeMessage> parsed = Map.of();
    private SmtpSession session;
    private long baseNanos;

    /** Asks where to save one file (suggested name given); null when the user cancels. Replaced by tests. */
    BiFunction<Window, String, Path> chooseFile = SmtpView::chooseFileToSave;
    /** Asks for a folder; null when the user cancels. Replaced by tests. */
    Function<Window, Path> chooseFolder = SmtpView::chooseFolder;

    /** Shows connection {@code connectionId} of {@code file} (a live recorder's file or a reopened capture). */
    public SmtpView(CaptureFile file, long connectionId, Pulse pulse) {
        this.connectionId = connectionId;
        getStyleClass().add(VIEW);
        getStylesheets().add(STYLESHEET);
        setId("smtp-view-" + connectionId);
        buildTranscript();
        buildEnvelope();
        buildMessages();
        buildLists();

        summary.getStyleClass().add(SUMMARY);
        summary.setId("smtp-summary");
        status.getStyleClass().add(STATUS);
        status.setId("smtp-status");
        reveal.setId("smtp-reveal");
        reveal.selectedProperty().addListener((obs, was, on) -> {
            reveal.setText(on ? "Hide credentials" : "Reveal credentials");
            transcript.refresh();
            credentials.refresh();
        });
        exportEml.setId("smtp-export-eml");
        exportEml.setDisable(true);
        exportEml.setOnAction(e -> exportMessages());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(8, summary, grow, status, reveal, exportEml);
        bar.getStyleClass().add("wl-view-bar");
        bar.setPadding(new Insets(4, 6, 4, 6));
        setTop(bar);

        details.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        details.setId("smtp-details");
        SplitPane split = new SplitPane(transcript, details);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.5);
        setCenter(split);

        follower = new ProtocolFollower<>(file, connectionId, new SessionDecoder(connectionId), this::show,
                this::readProblem, pulse);
        follower.attach(this);
    }

    /** Stops following the connection (call when the tab is closed). */
    public void close() {
        follower.close();
    }

    /** The session as last shown, or null before the first pulse. */
    public SmtpSession session() {
        return session;
    }

    public TableView<TranscriptRow> transcript() {
        return transcript;
    }

    TableView<EnvelopeRow> envelope() {
        return envelope;
    }

    ListView<SmtpMessage> messages() {
        return messages;
    }

    public ListView<MimePart> attachments() {
        return attachments;
    }

    TreeView<MimePart> parts() {
        return parts;
    }

    TextArea partText() {
        return partText;
    }

    StyleClassedTextArea headers() {
        return headers;
    }

    ListView<Credentials> credentials() {
        return credentials;
    }

    ListView<String> problems() {
        return problems;
    }

    public TabPane details() {
        return details;
    }

    Label status() {
        return status;
    }

    ToggleButton revealButton() {
        return reveal;
    }

    boolean revealed() {
        return reveal.isSelected();
    }

    /** The style class of a reply's code, by its class. */
    public static String styleOf(SmtpReply reply) {
        return switch (reply.replyClass()) {
            case SUCCESS -> REPLY_2XX;
            case INTERMEDIATE -> REPLY_3XX;
            case TRANSIENT_FAILURE -> REPLY_4XX;
            case PERMANENT_FAILURE -> REPLY_5XX;
            case UNKNOWN -> REPLY_UNKNOWN;
        };
    }

    // ---- building ----

    private void buildTranscript() {
        transcript.setId("smtp-transcript");
        transcript.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        transcript.setPlaceholder(new Label("No SMTP yet: waiting for the server's greeting"));

        TableColumn<TranscriptRow, String> number = new TableColumn<>("#");
        number.setCellValueFactory(c -> new ReadOnlyStringWrapper(
                c.getValue().exchange() == null ? "" : String.valueOf(c.getValue().exchange().number())));
        number.setPrefWidth(44);
        number.setMaxWidth(60);

        TableColumn<TranscriptRow, String> time = new TableColumn<>("Time");
        time.setCellValueFactory(c -> new ReadOnlyStringWrapper(timeOf(c.getValue())));
        time.setPrefWidth(78);
        time.setMaxWidth(110);

        TableColumn<TranscriptRow, TranscriptRow> command = new TableColumn<>("Client");
        command.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        command.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(TranscriptRow row, boolean empty) {
                super.updateItem(row, empty);
                getStyleClass().remove(CREDENTIALS);
                setTooltip(null);
                if (empty || row == null) {
                    setText(null);
                    return;
                }
                setText(commandText(row));
                if (row.exchange() != null && row.exchange().sensitive()) {
                    getStyleClass().add(CREDENTIALS);
                    setTooltip(new Tooltip(reveal.isSelected() ? "credentials (revealed)"
                            : "credentials: masked, click \u201cReveal credentials\u201d to show them"));
                }
            }
        });
        command.setPrefWidth(380);

        TableColumn<TranscriptRow, SmtpReply> code = new TableColumn<>("Reply");
        code.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(
                c.getValue().exchange() == null ? null : c.getValue().exchange().reply()));
        code.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(SmtpReply reply, boolean empty) {
                super.updateItem(reply, empty);
                getStyleClass().removeAll(REPLY_2XX, REPLY_3XX, REPLY_4XX, REPLY_5XX, REPLY_UNKNOWN, WAITING);
                TranscriptRow row = getTableRow() == null ? null : getTableRow().getItem();
                if (empty || row == null || row.exchange() == null) {
                    setText(null);
                } else if (reply == null) {
                    setText("\u2026");
                    getStyleClass().add(WAITING);
                } else {
                    setText(reply.code() == 0 ? "???" : String.valueOf(reply.code()));
                    getStyleClass().add(styleOf(reply));
                }
            }
        });
        code.setPrefWidth(60);
        code.setMaxWidth(80);

        TableColumn<TranscriptRow, String> text = new TableColumn<>("Server");
        text.setCellValueFactory(c -> new ReadOnlyStringWrapper(replyText(c.getValue())));
        text.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String value, boolean empty) {
                super.updateItem(value, empty);
                setText(empty ? null : value);
                TranscriptRow row = getTableRow() == null ? null : getTableRow().getItem();
                SmtpReply reply = empty || row == null || row.exchange() == null ? null : row.exchange().reply();
                setTooltip(reply != null && reply.lines().size() > 1 ? new Tooltip(reply.raw()) : null);
            }
        });
        text.setPrefWidth(420);

        transcript.getColumns().setAll(List.of(number, time, command, code, text));
        transcript.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(TranscriptRow row, boolean empty) {
                super.updateItem(row, empty);
                getStyleClass().removeAll(CREDENTIALS, TLS, MESSAGE_ROW);
                if (empty || row == null) {
                    return;
                }
                if (row.exchange() == null) {
                    getStyleClass().add(TLS);
                } else if (row.exchange().sensitive()) {
                    getStyleClass().add(CREDENTIALS);
                } else if (row.exchange().kind() == Exchange.Kind.MESSAGE) {
                    getStyleClass().add(MESSAGE_ROW);
                }
            }
        });
    }

    private void buildEnvelope() {
        envelope.setId("smtp-envelope");
        envelope.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        envelope.setPlaceholder(new Label("No mail transaction yet"));
        TableColumn<EnvelopeRow, String> tx = new TableColumn<>("Transaction");
        tx.setCellValueFactory(c -> new ReadOnlyStringWrapper(String.valueOf(c.getValue().transaction())));
        tx.setPrefWidth(90);
        tx.setMaxWidth(110);
        TableColumn<EnvelopeRow, String> field = new TableColumn<>("");
        field.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().field()));
        field.setPrefWidth(100);
        field.setMaxWidth(140);
        TableColumn<EnvelopeRow, String> value = new TableColumn<>("Value");
        value.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().value()));
        value.setPrefWidth(360);
        TableColumn<EnvelopeRow, SmtpReply> reply = new TableColumn<>("Reply");
        reply.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().reply()));
        reply.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(SmtpReply r, boolean empty) {
                super.updateItem(r, empty);
                getStyleClass().removeAll(REPLY_2XX, REPLY_3XX, REPLY_4XX, REPLY_5XX, REPLY_UNKNOWN);
                if (empty || r == null) {
                    setText(null);
                    return;
                }
                setText((r.code() == 0 ? "???" : String.valueOf(r.code())) + " " + oneLine(r));
                getStyleClass().add(styleOf(r));
            }
        });
        reply.setPrefWidth(360);
        envelope.getColumns().setAll(List.of(tx, field, value, reply));
        envelopeTab.setContent(envelope);
    }

    private void buildMessages() {
        messages.setId("smtp-messages");
        messages.setPlaceholder(new Label("No message transferred yet"));
        messages.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(SmtpMessage m, boolean empty) {
                super.updateItem(m, empty);
                setText(empty || m == null ? null : messageTitle(m));
            }
        });
        messages.getSelectionModel().selectedItemProperty().addListener((obs, old, m) -> showMessage(m));

        partText.setId("smtp-part-text");
        partText.setEditable(false);
        partText.setWrapText(true);
        partText.getStyleClass().add(MONO);

        parts.setId("smtp-parts");
        parts.setShowRoot(true);
        parts.setCellFactory(t -> new TreeCell<>() {
            @Override
            protected void updateItem(MimePart p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : partTitle(p));
            }
        });
        parts.getSelectionModel().selectedItemProperty().addListener((obs, old, item) ->
                showPart(item == null ? null : item.getValue()));

        attachments.setId("smtp-attachments");
        attachments.setPlaceholder(new Label("No attachments"));
        attachments.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(MimePart p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null
                        : p.safeFileName() + "  (" + p.mediaType() + ", " + bytes(p.size()) + ")");
            }
        });
        saveAttachment.setId("smtp-save-attachment");
        saveAttachment.setDisable(true);
        attachments.getSelectionModel().selectedItemProperty().addListener((obs, old, p) ->
                saveAttachment.setDisable(p == null));
        saveAttachment.setOnAction(e -> saveSelectedAttachment());

        Label partsTitle = new Label("MIME parts");
        Label attachmentsTitle = new Label("Attachments");
        partsTitle.getStyleClass().add("wl-view-title");
        attachmentsTitle.getStyleClass().add("wl-view-title");
        VBox.setVgrow(parts, Priority.ALWAYS);
        VBox.setVgrow(attachments, Priority.SOMETIMES);
        attachments.setPrefHeight(90);
        attachments.setMinHeight(64);
        parts.setMinHeight(80);
        VBox tree = new VBox(4, partsTitle, parts, attachmentsTitle, attachments, saveAttachment);
        tree.setPadding(new Insets(4));
        SplitPane content = new SplitPane(HeadText.scrolled(headers), partText);
        content.setOrientation(Orientation.VERTICAL);
        content.setDividerPositions(0.4);
        SplitPane pane = new SplitPane(messages, tree, content);
        pane.setDividerPositions(0.2, 0.5);
        messagesTab.setContent(pane);
    }

    private void buildLists() {
        credentials.setId("smtp-credentials");
        credentials.setPlaceholder(new Label("No AUTH in this session"));
        credentials.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(Credentials c, boolean empty) {
                super.updateItem(c, empty);
                getStyleClass().remove(CREDENTIALS);
                if (empty || c == null) {
                    setText(null);
                    return;
                }
                setText("#" + c.exchangeNumber() + "  " + (reveal.isSelected() ? c.revealed() : c.masked()));
                getStyleClass().add(CREDENTIALS);
            }
        });
        credentialsTab.setContent(credentials);
        problems.setId("smtp-problems");
        problems.setPlaceholder(new Label("No problems: everything looked like SMTP"));
        problems.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(String p, boolean empty) {
                super.updateItem(p, empty);
                getStyleClass().remove(PROBLEM);
                setText(empty ? null : p);
                if (!empty && p != null) {
                    getStyleClass().add(PROBLEM);
                }
            }
        });
        problemsTab.setContent(problems);
    }

    // ---- showing a snapshot (FX thread, at most once per pulse) ----

    private void show(Snapshot snapshot) {
        SmtpSession s = snapshot.session();
        this.session = s;
        this.parsed = snapshot.parsed();
        if (baseNanos == 0 && !s.exchanges().isEmpty()) {
            baseNanos = s.exchanges().get(0).timeNanos();
        }
        List<TranscriptRow> rows = new ArrayList<>(s.exchanges().size() + 1);
        for (Exchange e : s.exchanges()) {
            rows.add(new TranscriptRow(e, null, null));
            if (s.tls() && e.number() == s.tlsAfterExchange()) {
                rows.add(new TranscriptRow(null,
                        "TLS from here on (STARTTLS accepted): the client sent " + bytes(s.tlsClientBytes()),
                        "the server sent " + bytes(s.tlsServerBytes()) + "; relayed untouched, not decoded"));
            }
        }
        update(transcriptRows, rows);
        update(envelopeRows, envelopeOf(s));
        if (s.messages().size() > messageRows.size()) { // complete messages never change: append only
            messageRows.addAll(s.messages().subList(messageRows.size(), s.messages().size()));
        }
        update(credentialRows, s.credentials());
        List<String> allProblems = new ArrayList<>(s.problems());
        for (SmtpMessage m : s.messages()) {
            MimeMessage mime = parsed.get(m.number());
            if (mime != null) {
                mime.problems().forEach(p -> allProblems.add("message " + m.number() + ", " + p));
            }
        }
        allProblems.addAll(readProblems);
        update(problemRows, allProblems);

        envelopeTab.setText("Envelope (" + s.transactions().size() + ")");
        messagesTab.setText("Messages (" + s.messages().size() + ")");
        credentialsTab.setText("Credentials (" + s.credentials().size() + ")");
        problemsTab.setText("Problems (" + allProblems.size() + ")");
        exportEml.setDisable(s.messages().isEmpty());
        summary.setText(summaryOf(s));
        summary.getStyleClass().remove(TLS);
        if (s.tls()) {
            summary.getStyleClass().add(TLS);
        }
        if (messages.getSelectionModel().isEmpty() && !messageRows.isEmpty()) {
            messages.getSelectionModel().select(0);
        }
    }

    private void readProblem(String problem) {
        if (!readProblems.contains(problem)) {
            readProblems.add(problem);
            problemRows.add(problem);
        }
    }

    /** Replaces only what changed, so selection and scrolling survive a redraw. */
    private static <T> void update(ObservableList<T> target, List<T> source) {
        int common = Math.min(target.size(), source.size());
        for (int i = 0; i < common; i++) {
            if (!target.get(i).equals(source.get(i))) {
                target.set(i, source.get(i));
            }
        }
        if (target.size() > source.size()) {
            target.remove(source.size(), target.size());
        } else if (source.size() > common) {
            target.addAll(source.subList(common, source.size()));
        }
    }

    private String summaryOf(SmtpSession s) {
        long commands = s.exchanges().stream().filter(e -> e.kind() == Exchange.Kind.COMMAND).count();
        StringBuilder sb = new StringBuilder("SMTP \u00b7 connection ").append(connectionId).append(" \u00b7 ")
                .append(commands).append(commands == 1 ? " command" : " commands");
        long delivered = s.transactions().stream().filter(t -> t.result() == SmtpTransaction.Result.DELIVERED).count();
        sb.append(" \u00b7 ").append(s.transactions().size()).append(s.transactions().size() == 1 ? " transaction" : " transactions");
        if (!s.transactions().isEmpty()) {
            sb.append(" (").append(delivered).append(" delivered)");
        }
        sb.append(" \u00b7 ").append(s.messages().size()).append(s.messages().size() == 1 ? " message" : " messages");
        if (s.tls()) {
            sb.append(" \u00b7 TLS after #").append(s.tlsAfterExchange());
        }
        if (!s.problems().isEmpty()) {
            sb.append(" \u00b7 ").append(s.problems().size()).append(s.problems().size() == 1 ? " problem" : " problems");
        }
        return sb.toString();
    }

    private static List<EnvelopeRow> envelopeOf(SmtpSession s) {
        List<EnvelopeRow> rows = new ArrayList<>();
        for (SmtpTransaction t : s.transactions()) {
            int n = t.number();
            String from = t.mailFrom() == null ? "(no MAIL command)" : "<" + t.mailFrom() + ">"
                    + (t.mailParameters().isEmpty() ? "" : " " + t.mailParameters());
            rows.add(new EnvelopeRow(n, "MAIL FROM", from, t.mailReply()));
            for (SmtpTransaction.Recipient r : t.recipients()) {
                rows.add(new EnvelopeRow(n, "RCPT TO", "<" + r.address() + ">"
                        + (r.parameters().isEmpty() ? "" : " " + r.parameters()), r.reply()));
            }
            String size = t.messageNumber() == 0 && t.messageSize() == 0 ? "no message"
                    : bytes(t.messageSize()) + (t.messageNumber() == 0 ? " (arriving)" : " (message " + t.messageNumber() + ")");
            rows.add(new EnvelopeRow(n, "Message", size, t.dataReply()));
            rows.add(new EnvelopeRow(n, "Result", t.result().name().toLowerCase(Locale.ROOT)
                    + " \u00b7 " + t.acceptedRecipients() + " of " + t.recipients().size() + " recipients accepted", null));
        }
        return rows;
    }

    private String timeOf(TranscriptRow row) {
        if (row.exchange() == null || baseNanos == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "+%.3f s", (row.exchange().timeNanos() - baseNanos) / 1e9);
    }

    private String commandText(TranscriptRow row) {
        if (row.exchange() == null) {
            return row.note();
        }
        Exchange e = row.exchange();
        return switch (e.kind()) {
            case GREETING -> "(connected: greeting)";
            case UNSOLICITED_REPLY -> "(no command: unsolicited reply)";
            case MESSAGE -> "\u2709 " + e.command();
            case INCOMPLETE -> e.command() + "  (incomplete line)";
            default -> e.display(reveal.isSelected());
        };
    }

    private static String replyText(TranscriptRow row) {
        if (row.exchange() == null) {
            return row.serverNote();
        }
        SmtpReply reply = row.exchange().reply();
        return reply == null ? "(waiting for the reply)" : oneLine(reply);
    }

    /** Multi-line replies joined on one line (EHLO keywords separated by " · "); the tooltip has the lines. */
    private static String oneLine(SmtpReply reply) {
        return reply.text().replace("\n", " \u00b7 ");
    }

    private String messageTitle(SmtpMessage m) {
        MimeMessage mime = parsed.get(m.number());
        String subject = mime == null || mime.subject() == null ? "(no subject)" : mime.subject();
        return "#" + m.number() + "  " + subject + "\n" + bytes(m.size()) + (m.viaBdat() ? " via BDAT" : " via DATA")
                + (mime == null ? "" : " \u00b7 " + mime.attachments().size() + " attachment"
                        + (mime.attachments().size() == 1 ? "" : "s"));
    }

    private static String partTitle(MimePart p) {
        StringBuilder sb = new StringBuilder(p.path().isEmpty() ? "message" : p.path());
        sb.append("  ").append(p.mediaType());
        if (p.isText()) {
            sb.append("; ").append(p.charset().name().toLowerCase(Locale.ROOT));
        }
        if (!p.transferEncoding().equals("7bit")) {
            sb.append(" \u00b7 ").append(p.transferEncoding());
        }
        if (!p.isMultipart()) {
            sb.append(" \u00b7 ").append(bytes(p.size()));
        }
        if (p.fileName() != null) {
            sb.append(" \u00b7 \u201c").append(p.fileName()).append('\u201d');
        }
        return sb.toString();
    }

    private void showMessage(SmtpMessage m) {
        MimeMessage mime = m == null ? null : parsed.get(m.number());
        if (mime == null) {
            HeadText.show(headers, "");
            parts.setRoot(null);
            partText.clear();
            attachmentRows.clear();
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (MimeHeader h : mime.root().headers()) {
            sb.append(h.name()).append(": ").append(h.value()).append('\n');
        }
        HeadText.show(headers, sb.toString().stripTrailing());
        TreeItem<MimePart> root = treeOf(mime.root());
        parts.setRoot(root);
        attachmentRows.setAll(mime.attachments());
        MimePart first = mime.textParts().isEmpty() ? mime.root() : mime.textParts().get(0);
        selectPart(root, first);
    }

    private void selectPart(TreeItem<MimePart> item, MimePart wanted) {
        if (item.getValue() == wanted) {
            parts.getSelectionModel().select(item);
            return;
        }
        for (TreeItem<MimePart> child : item.getChildren()) {
            selectPart(child, wanted);
        }
    }

    private static TreeItem<MimePart> treeOf(MimePart part) {
        TreeItem<MimePart> item = new TreeItem<>(part);
        item.setExpanded(true);
        for (MimePart child : part.children()) {
            item.getChildren().add(treeOf(child));
        }
        return item;
    }

    private void showPart(MimePart p) {
        if (p == null) {
            partText.clear();
        } else if (p.isMultipart()) {
            partText.setText("(" + p.mediaType() + " with " + p.children().size() + " parts: select one in the tree)");
        } else if (p.isText() && !p.isAttachment() || p.isText() && p.size() < MAX_PART_CHARS) {
            String text = p.text();
            partText.setText(text.length() > MAX_PART_CHARS
                    ? text.substring(0, MAX_PART_CHARS) + "\n\u2026 (cut: " + bytes(p.size()) + " in all; save it to see everything)"
                    : text);
        } else {
            partText.setText("(" + bytes(p.size()) + " of " + p.mediaType()
                    + (p.fileName() == null ? "" : ", \u201c" + p.fileName() + "\u201d")
                    + ": select it under Attachments and use \u201cSave attachment\u2026\u201d)");
        }
    }

    // ---- saving ----

    private void saveSelectedAttachment() {
        MimePart part = attachments.getSelectionModel().getSelectedItem();
        if (part == null) {
            return;
        }
        Path target = chooseFile.apply(getScene() == null ? null : getScene().getWindow(), part.safeFileName());
        if (target == null) {
            return;
        }
        status.setText("saving " + part.safeFileName() + "\u2026");
        saving.execute(() -> {
            String outcome;
            try {
                MimeMessage.save(part, target);
                outcome = "saved " + bytes(part.size()) + " to " + target;
            } catch (IOException e) {
                outcome = "could not save to " + target + ": " + e.getMessage();
            }
            String text = outcome;
            Platform.runLater(() -> status.setText(text));
        });
    }

    private void exportMessages() {
        SmtpSession s = session;
        if (s == null || s.messages().isEmpty()) {
            return;
        }
        Path dir = chooseFolder.apply(getScene() == null ? null : getScene().getWindow());
        if (dir == null) {
            return;
        }
        List<SmtpMessage> list = s.messages();
        status.setText("exporting " + list.size() + " messages\u2026");
        saving.execute(() -> {
            String outcome;
            try {
                List<Path> written = EmlExport.exportEml(list, dir);
                outcome = "exported " + written.size() + (written.size() == 1 ? " message" : " messages") + " to " + dir;
            } catch (IOException e) {
                outcome = "could not export to " + dir + ": " + e.getMessage();
            }
            String text = outcome;
            Platform.runLater(() -> status.setText(text));
        });
    }

    private static Path chooseFileToSave(Window owner, String suggested) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save attachment");
        chooser.setInitialFileName(suggested);
        java.io.File f = chooser.showSaveDialog(owner);
        return f == null ? null : f.toPath();
    }

    private static Path chooseFolder(Window owner) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Export messages as .eml into folder");
        java.io.File f = chooser.showDialog(owner);
        return f == null ? null : f.toPath();
    }

    /** 1234 -> "1 234 B", 56789 -> "55.5 KiB". */
    static String bytes(long n) {
        if (n < 10_000) {
            return n + " B";
        }
        if (n < 10L << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
    }

    /** Feeds the SMTP decoder from the follower's thread and parses each new message there too. */
    private static final class SessionDecoder implements ProtocolFollower.Decoder<Snapshot> {
        private final SmtpDecoder decoder;
        private final Map<Integer, MimeMessage> parsed = new HashMap<>();
        private boolean ended;

        SessionDecoder(long connectionId) {
            decoder = new SmtpDecoder(connectionId);
        }

        @Override
        public void chunk(ChunkInfo chunk, byte[] forwarded) {
            if (chunk.direction() == Direction.CLIENT_TO_SERVER) {
                decoder.fromClient(forwarded, chunk.timeNanos());
            } else {
                decoder.fromServer(forwarded, chunk.timeNanos());
            }
        }

        @Override
        public void connection(ConnectionInfo info) {
            if (!info.isOpen() && !ended) {
                ended = true;
                decoder.end();
            }
        }

        @Override
        public Snapshot snapshot() {
            SmtpSession s = decoder.session();
            for (SmtpMessage m : s.messages()) {
                parsed.computeIfAbsent(m.number(), k -> MimeMessage.parse(m.bytes()));
            }
            return new Snapshot(s, Map.copyOf(parsed));
        }
    }
}
