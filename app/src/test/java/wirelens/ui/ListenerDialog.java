package wirelens.ui;

import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import javafx.scene.Node;
import javafx.scene.control.DialogPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.MouseButton;
import org.testfx.api.FxRobot;

/** The listener pane's add / edit dialog of one window, used as a user does: open, fill in, save or cancel. */
final class ListenerDialog {
    private final FxRobot robot;
    private final MainWindow window;

    private ListenerDialog(FxRobot robot, MainWindow window) {
        this.robot = robot;
        this.window = window;
    }

    /** Clicks Add… ({@code #listener-add}) or Edit… ({@code #listener-edit}) and waits for the dialog. */
    static ListenerDialog open(FxRobot robot, MainWindow window, String button) throws Exception {
        robot.clickOn(fx(() -> robot.from(window.stage().getScene().getRoot()).lookup(button).<Node>query()),
                MouseButton.PRIMARY);
        waitUntil("the listener dialog is open", () -> window.listenerPane().dialog() != null);
        return new ListenerDialog(robot, window);
    }

    DialogPane pane() throws Exception {
        return fx(() -> window.listenerPane().dialog());
    }

    <T extends Node> T node(String query, Class<T> type) throws Exception {
        DialogPane pane = pane();
        return fx(() -> robot.from(pane).lookup(query).queryAs(type));
    }

    /** Empties a field and types into it, as a user would after selecting its text. */
    ListenerDialog type(String query, String text) throws Exception {
        TextInputControl field = node(query, TextInputControl.class);
        robot.clickOn(field, MouseButton.PRIMARY); // keys go to the window clicked last, as for a user
        fxRun(() -> {
            field.clear();
            field.requestFocus();
        });
        if (!text.isEmpty()) {
            robot.write(text);
        }
        return this;
    }

    /** Presses the dialog's Add and start / Apply button; returns whether the dialog closed (it stays open on an error). */
    boolean save() throws Exception {
        robot.clickOn(node("#listener-save", Node.class), MouseButton.PRIMARY);
        return fx(() -> window.listenerPane().dialog() == null);
    }

    /** What the dialog says is wrong. */
    String error() throws Exception {
        javafx.scene.control.Label error = node("#listener-form-error", javafx.scene.control.Label.class);
        return fx(error::getText);
    }

    void cancel() throws Exception {
        DialogPane pane = pane();
        fxRun(() -> ((javafx.scene.control.Button) pane.lookupButton(javafx.scene.control.ButtonType.CANCEL)).fire());
        waitUntil("the listener dialog is closed", () -> window.listenerPane().dialog() == null);
    }
}
