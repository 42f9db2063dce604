package wirelens.ui.protocol;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TreeView;
import javafx.stage.Window;
import org.fxmisc.richtext.StyleClassedTextArea;
import wirelens.base.Units;
import wirelens.proto.smtp.MimeMessage;
import wirelens.proto.smtp.MimePart;
import wirelens.proto.smtp.SmtpMessage;

/**
 * The SMTP view's Messages tab: the messages a session transferred beside the selected one's
 * {@link MimeView}. Complete messages never change, so the list only grows.
 */
final class SmtpMessages {
    private final ObservableList<SmtpMessage> messageRows = FXCollections.observableArrayList();
    private final ListView<SmtpMessage> messages = new ListView<>(messageRows);
    private final MimeView mime;
    private final Node node;
    private Map<Integer, MimeMessage> parsed = Map.of();

    SmtpMessages(Executor saving, BiFunction<Window, String, Path> chooseFile, Consumer<String> status) {
        mime = new MimeView("smtp", saving, chooseFile, status);
        messages.setId("smtp-messages");
        messages.setPlaceholder(new Label("No message transferred yet"));
        messages.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(SmtpMessage m, boolean empty) {
                super.updateItem(m, empty);
                setText(empty || m == null ? null : messageTitle(m));
            }
        });
        messages.getSelectionModel().selectedItemProperty().addListener((obs, old, m) ->
                mime.show(m == null ? null : parsed.get(m.number())));
        SplitPane pane = new SplitPane(messages, mime.node());
        pane.setDividerPositions(0.2);
        this.node = pane;
    }

    private String messageTitle(SmtpMessage m) {
        MimeMessage parsedMessage = parsed.get(m.number());
        String subject = parsedMessage == null || parsedMessage.subject() == null ? "(no subject)" : parsedMessage.subject();
        return "#" + m.number() + "  " + subject + "\n" + Units.bytes(m.size()) + (m.viaBdat() ? " via BDAT" : " via DATA")
                + (parsedMessage == null ? "" : " \u00b7 " + parsedMessage.attachments().size() + " attachment"
                        + (parsedMessage.attachments().size() == 1 ? "" : "s"));
    }

    Node node() {
        return node;
    }

    /** Takes the session's messages as of a snapshot (FX thread): new ones are appended. */
    void update(List<SmtpMessage> all, Map<Integer, MimeMessage> parsed) {
        this.parsed = parsed;
        if (all.size() > messageRows.size()) {
            messageRows.addAll(all.subList(messageRows.size(), all.size()));
        }
    }

    /** Selects the first message when none is selected yet. */
    void selectFirstIfNone() {
        if (messages.getSelectionModel().isEmpty() && !messageRows.isEmpty()) {
            messages.getSelectionModel().select(0);
        }
    }

    ListView<SmtpMessage> messages() {
        return messages;
    }

    ListView<MimePart> attachments() {
        return mime.attachments();
    }

    TreeView<MimePart> parts() {
        return mime.parts();
    }

    TextArea partText() {
        return mime.partText();
    }

    StyleClassedTextArea headers() {
        return mime.headers();
    }
}
