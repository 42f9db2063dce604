package wirelens.ui.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import wirelens.base.Units;
import wirelens.proto.smtp.Exchange;
import wirelens.proto.smtp.SmtpReply;
import wirelens.proto.smtp.SmtpSession;

/**
 * The SMTP view's transcript: each command with the reply paired to it, reply codes coloured by class,
 * time since the greeting, the point where the session switched to TLS, and AUTH lines masked until
 * the user reveals them.
 */
final class SmtpTranscript {
    private final ObservableList<SmtpView.TranscriptRow> rows = FXCollections.observableArrayList();
    private final TableView<SmtpView.TranscriptRow> table = new TableView<>(rows);
    private final BooleanSupplier revealed;
    private long baseNanos;

    SmtpTranscript(BooleanSupplier revealed) {
        this.revealed = revealed;
        table.setId("smtp-transcript");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("No SMTP yet: waiting for the server's greeting"));

        TableColumn<SmtpView.TranscriptRow, String> number = new TableColumn<>("#");
        number.setCellValueFactory(c -> new ReadOnlyStringWrapper(
                c.getValue().exchange() == null ? "" : String.valueOf(c.getValue().exchange().number())));
        number.setPrefWidth(44);
        number.setMaxWidth(60);

        TableColumn<SmtpView.TranscriptRow, String> time = new TableColumn<>("Time");
        time.setCellValueFactory(c -> new ReadOnlyStringWrapper(timeOf(c.getValue())));
        time.setPrefWidth(78);
        time.setMaxWidth(110);

        TableColumn<SmtpView.TranscriptRow, SmtpView.TranscriptRow> command = new TableColumn<>("Client");
        command.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        command.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(SmtpView.TranscriptRow row, boolean empty) {
                super.updateItem(row, empty);
                getStyleClass().remove(SmtpView.CREDENTIALS);
                setTooltip(null);
                if (empty || row == null) {
                    setText(null);
                    return;
                }
                setText(commandText(row));
                if (row.exchange() != null && row.exchange().sensitive()) {
                    getStyleClass().add(SmtpView.CREDENTIALS);
                    setTooltip(new Tooltip(revealed.getAsBoolean() ? "credentials (revealed)"
                            : "credentials: masked, click \u201cReveal credentials\u201d to show them"));
                }
            }
        });
        command.setPrefWidth(380);

        TableColumn<SmtpView.TranscriptRow, SmtpReply> code = new TableColumn<>("Reply");
        code.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(
                c.getValue().exchange() == null ? null : c.getValue().exchange().reply()));
        code.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(SmtpReply reply, boolean empty) {
                super.updateItem(reply, empty);
                getStyleClass().removeAll(SmtpView.REPLY_2XX, SmtpView.REPLY_3XX, SmtpView.REPLY_4XX, SmtpView.REPLY_5XX, SmtpView.REPLY_UNKNOWN, SmtpView.WAITING);
                SmtpView.TranscriptRow row = getTableRow() == null ? null : getTableRow().getItem();
                if (empty || row == null || row.exchange() == null) {
                    setText(null);
                } else if (reply == null) {
                    setText("\u2026");
                    getStyleClass().add(SmtpView.WAITING);
                } else {
                    setText(reply.code() == 0 ? "???" : String.valueOf(reply.code()));
                    getStyleClass().add(SmtpView.styleOf(reply));
                }
            }
        });
        code.setPrefWidth(60);
        code.setMaxWidth(80);

        TableColumn<SmtpView.TranscriptRow, String> text = new TableColumn<>("Server");
        text.setCellValueFactory(c -> new ReadOnlyStringWrapper(replyText(c.getValue())));
        text.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String value, boolean empty) {
                super.updateItem(value, empty);
                setText(empty ? null : value);
                SmtpView.TranscriptRow row = getTableRow() == null ? null : getTableRow().getItem();
                SmtpReply reply = empty || row == null || row.exchange() == null ? null : row.exchange().reply();
                setTooltip(reply != null && reply.lines().size() > 1 ? new Tooltip(reply.raw()) : null);
            }
        });
        text.setPrefWidth(420);

        table.getColumns().setAll(List.of(number, time, command, code, text));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(SmtpView.TranscriptRow row, boolean empty) {
                super.updateItem(row, empty);
                getStyleClass().removeAll(SmtpView.CREDENTIALS, SmtpView.TLS, SmtpView.MESSAGE_ROW);
                if (empty || row == null) {
                    return;
                }
                if (row.exchange() == null) {
                    getStyleClass().add(SmtpView.TLS);
                } else if (row.exchange().sensitive()) {
                    getStyleClass().add(SmtpView.CREDENTIALS);
                } else if (row.exchange().kind() == Exchange.Kind.MESSAGE) {
                    getStyleClass().add(SmtpView.MESSAGE_ROW);
                }
            }
        });
    }

    private String timeOf(SmtpView.TranscriptRow row) {
        if (row.exchange() == null || baseNanos == 0) {
            return "";
        }
        return String.format(Locale.ROOT, "+%.3f s", (row.exchange().timeNanos() - baseNanos) / 1e9);
    }

    private String commandText(SmtpView.TranscriptRow row) {
        if (row.exchange() == null) {
            return row.note();
        }
        Exchange e = row.exchange();
        return switch (e.kind()) {
            case GREETING -> "(connected: greeting)";
            case UNSOLICITED_REPLY -> "(no command: unsolicited reply)";
            case MESSAGE -> "\u2709 " + e.command();
            case INCOMPLETE -> e.command() + "  (incomplete line)";
            default -> e.display(revealed.getAsBoolean());
        };
    }

    private static String replyText(SmtpView.TranscriptRow row) {
        if (row.exchange() == null) {
            return row.serverNote();
        }
        SmtpReply reply = row.exchange().reply();
        return reply == null ? "(waiting for the reply)" : SmtpView.oneLine(reply);
    }

    TableView<SmtpView.TranscriptRow> table() {
        return table;
    }

    /** Shows the session's exchanges as of a snapshot (FX thread). */
    void show(SmtpSession s) {
        if (baseNanos == 0 && !s.exchanges().isEmpty()) {
            baseNanos = s.exchanges().get(0).timeNanos();
        }
        List<SmtpView.TranscriptRow> shown = new ArrayList<>(s.exchanges().size() + 1);
        for (Exchange e : s.exchanges()) {
            shown.add(new SmtpView.TranscriptRow(e, null, null));
            if (s.tls() && e.number() == s.tlsAfterExchange() && !s.opaqueTls()) {
                shown.add(new SmtpView.TranscriptRow(null, "TLS from here on (STARTTLS accepted)",
                        "decrypted by Wirelens: what follows is what the client and the server said inside TLS"));
            } else if (s.tls() && e.number() == s.tlsAfterExchange()) {
                shown.add(new SmtpView.TranscriptRow(null,
                        "TLS from here on (STARTTLS accepted): the client sent " + Units.bytes(s.tlsClientBytes()),
                        "the server sent " + Units.bytes(s.tlsServerBytes()) + "; relayed untouched, not decoded"));
            }
        }
        SmtpView.update(rows, shown);
    }
}
