package wirelens.base;

import java.nio.file.Path;

/**
 * Where Wirelens keeps what outlives a run (listeners, rules, its CA): the system property
 * {@value #PROPERTY} if set (tests), else {@code $XDG_CONFIG_HOME/wirelens}, else {@code ~/.config/wirelens}.
 */
public final class ConfigDirectory {
    public static final String PROPERTY = "wirelens.config.dir";

    private ConfigDirectory() {}

    public static Path path() {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("wirelens");
    }
}
