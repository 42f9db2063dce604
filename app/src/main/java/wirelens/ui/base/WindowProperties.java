package wirelens.ui.base;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import wirelens.base.AtomicFiles;

/**
 * The window's small choices (how many connections the list keeps, whether the listeners show), kept
 * in one properties file of the config folder. Each choice is changed alone: the others stay as they are.
 */
public final class WindowProperties {
    private static final Logger log = LoggerFactory.getLogger(WindowProperties.class);

    private WindowProperties() {}

    /** What the file holds; empty when there is none or it cannot be read (said in the log). */
    public static Properties load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return p;
        } catch (IOException | IllegalArgumentException e) {
            log.warn("{}: cannot read it ({}); the window starts with its defaults", file, e.getMessage());
            return new Properties();
        }
        return p;
    }

    /** Sets {@code key} to {@code value}, keeping the file's other choices; written whole or not at all. */
    public static void set(Path file, String key, String value) throws IOException {
        Properties p = load(file);
        p.setProperty(key, value);
        StringWriter text = new StringWriter();
        p.store(text, "Wirelens window: keepConnections (a number, or all), listenersShown (true or false)");
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
