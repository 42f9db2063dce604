package wirelens.testkit;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.testfx.util.WaitForAsyncUtils;

/**
 * FX helpers for window tests: run on the FX thread, wait (bounded) for a condition checked there,
 * count styled labels, and write screenshots of a scene to {@code screenshots/} at the repository root.
 */
public final class Fx {
    private Fx() {}

    /** Runs {@code action} on the FX thread and returns its result (at most 10 s). */
    public static <T> T fx(Callable<T> action) throws Exception {
        return WaitForAsyncUtils.asyncFx(action).get(10, TimeUnit.SECONDS);
    }

    /** As {@link #fx(Callable)}, with a bound of its own (a benchmark's FX thread under a flood). */
    public static <T> T fx(long seconds, Callable<T> action) throws Exception {
        return WaitForAsyncUtils.asyncFx(action).get(seconds, TimeUnit.SECONDS);
    }

    public static void fxRun(Runnable action) throws Exception {
        fx(() -> {
            action.run();
            return null;
        });
    }

    /**
     * {@link Wait#until} with the condition checked on the FX thread, and twice the bound: a window lays
     * out and draws what the engine sends on a machine shared with other builds.
     */
    public static void waitUntil(String what, Callable<Boolean> condition) throws Exception {
        Wait.until(what, 2 * Wait.SECONDS, () -> fx(condition));
    }

    /** How many nodes under {@code root} have that style class and are labeled with that text. */
    public static long countLabeled(Node root, String styleClass, String text) {
        return root.lookupAll("." + styleClass).stream()
                .filter(n -> n instanceof Labeled l && text.equals(l.getText()))
                .count();
    }

    /** Where tests put PNGs of the window: {@code screenshots/} at the repository root. */
    public static Path screenshotDir() throws IOException {
        String repo = System.getProperty("wirelens.repo");
        Path base = repo != null && !repo.isBlank() ? Path.of(repo) : Path.of("..").toAbsolutePath().normalize();
        if (!Files.exists(base.resolve("app"))) {
            base = Path.of("").toAbsolutePath().getParent();
        }
        Path dir = base.resolve("screenshots");
        Files.createDirectories(dir);
        return dir;
    }

    /** Lays out and snapshots the scene on the FX thread, writes {@code screenshots/NAME.png}; returns the file. */
    public static Path screenshot(Scene scene, String name) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage image = fx(() -> {
            scene.getRoot().applyCss();
            scene.getRoot().layout();
            return scene.snapshot(null);
        });
        BufferedImage buffered = SwingFXUtils.fromFXImage(image, null);
        Path file = screenshotDir().resolve(name.toLowerCase(Locale.ROOT) + ".png");
        ImageIO.write(buffered, "png", file.toFile());
        return file;
    }
}
