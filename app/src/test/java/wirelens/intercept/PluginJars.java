package wirelens.intercept;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds real plugin jars in tests: compiles Java source with javax.tools and jars the classes. */
final class PluginJars {
    private PluginJars() {}

    /** The test plugin: uppercases client-to-server text, drops "DROP", throws on "BOOM". */
    static final String SHOUTING_PLUGIN = """
            package testplugin;

            import java.nio.charset.StandardCharsets;
            import wirelens.engine.Direction;
            import wirelens.intercept.ChunkPlugin;

            public class Shout implements ChunkPlugin {
                @Override
                public byte[] onChunk(long connectionId, String listener, Direction direction, byte[] data) {
                    String s = new String(data, StandardCharsets.ISO_8859_1);
                    if (s.contains("BOOM")) {
                        throw new IllegalStateException("boom in the plugin");
                    }
                    if (s.equals("DROP")) {
                        return null;
                    }
                    if (direction != Direction.CLIENT_TO_SERVER) {
                        return data;
                    }
                    return s.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
                }
            }
            """;

    /**
     * Compiles {@code className}'s source into {@code dir}/classes and writes {@code dir}/NAME.jar
     * with the given services file content (null: no services file).
     */
    static Path build(Path dir, String jarName, String className, String source, String services) throws IOException {
        Path src = dir.resolve("src").resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = dir.resolve("classes-" + jarName);
        Files.createDirectories(classes);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        String appClasses;
        try {
            appClasses = Path.of(ChunkPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        int rc = compiler.run(null, null, null, "--release", "17", "-cp", appClasses, "-d", classes.toString(),
                src.toString());
        if (rc != 0) {
            throw new IOException("javac failed with " + rc);
        }
        Path jar = dir.resolve(jarName + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
            if (services != null) {
                out.putNextEntry(new JarEntry("META-INF/services/" + ChunkPlugin.class.getName()));
                write(out, services);
                out.closeEntry();
            }
        }
        return jar;
    }

    static Path shoutingPlugin(Path dir) throws IOException {
        return build(dir, "shout", "testplugin.Shout", SHOUTING_PLUGIN, "# the test plugin\ntestplugin.Shout\n");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
