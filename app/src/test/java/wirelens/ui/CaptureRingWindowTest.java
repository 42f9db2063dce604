package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.base.ConfigDirectory;
import wirelens.capture.CaptureFile;
import wirelens.capture.ChunkInfo;
import wirelens.engine.Direction;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.ui.listeners.ListenerSettings;
import wirelens.ui.stream.StreamView;

/**
 * The window's temporary capture is a ring sized by capture.properties: the status bar says so, a chunk
 * whose file the ring deleted says so in the view, and Save capture as writes what the ring holds.
 */
@ExtendWith(ApplicationExtension.class)
class CaptureRingWindowTest {
    @TempDir
    static Path dir;

    private MainWindow window;
    private LoopbackServer echo;

    @Start
    void start(Stage stage) throws Exception {
        echo = LoopbackServer.echo();
        Path config = Files.createTempDirectory(dir, "config");
        Files.writeString(config.resolve(CaptureSettings.FILE_NAME), "ring.fileSize=16K\nring.files=3\n");
        String before = System.getProperty(ConfigDirectory.PROPERTY);
        System.setProperty(ConfigDirectory.PROPERTY, config.toString());
        try {
            ListenerConfig forward = ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", echo.port());
            window = WirelensApp.live(stage, List.of(forward), null,
                    new ListenerSettings(config.resolve("listeners.json")), new LiveWindowTest.ScriptedDialogs(),
                    p -> {});
        } finally {
            if (before == null) {
                System.clearProperty(ConfigDirectory.PROPERTY);
            } else {
                System.setProperty(ConfigDirectory.PROPERTY, before);
            }
        }
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fxRun(() -> window.stage().hide());
        echo.close();
    }

    @Test
    void theRingIsReportedItsLostChunksSaySoAndSaveAsWritesWhatItHolds() throws Exception {
        waitUntil("the listener is up", () -> window.listenerPane().rows().get(0).bound() != null);
        int port = fx(() -> window.listenerPane().rows().get(0).bound().getPort());
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        Random random = new Random(5);
        try (Socket s = Loopback.connect(port)) {
            for (int i = 0; i < 40; i++) {
                byte[] piece = new byte[4096];
                random.nextBytes(piece);
                sent.writeBytes(piece);
                assertArrayEquals(piece, Loopback.roundTrip(s, piece));
            }
        }
        waitUntil("the connection is recorded", () -> window.connections().row(1) != null
                && window.connections().row(1).state() == wirelens.ui.connections.ConnectionRow.State.CLOSED);
        Label status = fx(() -> (Label) window.stage().getScene().lookup("#status-capture"));
        waitUntil("the status bar says the capture is a full ring", () -> status.getText()
                .startsWith("capture: temporary ring, 3 of 3 files of 16.0 KiB"));

        fxRun(() -> window.openStream(window.connections().row(1)));
        StreamView view = fx(() -> window.view(1));
        waitUntil("the stream shows its chunks", () -> view.chunkCount() >= 2);
        // line 0 is the first chunk's header, line 1 what it holds
        String first = fx(() -> view.lineText(1));
        assertTrue(first.contains("no longer in the capture ring"), first);

        Path saved = dir.resolve("saved.pcapng");
        fxRun(() -> window.saveCapture(saved));
        waitUntil("the capture is saved", () -> window.notifications().history().stream()
                .anyMatch(m -> m.startsWith("Saved the capture")));
        try (CaptureFile file = CaptureFile.open(saved)) {
            assertEquals(List.of(), file.skipped());
            ByteArrayOutputStream held = new ByteArrayOutputStream();
            for (ChunkInfo c : file.index().chunks(1)) {
                if (c.direction() == Direction.CLIENT_TO_SERVER) {
                    held.writeBytes(file.forwarded(c));
                }
            }
            byte[] all = sent.toByteArray();
            byte[] tail = held.toByteArray();
            assertTrue(tail.length > 0 && tail.length < all.length, tail.length + " of " + all.length);
            assertArrayEquals(Arrays.copyOfRange(all, all.length - tail.length, all.length), tail,
                    "the saved copy holds the end of the stream, byte-exact");
        }
    }
}
