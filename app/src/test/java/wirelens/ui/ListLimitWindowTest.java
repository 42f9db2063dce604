package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.TableCell;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.capture.CaptureFile;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerKind;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.connections.ConnectionRow;
import wirelens.ui.connections.ListLimit;
import wirelens.ui.listeners.ListenerSettings;

/**
 * The live list keeps the latest N connections (a saved setting): older finished ones leave the list and
 * the index, a connection with an open tab stays, the status bar says how many went, and the capture file
 * still holds every one of them.
 */
@ExtendWith(ApplicationExtension.class)
class ListLimitWindowTest {
    private static final int LIMIT = 100;
    private static final int CONNECTIONS = 130;

    @TempDir
    static Path dir;

    private MainWindow window;
    private LoopbackServer echo;
    private Path capture;

    @Start
    void start(Stage stage) throws Exception {
        echo = LoopbackServer.echo();
        Path config = Files.createTempDirectory(dir, "config");
        ListLimit.save(config.resolve("window.properties"), LIMIT);
        capture = dir.resolve("live-" + System.nanoTime() + ".pcapng");
        FileDialogs none = new FileDialogs() {
            @Override
            public Optional<Path> open(Window owner, String title) {
                return Optional.empty();
            }

            @Override
            public Optional<Path> save(Window owner, String title, String suggestedName) {
                return Optional.empty();
            }
        };
        window = WirelensApp.live(stage, List.of(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", echo.port())),
                capture, new ListenerSettings(config.resolve("listeners.json")), none, path -> {});
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        fxRun(() -> window.stage().hide());
        echo.close();
    }

    @Test
    void theListKeepsTheLatestConnectionsAndTheCaptureFileKeepsAll() throws Exception {
        waitUntil("the listener is listening", () -> window.listenerPane().rows().stream()
                .anyMatch(r -> r.config().kind() == ListenerKind.FORWARD && r.bound() != null));
        int port = fx(() -> window.listenerPane().rows().get(0).bound().getPort());
        for (int i = 1; i <= CONNECTIONS; i++) {
            try (Socket s = Loopback.connect(port)) {
                byte[] hello = ("hello " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                assertArrayEquals(hello, Loopback.roundTrip(s, hello));
            }
            if (i == 10) {
                // the user opens connection 5: it stays while its tab is open, however old it gets
                waitUntil("connection 5 is listed", () -> window.connections().row(5) != null);
                fxRun(() -> window.openStream(window.connections().row(5)));
            }
        }
        int lastId = CONNECTIONS;
        waitUntil("the last connection has ended in the list", () -> window.connections().row(lastId) != null
                && !window.connections().row(lastId).info().isOpen());
        waitUntil("the list is down to its limit", () -> window.connections().shownCount() == LIMIT);

        assertEquals(CONNECTIONS - LIMIT, fx(() -> window.connections().letGoCount()));
        for (long id = 1; id <= 31; id++) {
            long gone = id;
            if (id == 5) {
                assertNotNull(fx(() -> window.connections().row(gone)), "the connection with an open tab stays");
                assertTrue(window.index().connection(5).isPresent());
            } else {
                assertNull(fx(() -> window.connections().row(gone)), "connection " + id + " left the list");
                assertTrue(window.index().connection(id).isEmpty(), "connection " + id + " left the index");
            }
        }
        for (long id = 32; id <= CONNECTIONS; id++) {
            long kept = id;
            assertNotNull(fx(() -> window.connections().row(kept)), "connection " + id + " is listed");
        }
        assertEquals(LIMIT, window.index().connectionCount());
        // the status bar is refreshed a few times a second
        waitUntil("the status bar counts what was let go", () -> ((Label) window.stage().getScene()
                .lookup("#status-let-go")).getText().startsWith("30 older connections let go (the list keeps the latest 100;"));
        String status = fx(() -> ((Label) window.stage().getScene().lookup("#status-let-go")).getText());
        assertTrue(status.contains("Save capture as, then Open capture"), status);
        assertEquals("Latest 100", fx(this::chosenLimit));
        // the cells of a row shown while it was open follow it to its end
        waitUntil("the cells of connection 32 say it closed after 2 chunks",
                () -> "closed".equals(cellText(32, "State")) && "2".equals(cellText(32, "Chunks")));

        fxRun(() -> window.stage().hide()); // the recorder writes the rest and closes the file
        try (CaptureFile file = CaptureFile.open(capture)) {
            assertEquals(CONNECTIONS, file.index().connectionCount(), "the file holds every connection");
            for (long id : List.of(1L, 4L, 31L, 32L, 130L)) {
                assertEquals("hello " + id + "\n", new String(file.forwarded(file.index().chunk(id, 0)),
                        StandardCharsets.US_ASCII), "connection " + id + " read back from the file");
            }
        }
    }

    /** The text of the shown cell of that connection's row in that column, or null when it is not shown. */
    private String cellText(long id, String column) {
        for (javafx.scene.Node n : window.connections().table().lookupAll(".table-cell")) {
            if (n instanceof TableCell<?, ?> cell && cell.getTableColumn() != null
                    && column.equals(cell.getTableColumn().getText()) && cell.getTableRow() != null
                    && cell.getTableRow().getItem() instanceof ConnectionRow row && row.id() == id) {
                return cell.getText();
            }
        }
        return null;
    }

    /** The selected item of View → Keep connections. */
    private String chosenLimit() {
        MenuBar bar = (MenuBar) ((javafx.scene.layout.BorderPane) window.stage().getScene().getRoot()).getTop();
        for (Menu m : bar.getMenus()) {
            for (MenuItem item : m.getItems()) {
                if (item instanceof Menu keep && "menu-keep-connections".equals(keep.getId())) {
                    return keep.getItems().stream().filter(i -> ((RadioMenuItem) i).isSelected())
                            .map(MenuItem::getText).findFirst().orElse(null);
                }
            }
        }
        return null;
    }
}
