package wirelens.ui.base;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.collections.ListChangeListener;
import javafx.scene.Scene;
import javafx.scene.control.Menu;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ToggleGroup;
import javafx.stage.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import wirelens.base.AtomicFiles;
import wirelens.base.ConfigDirectory;

/**
 * The look of every window: AtlantaFX's Primer theme, light or dark, as the user-agent stylesheet; while
 * dark, the style class {@value #DARK_STYLE} on the root of every window's scene selects the dark values
 * of the project's own colours (directions, reply codes, the hex view, banners). One look for the whole
 * application, so a switch restyles every open window at once. The user's choice (View &rarr; Theme) is
 * kept in {@value #FILE} in the config directory. FX thread only, except {@link #askDesktop()}.
 */
public final class Theme {
    private static final Logger log = LoggerFactory.getLogger(Theme.class);

    /** What the user picked: follow the desktop, or always light or dark. */
    public enum Choice {
        SYSTEM("System"), LIGHT("Light"), DARK("Dark");

        private final String label;

        Choice(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** On a scene's root while the dark theme is applied. */
    public static final String DARK_STYLE = "wl-dark";
    public static final String FILE = "theme.properties";
    /** Overrides the saved choice for one run (tests, or {@code -Dwirelens.theme=dark}). */
    public static final String PROPERTY = "wirelens.theme";
    private static final String KEY = "theme";
    // binary stylesheets: parsed faster than the CSS, and the first window waits for them
    private static final String LIGHT_STYLESHEET = new PrimerLight().getUserAgentStylesheetBSS();
    private static final String DARK_STYLESHEET = new PrimerDark().getUserAgentStylesheetBSS();

    private static boolean installed;
    private static Choice choice = Choice.SYSTEM;
    private static boolean dark;

    private Theme() {}

    /**
     * Starts asking the desktop whether it prefers dark (called before the toolkit starts, it has answered
     * by the first window).
     */
    public static void askDesktop() {
        DesktopTheme.prefersDark();
    }

    /** Applies the saved choice (or the system property {@value #PROPERTY}'s), once per run; call before a window shows. */
    public static void install() {
        if (!installed) {
            String forced = System.getProperty(PROPERTY);
            apply(forced != null ? parse(forced, PROPERTY) : saved(file()));
        }
    }

    public static Choice choice() {
        return choice;
    }

    public static boolean isDark() {
        return dark;
    }

    /**
     * Applies {@code c} to every open window and remembers it (written off the FX thread); a failed write is
     * told to {@code failed}.
     */
    public static void choose(Choice c, Consumer<String> failed) {
        apply(c);
        Path file = file();
        Background.execute(() -> {
            try {
                save(file, c);
            } catch (IOException e) {
                String message = "Cannot remember the theme in " + file + ": " + e.getMessage();
                log.warn(message);
                Platform.runLater(() -> failed.accept(message));
            }
        });
    }

    /** View &rarr; Theme: System, Light, Dark; the current choice is ticked whenever the menu opens. */
    public static Menu menu(Consumer<String> failed) {
        ToggleGroup group = new ToggleGroup();
        Menu menu = new Menu("Theme");
        menu.setId("menu-theme");
        for (Choice c : Choice.values()) {
            RadioMenuItem item = new RadioMenuItem(c.label());
            item.setId("theme-" + c.name().toLowerCase(Locale.ROOT));
            item.setUserData(c);
            item.setToggleGroup(group);
            item.setOnAction(e -> choose(c, failed));
            menu.getItems().add(item);
        }
        Runnable tick = () -> group.getToggles().forEach(t -> t.setSelected(t.getUserData() == choice));
        tick.run();
        menu.setOnShowing(e -> tick.run());
        return menu;
    }

    /** The choice saved in {@code file}; {@link Choice#SYSTEM} when there is none or it cannot be read. */
    public static Choice saved(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Choice.SYSTEM;
        } catch (IOException | IllegalArgumentException e) {
            log.warn("Cannot read the theme from {} ({}); following the desktop", file, e.getMessage());
            return Choice.SYSTEM;
        }
        return parse(p.getProperty(KEY, ""), file.toString());
    }

    private static Choice parse(String value, String source) {
        for (Choice c : Choice.values()) {
            if (c.name().equalsIgnoreCase(value.strip())) {
                return c;
            }
        }
        log.warn("{}: unknown theme \"{}\" (system, light or dark); following the desktop", source, value);
        return Choice.SYSTEM;
    }

    static void save(Path file, Choice c) throws IOException {
        Properties p = new Properties();
        p.setProperty(KEY, c.name().toLowerCase(Locale.ROOT));
        AtomicFiles.write(file, out -> {
            p.store(out, "Wirelens: View > Theme (system, light or dark)");
            return null;
        });
    }

    private static Path file() {
        return ConfigDirectory.path().resolve(FILE);
    }

    /** Applies {@code c} to every open window, without remembering it. */
    public static void apply(Choice c) {
        if (!installed) {
            installed = true;
            // windows opened later (dialogs too) take the look they open in
            Window.getWindows().addListener((ListChangeListener<Window>) change -> {
                while (change.next()) {
                    change.getAddedSubList().forEach(w -> styleRoot(w.getScene()));
                }
            });
        }
        choice = c;
        switch (c) {
            case LIGHT -> setDark(false);
            case DARK -> setDark(true);
            case SYSTEM -> {
                CompletableFuture<Boolean> desktop = DesktopTheme.prefersDark();
                setDark(desktop.getNow(false));
                desktop.thenAccept(d -> Platform.runLater(() -> {
                    if (choice == Choice.SYSTEM && d != dark) {
                        setDark(d);
                    }
                }));
            }
        }
    }

    private static void setDark(boolean d) {
        dark = d;
        Application.setUserAgentStylesheet(d ? DARK_STYLESHEET : LIGHT_STYLESHEET);
        Window.getWindows().forEach(w -> styleRoot(w.getScene()));
    }

    private static void styleRoot(Scene scene) {
        if (scene == null || scene.getRoot() == null) {
            return;
        }
        var classes = scene.getRoot().getStyleClass();
        if (!dark) {
            classes.remove(DARK_STYLE);
        } else if (!classes.contains(DARK_STYLE)) {
            classes.add(DARK_STYLE);
        }
    }
}
