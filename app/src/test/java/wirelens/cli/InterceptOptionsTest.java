package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --replace, --rules and --plugin: malformed input is a usage error (exit 2) with a clear message. */
class InterceptOptionsTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void malformedReplaceIsAUsageError() {
        Result r = run("--headless", "--forward", "0:127.0.0.1:9", "--replace", "c2s:text:/a/b");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("wirelens: bad rule 'c2s:text:/a/b': the replacement has no closing '/'"), r.err());
        Result regex = run("--headless", "--forward", "0:127.0.0.1:9", "--replace", "c2s:regex:/(/x/");
        assertEquals(2, regex.code());
        assertTrue(regex.err().contains("bad regex"), regex.err());
        assertTrue(!regex.err().contains("\tat "), "no stack trace: " + regex.err());
    }

    @Test
    void badRulesFileIsAUsageErrorNamingTheLine() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.txt"), "# header\nboth:text:|x|y|\nsideways:text:/a/b/\n");
        Result r = run("--headless", "--forward", "0:127.0.0.1:9", "--rules", rules.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("wirelens: " + rules + ":3: bad rule 'sideways:text:/a/b/': unknown direction"),
                r.err());
        Result missing = run("--headless", "--forward", "0:127.0.0.1:9", "--rules", dir.resolve("none.txt").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("wirelens: rules file not found: "), missing.err());
    }

    @Test
    void unusablePluginJarIsAUsageError() throws Exception {
        Result r = run("--headless", "--forward", "0:127.0.0.1:9", "--plugin", dir.resolve("nope.jar").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("wirelens: plugin jar not found: "), r.err());
    }

    @Test
    void helpDescribesTheRuleSyntax() {
        Result help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--replace=DIRECTION:KIND:/PATTERN/REPLACEMENT/"), help.out());
        assertTrue(help.out().contains("--rules=FILE") && help.out().contains("--plugin=JAR"), help.out());
    }
}
