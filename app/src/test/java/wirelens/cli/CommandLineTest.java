package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerKind;
import wirelens.testkit.ChildJvm;
import wirelens.testkit.Wait;

class CommandLineTest {

    @Test
    void forwardSpecsAsSshDoes() {
        ListenerConfig a = ForwardSpec.parse("2626:127.0.0.1:2525");
        assertEquals("127.0.0.1", a.bindHost());
        assertEquals(2626, a.bindPort());
        assertEquals("127.0.0.1", a.targetHost());
        assertEquals(2525, a.targetPort());
        assertEquals(ListenerKind.FORWARD, a.kind());

        ListenerConfig b = ForwardSpec.parse("0.0.0.0:0:mail.example.test:25");
        assertEquals("0.0.0.0", b.bindHost());
        assertEquals(0, b.bindPort());
        assertEquals("mail.example.test", b.targetHost());

        ListenerConfig v6 = ForwardSpec.parse("[::1]:2626:[::1]:2525");
        assertEquals("::1", v6.bindHost());
        assertEquals("::1", v6.targetHost());
        assertEquals("[::1]:2525", v6.targetText());

        ListenerConfig mixed = ForwardSpec.parse("2626:[2001:db8::5]:25");
        assertEquals("2001:db8::5", mixed.targetHost());
    }

    @Test
    void badForwardSpecsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("2626"))
                .getMessage().contains("[BIND:]PORT:HOST:HOSTPORT"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("70000:h:25"))
                .getMessage().contains("not a port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("1:h:0"))
                .getMessage().contains("not a port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("[::1:1:h:25"))
                .getMessage().contains("unclosed"));
        assertThrows(IllegalArgumentException.class, () -> ForwardSpec.parse("1::25"));
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void usageErrorsExitWithTwoAndAMessage() {
        Result r = run("--headless", "--forward", "nonsense");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("[BIND:]PORT:HOST:HOSTPORT"), r.err());
        Result unknown = run("--no-such-option");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("--no-such-option"), unknown.err());
        Result empty = run("--headless");
        assertEquals(2, empty.code());
        assertTrue(empty.err().contains("at least one listener"), empty.err());
        Result threads = run("--headless", "--forward", "0:127.0.0.1:9", "--engine-threads", "0");
        assertEquals(2, threads.code());
        assertTrue(threads.err().contains("--engine-threads must be between 1 and 64"), threads.err());
        Result poll = run("--headless", "--forward", "0:127.0.0.1:9", "--busy-poll", "-1");
        assertEquals(2, poll.code());
        assertTrue(poll.err().contains("--busy-poll must be between 0 and 10000 microseconds"), poll.err());
        Result notANumber = run("--headless", "--forward", "0:127.0.0.1:9", "--busy-poll", "fast");
        assertEquals(2, notANumber.code());
        assertTrue(notANumber.err().contains("--busy-poll"), notANumber.err());
    }

    @Test
    void helpAndVersion() {
        Result help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--forward"));
        assertTrue(help.out().contains("--headless"));
        assertTrue(help.out().contains("--busy-poll"));
        Result version = run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("wirelens "));
    }

    @Test
    void logLevelIsCheckedAndVerboseShowsDebugLines() throws Exception {
        Result bad = run("--log-level", "loud", "--headless", "--forward", "0:127.0.0.1:9");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("wirelens: --log-level must be one of error, warn, info, debug, trace, off;"
                + " got 'loud'\n"), bad.err());

        // -v in a child JVM (the level is a JVM-wide setting): the warm-up's report is a debug line
        Path stderr = Files.createTempFile("wirelens-verbose", ".err");
        Process p = new ProcessBuilder(ChildJvm.command(List.of("-Dwirelens.warmupMillis=0"), Main.class.getName(),
                "-v", "--headless", "--quiet", "--forward", "0:127.0.0.1:9"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
        try {
            assertTrue(Wait.eventually(30, () -> Files.readString(stderr).contains("warm-up: ")), Files.readString(stderr));
            String line = Files.readString(stderr).lines().filter(l -> l.contains("warm-up: ")).findFirst().orElseThrow();
            assertTrue(line.contains(" DEBUG ") && line.contains("warm-up: 0 connections"), line);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }
}
