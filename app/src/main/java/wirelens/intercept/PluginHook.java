package wirelens.intercept;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import wirelens.engine.ChunkHook;

/**
 * Runs the loaded {@link ChunkPlugin}s, in order, on every chunk. A plugin that throws is skipped for
 * that chunk (the chunk goes on as it was before that plugin) and the failure is reported through
 * {@code warnings}: the first failure of each plugin in full, then every 1000th, so a plugin that
 * fails on every chunk cannot flood the log.
 */
public final class PluginHook implements ChunkHook {
    private final List<ChunkPlugin> plugins;
    private final Consumer<String> warnings;
    private final long[] failures;

    public PluginHook(List<ChunkPlugin> plugins, Consumer<String> warnings) {
        this.plugins = List.copyOf(plugins);
        this.warnings = warnings;
        this.failures = new long[this.plugins.size()];
    }

    public List<ChunkPlugin> plugins() {
        return plugins;
    }

    @Override
    public Verdict onChunk(ChunkContext context, byte[] data) {
        String listener = context.listener() == null ? null : context.listener().name();
        byte[] current = data;
        for (int i = 0; i < plugins.size(); i++) {
            ChunkPlugin plugin = plugins.get(i);
            byte[] out;
            try {
                out = plugin.onChunk(context.connectionId(), listener, context.direction(), current);
            } catch (RuntimeException | LinkageError | StackOverflowError x) {
                report(i, plugin, context, x);
                continue;
            }
            if (out == null) {
                return Verdict.DROP;
            }
            current = out;
        }
        return Verdict.forward(current);
    }

    private void report(int index, ChunkPlugin plugin, ChunkContext context, Throwable x) {
        long n;
        synchronized (failures) {
            n = ++failures[index];
        }
        if (n == 1 || n % 1000 == 0) {
            String name;
            try {
                name = plugin.name();
            } catch (RuntimeException e) {
                name = plugin.getClass().getName();
            }
            warnings.accept("plugin " + name + " failed on a chunk of connection " + context.connectionId()
                    + " (" + context.direction().shortName() + "), which was forwarded unchanged: " + x
                    + (n > 1 ? " [" + n + " failures so far]" : ""));
        }
    }

    /**
     * Loads every {@link ChunkPlugin} listed in a jar's {@code META-INF/services}.
     *
     * @throws PluginException with a message for the user when the jar is missing, unreadable,
     *     lists no plugin, or a listed plugin cannot be created
     */
    public static List<ChunkPlugin> load(Path jar) throws PluginException {
        if (!Files.isRegularFile(jar)) {
            throw new PluginException("plugin jar not found: " + jar);
        }
        String service = "META-INF/services/" + ChunkPlugin.class.getName();
        try (JarFile j = new JarFile(jar.toFile())) {
            if (j.getEntry(service) == null) {
                throw new PluginException(jar + " is not a Wirelens plugin: it has no " + service);
            }
        } catch (IOException e) {
            throw new PluginException("cannot read plugin jar " + jar + ": " + e.getMessage());
        }
        URL url;
        try {
            url = jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new PluginException("bad plugin path " + jar + ": " + e.getMessage());
        }
        // kept open for the life of the process: the plugin's classes load lazily from it
        URLClassLoader loader = new URLClassLoader(new URL[] {url}, ChunkPlugin.class.getClassLoader());
        List<ChunkPlugin> found = new ArrayList<>();
        try {
            for (ServiceLoader.Provider<ChunkPlugin> p : ServiceLoader.load(ChunkPlugin.class, loader).stream().toList()) {
                // only the plugins from this jar, not others the application itself might list
                if (p.type().getClassLoader() == loader) {
                    found.add(p.get());
                }
            }
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            throw new PluginException("cannot load a plugin from " + jar + ": " + describe(e));
        }
        if (found.isEmpty()) {
            throw new PluginException(jar + " lists no ChunkPlugin class of its own in " + service);
        }
        return found;
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            sb.append(": ").append(c);
        }
        return sb.toString();
    }

    /** A plugin jar that cannot be used; the message is for the user. */
    public static final class PluginException extends Exception {
        public PluginException(String message) {
            super(message, null, false, false);
        }
    }
}
