package wirelens.ui;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import wirelens.capture.CaptureFile;
import wirelens.flows.Flow;
import wirelens.flows.FlowFeed;
import wirelens.flows.Flows;
import wirelens.mail.MailFeed;
import wirelens.mail.MailMessage;
import wirelens.mail.MailMessages;
import wirelens.proto.http.Exchange;
import wirelens.ui.base.Background;
import wirelens.ui.base.Notifier;
import wirelens.ui.connections.ConnectionTable;
import wirelens.ui.flows.FlowsView;
import wirelens.ui.messages.MessagesView;
import wirelens.ui.protocol.ResendRequested;

/**
 * The lists above the stream tabs, one tab each: Connections (sockets), Flows (HTTP exchanges across
 * connections) and Messages (mail across connections). A live window feeds Flows and Messages from the
 * recorder once per pulse; a viewer reads them from the file once, in the background. Flows and Messages
 * show their own detail under their rows, so choosing one asks the window for more height.
 */
final class TrafficLists {
    private final TabPane tabs = new TabPane();
    private final Tab connectionsTab;
    private final Tab flowsTab;
    private final Tab messagesTab;
    private final FlowsView flows;
    private final MessagesView messages;

    TrafficLists(ConnectionTable connections, FlowsView flows, MessagesView messages) {
        this.flows = flows;
        this.messages = messages;
        connectionsTab = new Tab("Connections", connections.node());
        connectionsTab.setId("tab-connections");
        flowsTab = new Tab("Flows", flows.node());
        flowsTab.setId("tab-flows");
        messagesTab = new Tab("Messages", messages.node());
        messagesTab.setId("tab-messages");
        for (Tab t : List.of(connectionsTab, flowsTab, messagesTab)) {
            t.setClosable(false);
        }
        tabs.setId("lists");
        tabs.getTabs().setAll(connectionsTab, flowsTab, messagesTab);
        flows.setOnScreen(false);
        tabs.getSelectionModel().selectedItemProperty().addListener((obs, old, tab) -> flows.setOnScreen(tab == flowsTab));
    }

    /** Tells {@code wantsRoom} whether the chosen list shows its own detail (Flows and Messages do). */
    void onChosen(Consumer<Boolean> wantsRoom) {
        tabs.getSelectionModel().selectedItemProperty().addListener((obs, old, tab) -> wantsRoom.accept(tab != connectionsTab));
    }

    /**
     * "Edit and resend…" on a flow: its request is read back from the capture off the FX thread, then asked
     * for as any view asks ({@link ResendRequested}), so the window's one editor opens.
     */
    void resendFrom(CaptureFile file, Notifier notifier) {
        flows.setOnEditAndResend(flow -> Background.execute(() -> {
            try {
                Optional<Exchange> exchange = Flows.exchange(file, flow);
                Platform.runLater(() -> exchange.ifPresentOrElse(
                        e -> ResendRequested.fireFor(flows.node(), file, flow.connectionId(), e, notifier::error),
                        () -> notifier.error("Flow #" + flow.number() + " is no longer in the capture")));
            } catch (IOException e) {
                Platform.runLater(() -> notifier.error("Cannot read flow #" + flow.number() + ": " + e.getMessage()));
            }
        }));
    }

    Node node() {
        return tabs;
    }

    TabPane tabs() {
        return tabs;
    }

    FlowsView flows() {
        return flows;
    }

    MessagesView messages() {
        return messages;
    }

    void showFlows() {
        tabs.getSelectionModel().select(flowsTab);
    }

    void showMessages() {
        tabs.getSelectionModel().select(messagesTab);
    }

    /** A live window's pulse: the rows that changed since the last one. */
    void drain(FlowFeed flowFeed, MailFeed mail) {
        flows.apply(flowFeed.drain());
        messages.apply(mail.drain());
    }

    /** A viewer: every flow and mail transaction of the file, read in the background. */
    void load(CaptureFile file, Notifier notifier) {
        Background.execute(() -> {
            try {
                List<Flow> all = Flows.read(file);
                Platform.runLater(() -> flows.setAll(all));
            } catch (IOException e) {
                Platform.runLater(() -> notifier.error("Could not read the HTTP flows of " + file.path().getFileName()
                        + ": " + e.getMessage()));
            }
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
        flows.setLimit(limit);
        messages.setLimit(limit);
    }

    /** Connections the window let go of (list limit, Clear): their rows go too. */
    void forget(Set<Long> connections) {
        flows.forget(connections);
        messages.forget(connections);
    }
}
