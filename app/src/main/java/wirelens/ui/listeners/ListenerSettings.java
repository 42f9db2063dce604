package wirelens.ui.listeners;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import wirelens.base.AtomicFiles;
import wirelens.base.ConfigDirectory;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerKind;
import wirelens.engine.ListenerTls;
import wirelens.engine.SocksCredentials;

/**
 * The listeners the user configured, kept in {@code listeners.json} in the config directory: the
 * system property {@code wirelens.config.dir} if set (tests), else {@code $XDG_CONFIG_HOME/wirelens},
 * else {@code ~/.config/wirelens}.
 */
public final class ListenerSettings {
    public static final String CONFIG_DIR_PROPERTY = ConfigDirectory.PROPERTY;

    /**
     * One saved listener; {@code running} says whether to start it when the window opens. A file written
     * before listeners had TLS options of their own has neither {@code tlsIntercept} nor
     * {@code tlsPassthrough}: such a listener intercepts and passes nothing through. A SOCKS5 listener's
     * login is kept as the user gave it ({@code socksUser}, {@code socksPassword}; null: none), which is
     * why the file is readable by its owner only.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Saved(String name, String kind, String bindHost, int bindPort, String targetHost, int targetPort,
            boolean running, Boolean tlsIntercept, List<String> tlsPassthrough, String socksUser,
            String socksPassword) {

        static Saved of(ListenerConfig c, boolean running) {
            SocksCredentials auth = c.socksAuth();
            return new Saved(c.name(), c.kind().label(), c.bindHost(), c.bindPort(), c.targetHost(), c.targetPort(),
                    running, c.tls().intercept(), c.tls().expressions(), auth == null ? null : auth.user(),
                    auth == null ? null : auth.password());
        }

        ListenerConfig config() {
            ListenerKind k = switch (String.valueOf(kind)) {
                case "http" -> ListenerKind.HTTP;
                case "socks5" -> ListenerKind.SOCKS5;
                default -> ListenerKind.FORWARD;
            };
            ListenerTls tls = ListenerTls.of(tlsIntercept == null || tlsIntercept,
                    tlsPassthrough == null ? List.of() : tlsPassthrough);
            SocksCredentials auth = socksUser == null && socksPassword == null ? null
                    : new SocksCredentials(String.valueOf(socksUser), String.valueOf(socksPassword));
            return new ListenerConfig(name, k, bindHost, bindPort, targetHost, targetPort, tls, auth);
        }
    }

    /** What loading found: the listeners, whether a file existed, and a problem to tell the user. */
    public record Loaded(List<Saved> listeners, boolean existed, String problem) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    public ListenerSettings(Path file) {
        this.file = file;
    }

    public static ListenerSettings inUserConfigDir() {
        return new ListenerSettings(configDir().resolve("listeners.json"));
    }

    static Path configDir() {
        return ConfigDirectory.path();
    }

    public Path file() {
        return file;
    }

    /** Reads the file; a missing file is the first start, a broken one is reported and left alone. */
    public Loaded load() {
        try {
            byte[] bytes = Files.readAllBytes(file);
            List<Saved> saved = JSON.readValue(bytes, new TypeReference<List<Saved>>() {});
            List<Saved> valid = new ArrayList<>();
            List<String> bad = new ArrayList<>();
            for (Saved s : saved) {
                try {
                    s.config();
                    valid.add(s);
                } catch (RuntimeException e) {
                    bad.add(String.valueOf(s.name()) + " (" + e.getMessage() + ")");
                }
            }
            return new Loaded(valid, true, bad.isEmpty() ? null : file + ": skipped invalid listeners: " + String.join(", ", bad));
        } catch (NoSuchFileException e) {
            return new Loaded(List.of(), false, null);
        } catch (JacksonException e) {
            return new Loaded(List.of(), true, file + " is not a valid listener list (" + e.getOriginalMessage()
                    + "); starting without saved listeners, the file is kept as it is until you change a listener");
        } catch (IOException e) {
            return new Loaded(List.of(), true, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * Readies the JSON reader and writer: their first use loads some 500 classes (0.4 s on a 2-core
     * machine), which a thread started with the JVM can do while the window is still being set up. Any thread.
     */
    public static void warmUp() {
        try {
            byte[] one = JSON.writeValueAsBytes(List.of(Saved.of(ListenerConfig.http("127.0.0.1", 8080), true)));
            JSON.readValue(one, new TypeReference<List<Saved>>() {});
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a listener the class itself wrote: never
        }
    }

    /**
     * Writes the list (via a temporary file, so a crash never leaves half a file). The temporary file is
     * created readable by its owner only (0600), and the file keeps that when it replaces the old one.
     */
    void save(List<Saved> listeners) throws IOException {
        AtomicFiles.write(file, JSON.writeValueAsBytes(listeners));
    }
}
