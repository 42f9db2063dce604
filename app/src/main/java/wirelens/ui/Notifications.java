package wirelens.ui;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javafx.animation.PauseTransition;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Styles;

/** Non-modal notifications stacked at the bottom right of the window; each fades out on its own. */
final class Notifications implements Notifier {
    private static final int MAX_SHOWN = 5;
    private static final Duration INFO_TIME = Duration.seconds(6);
    private static final Duration ERROR_TIME = Duration.seconds(20);

    private final VBox box = new VBox();
    private final List<String> history = new ArrayList<>();
    private final Set<String> toldOnce = new HashSet<>();

    Notifications() {
        box.getStyleClass().add(Styles.NOTIFICATIONS);
        box.setAlignment(Pos.BOTTOM_RIGHT);
        box.setPickOnBounds(false);
        box.setFillWidth(false);
        box.setMouseTransparent(false);
    }

    VBox node() {
        return box;
    }

    /** Every message shown so far, oldest first (for tests and the window's log). */
    List<String> history() {
        return List.copyOf(history);
    }

    @Override
    public void info(String message) {
        show(message, false);
    }

    /**
     * Tells {@code message} unless it was told before: the engine says the same thing for every connection
     * to a host (a client that refuses the CA, a server that fails verification).
     */
    void infoOnce(String message) {
        if (toldOnce.size() > 10_000) {
            toldOnce.clear();
        }
        if (toldOnce.add(message)) {
            info(message);
        }
    }

    @Override
    public void error(String message) {
        show(message, true);
    }

    /** A choice offered with a message: a button that does {@code action} and closes the notification. */
    record Choice(String label, String id, Runnable action) {}

    /** Tells {@code message} with a button per choice; it stays as long as an error does. */
    void offer(String message, List<Choice> choices) {
        toldOnce.add(message);
        HBox note = show(message, true);
        for (Choice c : choices) {
            Button b = new Button(c.label());
            b.setId(c.id());
            b.setOnAction(e -> {
                box.getChildren().remove(note);
                c.action().run();
            });
            note.getChildren().add(note.getChildren().size() - 1, b);
        }
    }

    private HBox show(String message, boolean error) {
        history.add(message);
        Label text = new Label(message);
        text.setWrapText(true);
        text.setMaxWidth(460);
        Button close = new Button("\u2715");
        HBox note = new HBox(text, close);
        note.getStyleClass().add(Styles.NOTIFICATION);
        if (error) {
            note.getStyleClass().add(Styles.NOTIFICATION_ERROR);
        }
        close.setOnAction(e -> box.getChildren().remove(note));
        box.getChildren().add(note);
        while (box.getChildren().size() > MAX_SHOWN) {
            box.getChildren().remove(0);
        }
        PauseTransition wait = new PauseTransition(error ? ERROR_TIME : INFO_TIME);
        wait.setOnFinished(e -> box.getChildren().remove(note));
        wait.play();
        return note;
    }
}
