package wirelens.ui.base;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the desktop prefers dark windows, as far as it can be read cheaply: JavaFX 21 has no API for
 * it. {@code GTK_THEME} ending in {@code :dark}, else GNOME's {@code color-scheme} (gsettings), macOS's
 * {@code AppleInterfaceStyle} or Windows' {@code AppsUseLightTheme}. Light when none of them says dark.
 */
final class DesktopTheme {
    private static final Logger log = LoggerFactory.getLogger(DesktopTheme.class);
    /** A desktop that does not answer in this time is taken as light. */
    private static final long ASK_MILLIS = 1500;
    private static final int MAX_ANSWER_BYTES = 4096;

    private static CompletableFuture<Boolean> answer;

    private DesktopTheme() {}

    /** The desktop's answer, asked once on a background thread (the commands it runs may be slow). */
    static synchronized CompletableFuture<Boolean> prefersDark() {
        if (answer == null) {
            answer = new CompletableFuture<>();
            Background.execute(() -> answer.complete(ask()));
        }
        return answer;
    }

    private static boolean ask() {
        String gtk = System.getenv("GTK_THEME");
        if (gtk != null && !gtk.isBlank()) {
            return gtk.toLowerCase(Locale.ROOT).endsWith(":dark");
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return isMacDark(run("defaults", "read", "-g", "AppleInterfaceStyle"));
        }
        if (os.contains("win")) {
            return isWindowsDark(run("reg", "query",
                    "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize", "/v", "AppsUseLightTheme"));
        }
        return isGnomeDark(run("gsettings", "get", "org.gnome.desktop.interface", "color-scheme"));
    }

    static boolean isGnomeDark(String colorScheme) {
        return colorScheme.contains("prefer-dark");
    }

    static boolean isMacDark(String appleInterfaceStyle) {
        return appleInterfaceStyle.strip().equalsIgnoreCase("dark");
    }

    static boolean isWindowsDark(String regQuery) {
        return regQuery.matches("(?s).*AppsUseLightTheme\\s+REG_DWORD\\s+0x0+\\s.*");
    }

    /** What the command printed, or "" when it is missing, fails or takes too long. */
    private static String run(String... command) {
        Process process = null;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(ASK_MILLIS, TimeUnit.MILLISECONDS)) {
                log.debug("{} did not answer within {} ms; taking the desktop as light", command[0], ASK_MILLIS);
                return "";
            }
            try (InputStream out = process.getInputStream()) {
                return new String(out.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            log.debug("cannot ask {} for the desktop's theme: {}", command[0], e.getMessage());
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }
}
