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
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.TreeView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.DirectoryChooser;
import javafx.stage.Window;
import org.fxmisc.richtext.StyleClassedTextArea;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.Direction;
import wirelens.proto.smtp.Credentials;
import wirelens.proto.smtp.EmlExport;
import wirelens.proto.smtp.Exchange;
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
    private final SmtpTranscript transcript = new SmtpTranscript(reveal::isSelected);
    private final ObservableList<EnvelopeRow> envelopeRows = FXCollections.observableArrayList();
    private final TableView<EnvelopeRow> envelope = new TableView<>(envelopeRows);
    private final ObservableList<Credentials> credentialRows = FXCollections.observableArrayList();
    private final ListView<Credentials> credentials = new ListView<>(credentialRows);
    private final ObservableList<String> problemRows = FXCollections.observableArrayList();
    private final ListView<String> problems = new ListView<>(problemRows);
    private final Tab envelopeTab = new Tab("Envelope");
    private final Tab messagesTab = new Tab("Messages");
    private final Tab credentialsTab = new Tab("Credentials");
    private final Tab problemsTab = new Tab("Problems");
    private final TabPane details = new TabPane(envelopeTab, messagesTab, credentialsTab, problemsTab);
    private final List<String> readProblems = new ArrayList<>();
    private SmtpSession session;

    /** Asks where to save one file (suggested name given); null when the user cancels. Replaced by tests. */
    BiFunction<Window, String, Path> chooseFile = MimeView::chooseFileToSave;
    /** Asks for a folder; null when the user cancels. Replaced by tests. */
    Function<Window, Path> chooseFolder = SmtpView::chooseFolder;
    private final SmtpMessages messagesPart = new SmtpMessages(saving, (w, name) -> chooseFile.apply(w, name),
            status::setText);

    /** Shows connection {@code connectionId} of {@code file} (a live recorder's file or a reopened capture). */
    public SmtpView(CaptureFile file, long connectionId, Pulse pulse) {
        this.connectionId = connectionId;
        getStyleClass().add(VIEW);
        getStylesheets().add(STYLESHEET);
        setId("smtp-view-" + connectionId);
        buildEnvelope();
        messagesTab.setContent(messagesPart.node());
        buildLists();

        summary.getStyleClass().add(SUMMARY);
        summary.setId("smtp-summary");
        status.getStyleClass().add(STATUS);
        status.setId("smtp-status");
        reveal.setId("smtp-reveal");
        reveal.selectedProperty().addListener((obs, was, on) -> {
            reveal.setText(on ? "Hide credentials" : "Reveal credentials");
            transcript.table().refresh();
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
        SplitPane split = new SplitPane(transcript.table(), details);
        split.setOrientation(Orientation.VERTICAL);
        // the transcript is what a user reads first: a whole session (greeting to QUIT, about eight rows)
        // fits in the default window; the details below scroll
        split.setDividerPositions(0.64);
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
        return transcript.table();
    }

    TableView<EnvelopeRow> envelope() {
        return envelope;
    }

    ListView<SmtpMessage> messages() {
        return messagesPart.messages();
    }

    public ListView<MimePart> attachments() {
        return messagesPart.attachments();
    }

    TreeView<MimePart> parts() {
        return messagesPart.parts();
    }

    TextArea partText() {
        return messagesPart.partText();
    }

    StyleClassedTextArea headers() {
        return messagesPart.headers();
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
        transcript.show(s);
        update(envelopeRows, envelopeOf(s));
        messagesPart.update(s.messages(), snapshot.parsed());
        update(credentialRows, s.credentials());
        List<String> allProblems = new ArrayList<>(s.problems());
        for (SmtpMessage m : s.messages()) {
            MimeMessage mime = snapshot.parsed().get(m.number());
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
        messagesPart.selectFirstIfNone();
    }

    private void readProblem(String problem) {
        if (!readProblems.contains(problem)) {
            readProblems.add(problem);
            problemRows.add(problem);
        }
    }

    /** Replaces only what changed, so selection and scrolling survive a redraw. */
    static <T> void update(ObservableList<T> target, List<T> source) {
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
                    : Units.bytes(t.messageSize()) + (t.messageNumber() == 0 ? " (arriving)" : " (message " + t.messageNumber() + ")");
            rows.add(new EnvelopeRow(n, "Message", size, t.dataReply()));
            rows.add(new EnvelopeRow(n, "Result", t.result().name().toLowerCase(Locale.ROOT)
                    + " \u00b7 " + t.acceptedRecipients() + " of " + t.recipients().size() + " recipients accepted", null));
        }
        return rows;
    }

    /** Multi-line replies joined on one line (EHLO keywords separated by " · "); the tooltip has the lines. */
    static String oneLine(SmtpReply reply) {
        return reply.text().replace("\n", " \u00b7 ");
    }

    // ---- saving ----

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

    private static Path chooseFolder(Window owner) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Export messages as .eml into folder");
        java.io.File f = chooser.showDialog(owner);
        return f == null ? null : f.toPath();
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
