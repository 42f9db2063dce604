package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.capture.CaptureFile;
import wirelens.engine.ListenerConfig;
import wirelens.mail.MailMessage;
import wirelens.testkit.Aiosmtpd;
import wirelens.testkit.Commands;
import wirelens.testkit.Fx;
import wirelens.testkit.Loopback;
import wirelens.testkit.Swaks;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.listeners.ListenerSettings;

/**
 * The Messages list in the real window: swaks sends three messages through a forward listener to
 * aiosmtpd (one refused by the server), and the list shows each with its sender, recipients, subject and
 * result, filters them, shows the chosen one's MIME parts, exports .eml files, and comes back the same in a
 * viewer of the saved capture.
 */
@ExtendWith(ApplicationExtension.class)
class MessagesWindowTest {
    @TempDir
    static Path configDir;
    @TempDir
    Path dir;

    private MainWindow window;
    private int smtpPort;
    private Aiosmtpd smtpServer;

    @Start
    void start(Stage stage) throws Exception {
        smtpPort = Loopback.freePort();
        Path config = Files.createTempDirectory(configDir, "config");
        FileDialogs none = new LiveWindowTest.ScriptedDialogs();
        window = WirelensApp.live(stage, List.of(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", smtpPort)), null,
                new ListenerSettings(config.resolve("listeners.json")), none, path -> {});
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        fxRun(() -> window.stage().hide());
        if (smtpServer != null) {
            smtpServer.close();
        }
    }

    @Test
    void everyMessageIsARowAcrossConnections(FxRobot robot) throws Exception {
        Aiosmtpd.assumeInstalled();
        Swaks.assumeInstalled();
        // aiosmtpd refuses a message larger than --size: the third one is answered 552
        smtpServer = Aiosmtpd.start(dir, smtpPort, "--size", "2000");
        int port = fx(() -> window.listenerPane().rows().get(0).bound().getPort());
        send(port, "alice@example.test", "bob@example.test", "Quarterly report", "numbers attached");
        send(port, "carol@example.test", "dan@example.test,erin@example.test", "Lunch?", "at noon");
        send(port, "frank@example.test", "gina@example.test", "Too big", "x".repeat(4000));

        fxRun(() -> window.lists().showMessages());
        TableView<MailMessage> table = window.lists().messages().table();
        waitUntil("three messages, each decided", () -> fx(() -> table.getItems().size() == 3
                && table.getItems().stream().allMatch(m -> m.replyCode() != 0)));
        List<MailMessage> rows = fx(() -> List.copyOf(table.getItems()));
        assertEquals(List.of("alice@example.test", "carol@example.test", "frank@example.test"),
                rows.stream().map(MailMessage::from).toList());
        assertEquals(List.of("dan@example.test", "erin@example.test"), rows.get(1).recipients());
        assertEquals(List.of("Quarterly report", "Lunch?", "Too big"), rows.stream().map(MailMessage::subject).toList());
        assertEquals(250, rows.get(0).replyCode());
        assertEquals(250, rows.get(1).replyCode());
        assertEquals(5, rows.get(2).replyCode() / 100, "the refused message: " + rows.get(2));
        assertEquals(List.of(1L, 2L, 3L), rows.stream().map(MailMessage::connectionId).toList());

        // the filter, with an inline error for a field the list does not have
        robot.clickOn("#messages-filter").write("to:erin");
        waitUntil("one row for to:erin", () -> fx(() -> table.getItems().size() == 1));
        assertEquals("Lunch?", fx(() -> table.getItems().get(0).subject()));
        fxRun(() -> robot.lookup("#messages-filter").queryTextInputControl().setText("status:5xx"));
        waitUntil("one row for status:5xx", () -> fx(() -> table.getItems().size() == 1));
        assertEquals("Too big", fx(() -> table.getItems().get(0).subject()));
        fxRun(() -> robot.lookup("#messages-filter").queryTextInputControl().setText("size:3"));
        assertTrue(fx(() -> robot.lookup("#messages-filter-error").queryAs(Label.class).getText()).contains("no field 'size:'"));
        fxRun(() -> robot.lookup("#messages-filter").queryTextInputControl().setText(""));
        waitUntil("all rows again", () -> fx(() -> table.getItems().size() == 3));
        assertEquals("3 messages", fx(() -> robot.lookup("#messages-count").queryAs(Label.class).getText()));

        // the chosen message, read back from the capture: its text part
        fxRun(() -> table.getSelectionModel().select(0));
        waitUntil("the message's text", () -> fx(() -> robot.lookup("#mail-part-text").queryAs(TextArea.class).getText())
                .contains("numbers attached"));
        Fx.screenshot(window.stage().getScene(), "messages-view");

        // export as .eml: exactly what the server stored
        Path out = Files.createDirectories(dir.resolve("eml"));
        fxRun(() -> window.lists().messages().exportEml(List.copyOf(table.getItems()), out));
        waitUntil("three messages exported (the refused one was sent all the same)", () -> {
            try (Stream<Path> files = Files.list(out)) {
                return files.count() == 3;
            }
        });
        assertTrue(Files.readString(out.resolve("conn-1-msg-1.eml")).contains("Subject: Quarterly report"));

        // a viewer of the saved capture lists the same messages
        Path saved = dir.resolve("mail.pcapng");
        fxRun(() -> window.saveCapture(saved));
        waitUntil("the capture is saved", () -> window.notifications().history().stream()
                .anyMatch(m -> m.startsWith("Saved the capture")));
        CaptureFile file = CaptureFile.open(saved);
        MainWindow viewer = fx(() -> {
            Stage stage = new Stage();
            MainWindow w = WirelensApp.viewer(stage, file, new LiveWindowTest.ScriptedDialogs(), p -> {});
            stage.show();
            return w;
        });
        try {
            waitUntil("the viewer's messages", () -> fx(() -> viewer.lists().messages().table().getItems().size() == 3));
            assertEquals(rows, fx(() -> List.copyOf(viewer.lists().messages().table().getItems())));
        } finally {
            fxRun(() -> viewer.stage().hide());
        }
    }

    private static void send(int port, String from, String to, String subject, String body) throws Exception {
        Commands.Result r = Swaks.run("--server", "127.0.0.1:" + port, "--helo", "client.test", "--from", from,
                "--to", to, "--header", "Subject: " + subject, "--body", body);
        assertTrue(r.exit() == 0 || subject.equals("Too big"), r.text());
    }
}
