package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesFilesTest {
    @TempDir
    Path dir;

    @Test
    void rulesFileHasOneRulePerLineWithComments() throws Exception {
        Path f = Files.writeString(dir.resolve("rules.txt"), """
                # rewrite the greeting
                c2s:regex:/^EHLO \\S+/EHLO wirelens.test/

                   both:text:|secret plan|public plan|\r
                # s2c:hex:/0d0a/0a/
                s2c:hex:/0d0a/0a/
                """);
        List<Rule> rules = RulesFiles.readRulesFile(f);
        assertEquals(List.of(
                Rule.parse("c2s:regex:/^EHLO \\S+/EHLO wirelens.test/"),
                Rule.parse("both:text:|secret plan|public plan|"),
                Rule.parse("s2c:hex:/0d0a/0a/")), rules);
    }

    @Test
    void aBadLineIsReportedWithFileAndLineNumber() throws Exception {
        Path f = Files.writeString(dir.resolve("rules.txt"), "# ok\nc2s:text:/a/b/\nc2s:text:/a/b\n");
        String m = assertThrows(RuleSyntaxException.class, () -> RulesFiles.readRulesFile(f)).getMessage();
        assertTrue(m.startsWith(f + ":3: bad rule 'c2s:text:/a/b': "), m);
        String missing = assertThrows(RuleSyntaxException.class,
                () -> RulesFiles.readRulesFile(dir.resolve("none.txt"))).getMessage();
        assertTrue(missing.startsWith("rules file not found"), missing);
    }

    @Test
    void formattedRulesFileReadsBack() throws Exception {
        List<Rule> rules = List.of(
                Rule.parse("c2s:regex:/^EHLO \\S+/EHLO wirelens.test/"),
                Rule.parse("both:text:|a/b|c|"),
                Rule.parse("s2c:hex:/0d0a/0a/").withEnabled(false));
        Path f = Files.writeString(dir.resolve("rules.txt"), RulesFiles.formatRulesFile(rules));
        assertEquals(rules.subList(0, 2), RulesFiles.readRulesFile(f));
    }

    @Test
    void savedRulesKeepListenerAndEnabledAndReload() throws Exception {
        Path f = dir.resolve("config/rules.json");
        assertEquals(List.of(), RulesFiles.load(f), "nothing saved yet");
        List<Rule> rules = List.of(
                Rule.parse("c2s:regex:/^EHLO \\S+/EHLO wirelens.test/").withListener("fwd 2525 \u2192 127.0.0.1:25"),
                Rule.parse("both:text:|secret plan|public plan|").withEnabled(false),
                Rule.parse("s2c:hex:/0d0a/0a/"));
        RulesFiles.save(f, rules);
        assertEquals(rules, RulesFiles.load(f));
        assertTrue(Files.readString(f).contains("\"direction\" : \"c2s\""));
        RulesFiles.save(f, rules.subList(0, 1));
        assertEquals(rules.subList(0, 1), RulesFiles.load(f));
        try (var files = Files.list(f.getParent())) {
            assertEquals(1, files.count(), "no temp files left behind");
        }
    }

    @Test
    void badSavedRulesGiveAMessageNotAStackTrace() throws Exception {
        Path f = dir.resolve("rules.json");
        Files.writeString(f, "{not json");
        assertTrue(assertThrows(java.io.IOException.class, () -> RulesFiles.load(f)).getMessage().contains("not valid JSON"));
        Files.writeString(f, "{\"version\":1,\"rules\":[{\"direction\":\"c2s\",\"kind\":\"regex\",\"pattern\":\"(\",\"replacement\":\"\"}]}");
        String m = assertThrows(java.io.IOException.class, () -> RulesFiles.load(f)).getMessage();
        assertTrue(m.contains("rule 1: bad regex"), m);
        Files.writeString(f, "{\"version\":9,\"rules\":[]}");
        assertTrue(assertThrows(java.io.IOException.class, () -> RulesFiles.load(f)).getMessage().contains("version 9"));
    }
}
