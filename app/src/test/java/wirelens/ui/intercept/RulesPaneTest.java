package wirelens.ui.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.control.ChoiceBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.intercept.Rule;
import wirelens.intercept.RulesFiles;
import wirelens.intercept.RulesHook;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Fx;
import wirelens.testkit.Latin1;
import wirelens.testkit.Loopback;
import wirelens.testkit.RecordingServer;
import wirelens.testkit.Wait;
import wirelens.ui.base.Theme;

/** The rules pane edits the rules a real engine applies, and keeps them in a file. */
@ExtendWith(ApplicationExtension.class)
class RulesPaneTest {
    @TempDir
    static Path dir;
    private EngineRig rig;
    private RulesHook hook;
    private Stage stage;

    @Start
    void start(Stage stage) {
        Theme.install(); // the look of the window, for the screenshots
        this.stage = stage;
        rig = new EngineRig();
        hook = new RulesHook(List.of());
        rig.engine.setHooks(List.of(hook));
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    private RulesPane show(Path file) throws Exception {
        return fx(() -> {
            RulesPane pane = new RulesPane(file, hook::setRules);
            stage.setScene(new Scene((javafx.scene.Parent) pane.node(), 900, 420));
            stage.show();
            return pane;
        });
    }

    /** Sends {@code text} through a fresh connection and returns what the server got. */
    private String through(String text, int expectedLength) throws Exception {
        try (RecordingServer server = new RecordingServer();
                Socket client = Loopback.connect(rig.forward(server.port(), "rules"))) {
            Loopback.send(client, Latin1.bytes(text));
            client.shutdownOutput();
            Wait.until("the server to see the client's EOF", server::sawEof);
            assertEquals(expectedLength, server.receivedBytes().length, server.receivedText());
            return server.receivedText();
        }
    }

    @Test
    void addingARuleRewritesTrafficAndIsSavedAndDisablingItStopsIt(FxRobot robot) throws Exception {
        Path file = dir.resolve("add/rules.json");
        RulesPane pane = show(file);
        robot.clickOn("#rule-pattern").write("secret plan");
        robot.clickOn("#rule-replacement").write("public plan");
        robot.clickOn("#rule-add");
        assertTrue(fx(pane::message).startsWith("Added"), fx(pane::message));

        assertEquals("the public plan\r\n", through("the secret plan\r\n", 17));
        assertEquals(List.of(Rule.of(wirelens.intercept.DirectionFilter.BOTH, Rule.Kind.TEXT, "secret plan",
                "public plan")), RulesFiles.load(file), "saved at once");

        robot.clickOn(".wl-rule-enabled"); // the On check box of the only rule
        assertEquals("the secret plan\r\n", through("the secret plan\r\n", 17));
        assertEquals(false, RulesFiles.load(file).get(0).enabled());

        // a pane opened later (the next start) has the rule, disabled
        RulesPane again = show(file);
        assertEquals(1, fx(() -> again.rules().size()));
        assertEquals(false, fx(() -> again.rules().get(0).enabled()));
    }

    @Test
    void aBadRuleIsRefusedWithItsReasonAndRulesApplyInTheirOrder(FxRobot robot) throws Exception {
        Path file = dir.resolve("order/rules.json");
        RulesPane pane = show(file);
        @SuppressWarnings("unchecked")
        ChoiceBox<Rule.Kind> kind = (ChoiceBox<Rule.Kind>) robot.lookup("#rule-kind").query();
        fxRun(() -> kind.setValue(Rule.Kind.REGEX));
        robot.clickOn("#rule-pattern").write("^EHLO (\\S+");
        robot.clickOn("#rule-replacement").write("EHLO wirelens.test");
        robot.clickOn("#rule-add");
        assertTrue(fx(pane::message).startsWith("Rule not applied:"), fx(pane::message));
        assertEquals(0, fx(() -> pane.rules().size()));
        assertTrue(fx(() -> robot.lookup("#rule-pattern").query().getStyleClass().contains(InterceptStyles.INVALID)));

        fxRun(() -> robot.lookup("#rule-pattern").queryAs(javafx.scene.control.TextField.class).setText("^EHLO \\S+"));
        robot.clickOn("#rule-add");
        assertEquals("EHLO wirelens.test\r\n", through("EHLO laptop.local\r\n", 20));

        // a second rule sees the first one's output: wirelens.test -> wirelens.example
        fxRun(() -> kind.setValue(Rule.Kind.TEXT));
        fxRun(() -> robot.lookup("#rule-pattern").queryAs(javafx.scene.control.TextField.class).setText("wirelens.test"));
        fxRun(() -> robot.lookup("#rule-replacement").queryAs(javafx.scene.control.TextField.class)
                .setText("wirelens.example"));
        robot.clickOn("#rule-add");
        assertEquals("EHLO wirelens.example\r\n", through("EHLO laptop.local\r\n", 23));

        // moved up, it runs first and finds nothing to replace
        robot.clickOn("#rule-up");
        assertEquals("wirelens.test", fx(() -> pane.rules().get(0).pattern()));
        assertEquals("EHLO wirelens.test\r\n", through("EHLO laptop.local\r\n", 20));
        assertEquals("wirelens.test", RulesFiles.load(file).get(0).pattern(), "the order is saved");
        Fx.screenshot(robot.window(0).getScene(), "intercept-rules");
    }

    @Test
    void commandLineRulesApplyButAreNotSavedAndAnUnreadableFileIsLeftAlone(FxRobot robot) throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{ not json", StandardCharsets.UTF_8);
        RulesPane pane = show(file);
        assertTrue(fx(pane::message).startsWith("Cannot read the saved rules:"), fx(pane::message));
        fxRun(() -> pane.addCommandLineRules(List.of(Rule.parse("c2s:text:/ping/pong/"))));
        assertEquals("pong\n", through("ping\n", 5));

        robot.clickOn("#rule-pattern").write("pong");
        robot.clickOn("#rule-replacement").write("PONG");
        robot.clickOn("#rule-add");
        assertEquals("PONG\n", through("ping\n", 5), "the added rule applies after the command line's");
        assertTrue(fx(pane::message).contains("Not saved"), fx(pane::message));
        assertEquals("{ not json", Files.readString(file), "an unreadable file is never overwritten");

        Path fresh = dir.resolve("fresh.json");
        RulesPane other = show(fresh);
        fxRun(() -> other.addCommandLineRules(List.of(Rule.parse("c2s:text:/a/b/"))));
        robot.clickOn("#rule-pattern").write("x");
        robot.clickOn("#rule-add");
        assertEquals(List.of("x"), RulesFiles.load(fresh).stream().map(Rule::pattern).toList(),
                "only the pane's own rules are saved");
    }
}
