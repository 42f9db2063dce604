package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Fx.fx;
import static wirelens.testkit.Fx.fxRun;
import static wirelens.testkit.Fx.waitUntil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import wirelens.base.ConfigDirectory;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Theme;
import wirelens.ui.listeners.ListenerSettings;

/**
 * View → Theme: the choice restyles every open window at once, is written to the config directory and
 * is what the next window (and the next start) reads.
 */
@ExtendWith(ApplicationExtension.class)
class ThemeTest {
    @TempDir
    static Path configDir;
    private static String configBefore;

    private MainWindow first;
    private MainWindow second;

    @BeforeAll
    static void ownConfigDirectory() {
        configBefore = System.getProperty(ConfigDirectory.PROPERTY);
        System.setProperty(ConfigDirectory.PROPERTY, configDir.toString());
    }

    @AfterAll
    static void restoreConfigDirectory() throws Exception {
        fxRun(() -> Theme.apply(Theme.Choice.LIGHT));
        if (configBefore == null) {
            System.clearProperty(ConfigDirectory.PROPERTY);
        } else {
            System.setProperty(ConfigDirectory.PROPERTY, configBefore);
        }
    }

    @Start
    void start(Stage stage) {
        first = WirelensApp.live(stage, List.of(), null, new ListenerSettings(configDir.resolve("listeners.json")),
                FileDialogs.NATIVE, p -> {});
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fxRun(() -> {
            first.stage().hide();
            if (second != null) {
                second.stage().hide();
            }
        });
    }

    @Test
    void theChosenThemeRestylesEveryWindowAndIsWhatTheNextWindowReads() throws Exception {
        Path file = configDir.resolve(Theme.FILE);

        fxRun(() -> themeItem(first, "Dark").fire());
        assertTrue(fx(() -> isDark(first)), "the window turned dark");
        waitUntil("the choice is written", () -> Files.exists(file) && Files.readString(file).contains("theme=dark"));
        assertEquals(Theme.Choice.DARK, Theme.saved(file));

        fxRun(() -> {
            second = WirelensApp.live(new Stage(), List.of(), null,
                    new ListenerSettings(configDir.resolve("listeners-2.json")), FileDialogs.NATIVE, p -> {});
            second.stage().show();
        });
        assertTrue(fx(() -> isDark(second)), "a window opened later is dark too");
        assertTrue(fx(() -> ((RadioMenuItem) themeItem(second, "Dark")).isSelected()), "its menu ticks Dark");

        fxRun(() -> themeItem(second, "Light").fire());
        assertFalse(fx(() -> isDark(first)), "the first window turned light with the second");
        assertFalse(fx(() -> isDark(second)));
        waitUntil("the choice is written", () -> Files.readString(file).contains("theme=light"));
        assertEquals(Theme.Choice.LIGHT, Theme.saved(file));
    }

    @Test
    void aMissingOrUnreadableChoiceFollowsTheDesktop() throws Exception {
        assertEquals(Theme.Choice.SYSTEM, Theme.saved(configDir.resolve("nothing-here.properties")));
        Path garbled = configDir.resolve("garbled.properties");
        Files.writeString(garbled, "theme=purple\n");
        assertEquals(Theme.Choice.SYSTEM, Theme.saved(garbled));
        Files.writeString(garbled, "theme = Dark \n");
        assertEquals(Theme.Choice.DARK, Theme.saved(garbled));
    }

    private static boolean isDark(MainWindow window) {
        return window.stage().getScene().getRoot().getStyleClass().contains(Theme.DARK_STYLE);
    }

    private static MenuItem themeItem(MainWindow window, String label) {
        MenuBar bar = (MenuBar) window.stage().getScene().getRoot().lookup(".menu-bar");
        Menu view = bar.getMenus().stream().filter(m -> m.getText().equals("View")).findFirst().orElseThrow();
        Menu theme = (Menu) view.getItems().stream().filter(i -> "menu-theme".equals(i.getId())).findFirst().orElseThrow();
        return theme.getItems().stream().filter(i -> i.getText().equals(label)).findFirst().orElseThrow();
    }
}
