package wirelens.ui.intercept;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;
import wirelens.intercept.Resender;
import wirelens.proto.http.Bodies;
import wirelens.proto.http.Header;
import wirelens.ui.base.Background;

/**
 * Edit and resend, one window per request: the request's method, URL, headers and body to edit; Send sends
 * the edit through the engine's Resend listener (so the exchange shows up as a connection of that listener,
 * recorded like any other), Send again sends the last request sent once more, and the history lists what
 * was sent from this window with its answer; picking an entry shows it again.
 */
public final class ResendEditor {

    /** One send from this editor and what came back (or why nothing did). */
    record Sent(int number, Resender.Request request, Resender.Sent result, String problem) {
        @Override
        public String toString() {
            String answer = problem != null ? problem : result.head().status() + " " + result.head().reason()
                    + " \u00b7 " + result.response().length + " B \u00b7 " + result.millis() + " ms";
            return "#" + number + " " + request.method() + " " + request.url() + " \u2192 " + answer;
        }
    }

    private final Resender resender;
    private final Stage stage = new Stage();
    private final MessageEditor editor = new MessageEditor("resend");
    private final TextArea response = new TextArea();
    private final ObservableList<Sent> history = FXCollections.observableArrayList();
    private final ListView<Sent> historyList = new ListView<>(history);
    private final Button send = new Button("Send");
    private final Button sendAgain = new Button("Send again");
    private final Label status = new Label();
    private Resender.Request last;

    private ResendEditor(Resender resender, Window owner) {
        this.resender = resender;
        stage.initOwner(owner);
        send.setId("resend-send");
        send.getStyleClass().add(InterceptStyles.PRIMARY);
        send.setDefaultButton(false);
        send.setOnAction(e -> send(null));
        sendAgain.setId("resend-again");
        sendAgain.setDisable(true);
        sendAgain.setOnAction(e -> send(last));
        status.setId("resend-status");
        status.setWrapText(true);
        response.setId("resend-response");
        response.setEditable(false);
        response.getStyleClass().add(InterceptStyles.EDITOR);
        historyList.setId("resend-history");
        historyList.setPrefHeight(120);
        historyList.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) {
                showSent(now, true);
            }
        });
        HBox buttons = new HBox(6, send, sendAgain, status);
        HBox.setHgrow(status, Priority.ALWAYS);
        VBox left = new VBox(6, new Label("Request"), editor.node(), buttons);
        VBox.setVgrow(editor.node(), Priority.ALWAYS);
        VBox right = new VBox(6, new Label("Response"), response, new Label("Sent from this editor"), historyList);
        VBox.setVgrow(response, Priority.ALWAYS);
        SplitPane split = new SplitPane(left, right);
        split.setOrientation(Orientation.HORIZONTAL);
        BorderPane root = new BorderPane(split);
        root.setId("resend-editor");
        root.setPadding(new Insets(8));
        root.getStylesheets().add(InterceptStyles.STYLESHEET);
        Scene scene = new Scene(root, 1000, 640);
        if (owner != null && owner.getScene() != null) {
            scene.getStylesheets().addAll(owner.getScene().getStylesheets());
        }
        stage.setScene(scene);
    }

    /**
     * Opens an editor on a request: its method, absolute URL ({@code https://} for one Wirelens decrypted),
     * headers and body as sent.
     */
    public static ResendEditor open(Resender resender, Window owner, String method, String url, List<Header> headers,
            byte[] body) {
        ResendEditor e = new ResendEditor(resender, owner);
        e.editor.loadRequest(method, url, "HTTP/1.1", headers, body);
        e.stage.setTitle("Edit and resend \u2014 " + method + " " + url);
        e.stage.show();
        return e;
    }

    Stage stage() {
        return stage;
    }

    private void send(Resender.Request again) {
        Resender.Request request;
        try {
            request = again != null ? again : new Resender.Request(editor.method(), editor.url(), editor.headers(),
                    editor.body(), editor.bodyDecoded());
            Resender.wire(request); // says what is wrong before anything leaves
        } catch (IllegalArgumentException e) {
            InterceptStyles.note(status, e.getMessage(), true);
            return;
        }
        last = request;
        send.setDisable(true);
        sendAgain.setDisable(true);
        InterceptStyles.note(status, "sending\u2026", false);
        Background.execute(() -> {
            Resender.Sent result = null;
            String problem = null;
            try {
                result = resender.send(request);
            } catch (IOException | RuntimeException x) {
                problem = x.getMessage() == null ? x.getClass().getSimpleName() : x.getMessage();
            }
            Sent sent = new Sent(history.size() + 1, request, result, problem);
            Platform.runLater(() -> {
                history.add(sent);
                send.setDisable(false);
                sendAgain.setDisable(false);
                showSent(sent, false);
            });
        });
    }

    private void showSent(Sent sent, boolean loadRequest) {
        if (loadRequest) {
            editor.loadRequest(sent.request().method(), sent.request().url(), "HTTP/1.1", sent.request().headers(),
                    sent.request().body());
        }
        if (sent.problem() != null) {
            response.setText("");
            InterceptStyles.note(status, "#" + sent.number() + " failed: " + sent.problem(), true);
            return;
        }
        Resender.Sent r = sent.result();
        String body;
        try {
            body = Bodies.render(r.head().header("Content-Type"), Bodies.decode(r.head().header("Content-Encoding"), r.body()));
        } catch (IOException e) {
            body = new String(r.body(), StandardCharsets.ISO_8859_1);
        }
        response.setText(r.head().toWireText().replace("\r\n", "\n") + body);
        InterceptStyles.note(status, "#" + sent.number() + ": " + r.head().status() + " " + r.head().reason()
                + " in " + r.millis() + " ms", false);
    }
}
