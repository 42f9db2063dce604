package wirelens.ui.connections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saved list limit: read back as saved, "all" included; a missing or bad file means the default. */
class ListLimitTest {
    @TempDir
    Path dir;

    @Test
    void aSavedLimitIsReadBackAndAnythingElseMeansTheDefault() throws Exception {
        Path file = dir.resolve("window.properties");
        assertEquals(ListLimit.DEFAULT, ListLimit.load(file), "nothing saved yet");
        ListLimit.save(file, 250);
        assertEquals(250, ListLimit.load(file));
        ListLimit.save(file, ListLimit.ALL);
        assertEquals("all", ListLimit.label(ListLimit.load(file)));
        for (String bad : new String[] {"keepConnections=-5", "keepConnections=lots", "keepConnections=0", "\\u00"}) {
            Files.writeString(file, bad);
            assertEquals(ListLimit.DEFAULT, ListLimit.load(file), bad);
        }
        assertEquals("100,000", ListLimit.label(ListLimit.DEFAULT));
    }

    @Test
    void savingTheLimitKeepsTheWindowsOtherChoices() throws Exception {
        Path file = dir.resolve("window-choices.properties");
        wirelens.ui.base.WindowProperties.set(file, "listenersShown", "false");
        ListLimit.save(file, 1_000);
        assertEquals(1_000, ListLimit.load(file));
        assertEquals("false", wirelens.ui.base.WindowProperties.load(file).getProperty("listenersShown"));
    }
}
