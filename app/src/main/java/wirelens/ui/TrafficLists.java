package wirelens.ui;

import java.io.IOException;
import java.util.List;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import wirelens.capture.CaptureFile;
import wirelens.mail.MailFeed;
import wirelens.mail.MailMessage;
import wirelens.mail.MailMessages;
import wirelens.ui.base.Background;
import wirelens.ui.base.Notifier;
import wirelens.ui.connections.ConnectionTable;
import wirelens.ui.messages.MessagesView;

/**
 * The lists above the stream tabs, one tab each: Connections (sockets) and Messages (mail across
 * connections). A live window feeds the Messages list from the recorder once per pulse; a viewer reads it
 * from the file once, in the background.
 */
final class TrafficLists {
    private final TabPane tabs = new TabPane();
    private final Tab connectionsTab;
    private final Tab messagesTab;
    private final MessagesView messages;

    TrafficLists(ConnectionTable connections, MessagesView messages) {
        this.messages = messages;
        connectionsTab = new Tab("Connections", connections.node());
        connectionsTab.setId("tab-connections");
        messagesTab = new Tab("Messages", messages.node());
        messagesTab.setId("tab-messages");
        for (Tab t : List.of(connectionsTab, messagesTab)) {
            t.setClosable(false);
        }
        tabs.setId("lists");
        tabs.getTabs().setAll(connectionsTab, messagesTab);
    }

    /**
     * Tells {@code wantsRoom} whether the chosen list shows its own detail (Messages does, under its rows),
     * so the window can give it more of the height the connection tabs use otherwise.
     */
    void onChosen(java.util.function.Consumer<Boolean> wantsRoom) {
        tabs.getSelectionModel().selectedItemProperty().addListener((obs, old, tab) -> wantsRoom.accept(tab != connectionsTab));
    }

    Node node() {
        return tabs;
    }

    TabPane tabs() {
        return tabs;
    }

    MessagesView messages() {
        return messages;
    }

    void showMessages() {
        tabs.getSelectionModel().select(messagesTab);
    }

    /** A live window's pulse: the mail rows that changed since the last one. */
    void drain(MailFeed mail) {
        messages.apply(mail.drain());
    }

    /** A viewer: every mail transaction of the file, read in the background. */
    void load(CaptureFile file, Notifier notifier) {
        Background.execute(() -> {
            try {
                List<MailMessage> rows = MailMessages.read(file);
                Platform.runLater(() -> messages.setAll(rows));
            } catch (IOException e) {
                Platform.runLater(() -> notifier.error("Could not read the mail messages of " + file.path().getFileName()
                        + ": " + e.getMessage()));
            }
        });
    }

    void setLimit(int limit) {
        messages.setLimit(limit);
    }
}
