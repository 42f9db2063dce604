package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RuleTest {

    @Test
    void parsesTheThreeExamplesFromTheIssue() {
        Rule ehlo = Rule.parse("c2s:regex:/^EHLO \\S+/EHLO wirelens.test/");
        assertEquals(new Rule(DirectionFilter.C2S, null, Rule.Kind.REGEX, "^EHLO \\S+", "EHLO wirelens.test", true), ehlo);

        Rule plan = Rule.parse("both:text:|secret plan|public plan|");
        assertEquals(Rule.of(DirectionFilter.BOTH, Rule.Kind.TEXT, "secret plan", "public plan"), plan);

        Rule crlf = Rule.parse("s2c:hex:/0d0a/0a/");
        assertEquals(Rule.of(DirectionFilter.S2C, Rule.Kind.HEX, "0d0a", "0a"), crlf);
    }

    @Test
    void backslashEscapesTheDelimiterAndOtherPairsAreKept() {
        Rule r = Rule.parse("c2s:regex:/a\\/b\\d/x\\/y/");
        assertEquals("a/b\\d", r.pattern());
        assertEquals("x/y", r.replacement());
        Rule pipes = Rule.parse("both:text:|a\\|b|c\\\\|");
        assertEquals("a|b", pipes.pattern());
        assertEquals("c\\\\", pipes.replacement(), "the pair \\\\ is kept for the text kind to read");
    }

    @Test
    void emptyReplacementDeletes() {
        Rule r = Rule.parse("both:text:/X-Debug: 1\\r\\n//");
        assertEquals("", r.replacement());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "c2s",
        "c2s:text",
        "c2s:text:",
        "up:text:/a/b/",
        "c2s:glob:/a/b/",
        "c2s:text:/a/b",
        "c2s:text:/a/",
        "c2s:text:/a",
        "c2s:text://b/",
        "c2s:text:/a/b/g",
        "c2s:text:xaxbx",
        "c2s:text: a b ",
        "c2s:text:\\a\\b\\",
        "c2s:regex:/(/x/",
        "c2s:regex:/a/$1/",
        "c2s:regex:/(a)/$2/",
        "c2s:regex:/a/${nope}/",
        "c2s:regex:/a/cost $/",
        "c2s:hex:/0d0/0a/",
        "c2s:hex:/zz/0a/",
        "c2s:hex:/0d/0g/",
        "c2s:hex:/ /0a/",
        "c2s:text:/\\q/x/",
        "c2s:text:/\\x4/x/",
    })
    void malformedRulesAreRejectedWithAMessage(String spec) {
        RuleSyntaxException e = assertThrows(RuleSyntaxException.class, () -> Rule.parse(spec));
        assertTrue(e.getMessage().startsWith("bad rule '" + spec + "': "), e.getMessage());
        assertTrue(e.getMessage().length() > ("bad rule '" + spec + "': ").length() + 5, e.getMessage());
    }

    @Test
    void messagesSayWhatIsWrong() {
        assertTrue(message("c2s:text:/a/b").contains("no closing '/'"));
        assertTrue(message("up:text:/a/b/").contains("c2s, s2c or both"));
        assertTrue(message("c2s:glob:/a/b/").contains("text, regex or hex"));
        assertTrue(message("c2s:regex:/(a)/$2/").contains("has 1 group"));
        assertTrue(message("c2s:hex:/0d0/0a/").contains("odd number of hex digits"));
        assertTrue(message("c2s:regex:/(/x/").contains("bad regex"));
        assertTrue(message("c2s:regex:/a/xy\\q/").endsWith("bad replacement: unknown escape \\q at column 3"
                + " (known: \\r \\n \\t \\xNN \\\\)"), message("c2s:regex:/a/xy\\q/"));
    }

    private static String message(String spec) {
        return assertThrows(RuleSyntaxException.class, () -> Rule.parse(spec)).getMessage();
    }

    @Test
    void toSpecParsesBackToTheSameRule() {
        List<Rule> rules = List.of(
                Rule.parse("c2s:regex:/^EHLO \\S+/EHLO wirelens.test/"),
                Rule.parse("both:text:|a/b|c/d|"),
                Rule.parse("s2c:hex:/0d 0a/0a/"),
                Rule.of(DirectionFilter.BOTH, Rule.Kind.TEXT, "/|#!,;%@~=+^&*'\"_-:.?<>[](){}`$", "\\\\/"),
                Rule.of(DirectionFilter.C2S, Rule.Kind.REGEX,
                        "\\/b/c\\|#!,;%@~=\\+\\^&\\*'\"_-:\\.\\?<>\\[\\]\\(\\)\\{\\}`\\$", "/$0/"));
        for (Rule r : rules) {
            Rule back = Rule.parse(r.toSpec());
            assertEquals(r.direction(), back.direction(), r.toSpec());
            assertEquals(r.kind(), back.kind(), r.toSpec());
            byte[] sample = ("xx a/b /b/c|#!,;%@~=+^&*'\"_-:.?<>[](){}`$ /|#!,;%@~=+^&*'\"_-:.?<>[](){}`$\r\n"
                    + "EHLO host\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] rewritten = CompiledRule.of(r).apply(sample);
            assertNotEquals(new String(sample, StandardCharsets.ISO_8859_1),
                    new String(rewritten, StandardCharsets.ISO_8859_1), r.toSpec());
            assertEquals(new String(rewritten, StandardCharsets.ISO_8859_1),
                    new String(CompiledRule.of(back).apply(sample), StandardCharsets.ISO_8859_1),
                    r.toSpec());
        }
    }

    @Test
    void blankListenerMeansEveryListener() {
        assertNull(new Rule(DirectionFilter.BOTH, " ", Rule.Kind.TEXT, "a", "b", true).listener());
    }
}
