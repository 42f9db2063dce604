package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.ChunkHook.ChunkContext;
import wirelens.engine.ChunkHook.Verdict;
import wirelens.engine.Direction;

class PluginHookTest {
    @TempDir
    Path dir;

    static ChunkContext ctx(Direction d) {
        return new ChunkContext(5, 1, RulesHookTest.WEB, d, 0);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aPluginFromAJarReplacesDropsAndSurvivesItsOwnExceptions() throws Exception {
        Path jar = PluginJars.shoutingPlugin(dir);
        List<ChunkPlugin> plugins = PluginHook.load(jar);
        assertEquals(1, plugins.size());
        assertEquals("testplugin.Shout", plugins.get(0).name());
        List<String> warnings = new ArrayList<>();
        PluginHook hook = new PluginHook(plugins, warnings::add);

        Verdict up = hook.onChunk(ctx(Direction.CLIENT_TO_SERVER), b("hello"));
        assertArrayEquals(b("HELLO"), ((Verdict.Forward) up).bytes());

        byte[] reply = b("reply");
        assertSame(reply, ((Verdict.Forward) hook.onChunk(ctx(Direction.SERVER_TO_CLIENT), reply)).bytes());

        assertSame(Verdict.DROP, hook.onChunk(ctx(Direction.CLIENT_TO_SERVER), b("DROP")));

        byte[] boom = b("a BOOM b");
        assertSame(boom, ((Verdict.Forward) hook.onChunk(ctx(Direction.CLIENT_TO_SERVER), boom)).bytes(),
                "forwarded unchanged");
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("testplugin.Shout") && warnings.get(0).contains("boom in the plugin"),
                warnings.get(0));
        for (int i = 0; i < 1500; i++) {
            hook.onChunk(ctx(Direction.CLIENT_TO_SERVER), boom);
        }
        assertEquals(2, warnings.size(), "first failure, then every 1000th: " + warnings);
    }

    @Test
    void unusableJarsGiveClearMessages() throws Exception {
        PluginHook.PluginException missing = assertThrows(PluginHook.PluginException.class,
                () -> PluginHook.load(dir.resolve("nope.jar")));
        assertTrue(missing.getMessage().startsWith("plugin jar not found"), missing.getMessage());

        Path notAJar = Files.writeString(dir.resolve("text.jar"), "just text");
        assertTrue(assertThrows(PluginHook.PluginException.class, () -> PluginHook.load(notAJar)).getMessage()
                .startsWith("cannot read plugin jar"));

        Path noServices = PluginJars.build(dir, "plain", "testplugin.Shout", PluginJars.SHOUTING_PLUGIN, null);
        assertTrue(assertThrows(PluginHook.PluginException.class, () -> PluginHook.load(noServices)).getMessage()
                .contains("has no META-INF/services/wirelens.intercept.ChunkPlugin"));

        Path wrongClass = PluginJars.build(dir, "wrong", "testplugin.Shout", PluginJars.SHOUTING_PLUGIN,
                "testplugin.Missing\n");
        String m = assertThrows(PluginHook.PluginException.class, () -> PluginHook.load(wrongClass)).getMessage();
        assertTrue(m.startsWith("cannot load a plugin from") && m.contains("testplugin.Missing"), m);

        Path notAPlugin = PluginJars.build(dir, "notplugin", "testplugin.Other",
                "package testplugin; public class Other {}", "testplugin.Other\n");
        m = assertThrows(PluginHook.PluginException.class, () -> PluginHook.load(notAPlugin)).getMessage();
        assertTrue(m.contains("testplugin.Other"), m);
    }
}
