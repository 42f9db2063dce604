package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** Checks that the headless toolkit starts and a click reaches a button (the base of every window test). */
@ExtendWith(ApplicationExtension.class)
class MonocleSmokeTest {
    private Button button;
    private int clicks;

    @Start
    void start(Stage stage) {
        button = new Button("press");
        button.setId("press");
        button.setOnAction(e -> clicks++);
        stage.setScene(new Scene(button, 200, 100));
        stage.show();
    }

    @Test
    void clickReachesTheButton(FxRobot robot) {
        robot.clickOn("#press");
        assertEquals(1, clicks);
    }
}
