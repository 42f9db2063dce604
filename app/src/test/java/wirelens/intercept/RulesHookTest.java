package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import wirelens.engine.ChunkHook.ChunkContext;
import wirelens.engine.ChunkHook.Verdict;
import wirelens.engine.Direction;
import wirelens.engine.ListenerConfig;

class RulesHookTest {
    static final ListenerConfig SMTP = ListenerConfig.forward("127.0.0.1", 2525, "127.0.0.1", 25).withName("smtp");
    static final ListenerConfig WEB = ListenerConfig.forward("127.0.0.1", 8080, "127.0.0.1", 80).withName("web");

    static ChunkContext c2s(ListenerConfig listener) {
        return new ChunkContext(1, 1, listener, Direction.CLIENT_TO_SERVER, 0);
    }

    static ChunkContext s2c(ListenerConfig listener) {
        return new ChunkContext(1, 1, listener, Direction.SERVER_TO_CLIENT, 0);
    }

    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static String apply(RulesHook hook, ChunkContext ctx, String chunk) {
        return text(hook.apply(ctx, bytes(chunk)));
    }

    @Test
    void issueExampleRegexRewritesEhloOnlyClientToServer() {
        RulesHook hook = new RulesHook(List.of(Rule.parse("c2s:regex:/^EHLO \\S+/EHLO wirelens.test/")));
        assertEquals("EHLO wirelens.test\r\n", apply(hook, c2s(SMTP), "EHLO laptop.example\r\n"));
        assertEquals("250-EHLO laptop.example\r\n", apply(hook, s2c(SMTP), "250-EHLO laptop.example\r\n"));
        // ^ matches at every line start within a chunk (pipelined commands)
        assertEquals("NOOP\r\nEHLO wirelens.test\r\n", apply(hook, c2s(SMTP), "NOOP\r\nEHLO a.b\r\n"));
        assertEquals("HELO x\r\n", apply(hook, c2s(SMTP), "HELO x\r\n"));
    }

    @Test
    void issueExampleTextRewritesBothDirectionsEveryOccurrence() {
        RulesHook hook = new RulesHook(List.of(Rule.parse("both:text:|secret plan|public plan|")));
        assertEquals("the public plan, public plan!", apply(hook, c2s(WEB), "the secret plan, secret plan!"));
        assertEquals("public plan", apply(hook, s2c(WEB), "secret plan"));
        assertEquals("Secret plan", apply(hook, s2c(WEB), "Secret plan"), "text rules are case-sensitive");
    }

    @Test
    void issueExampleHexTurnsCrlfIntoLfServerToClient() {
        RulesHook hook = new RulesHook(List.of(Rule.parse("s2c:hex:/0d0a/0a/")));
        assertEquals("220 hi\n250 ok\n", apply(hook, s2c(SMTP), "220 hi\r\n250 ok\r\n"));
        assertEquals("EHLO x\r\n", apply(hook, c2s(SMTP), "EHLO x\r\n"));
    }

    @Test
    void regexGroupReferencesAndEscapesInTheReplacement() {
        RulesHook hook = new RulesHook(List.of(
                Rule.parse("c2s:regex:/^Subject: (.*)$/Subject: [wl] $1\\r\\nX-Was: \\$$1/"),
                Rule.parse("c2s:regex:/(?<user>[a-z]+)@example\\.com/${user}@test.invalid/")));
        assertEquals("From: bob@test.invalid\r\nSubject: [wl] hello\r\nX-Was: $hello\r\n\r\nbody\r\n",
                apply(hook, c2s(SMTP), "From: bob@example.com\r\nSubject: hello\r\n\r\nbody\r\n"));
    }

    @Test
    void regexSeesEveryByteAndWritesEveryByteBack() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        RulesHook hook = new RulesHook(List.of(Rule.parse("both:regex:/\\x41(.)\\x43/[$1\\xff\\x00]/")));
        byte[] out = hook.apply(c2s(WEB), all);
        assertEquals(256 + 3 - 3 + 2, out.length);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 0, 0x41), java.util.Arrays.copyOfRange(out, 0, 0x41));
        assertArrayEquals(new byte[] {'[', 'B', (byte) 0xff, 0, ']'}, java.util.Arrays.copyOfRange(out, 0x41, 0x46));
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 0x44, 256), java.util.Arrays.copyOfRange(out, 0x46, out.length));
    }

    @Test
    void nonAsciiTextStandsForItsUtf8Bytes() {
        RulesHook hook = new RulesHook(List.of(
                Rule.parse("both:text:/Grüße/Hallo ✓/"),
                Rule.parse("both:regex:/Straße (\\d+)/Weg $1 ß/")));
        byte[] in = "Grüße aus der Straße 7".getBytes(StandardCharsets.UTF_8);
        assertEquals("Hallo ✓ aus der Weg 7 ß", new String(hook.apply(c2s(WEB), in), StandardCharsets.UTF_8));
    }

    @Test
    void rulesApplyInOrderEachSeeingTheOutputOfThePrevious() {
        RulesHook hook = new RulesHook(List.of(
                Rule.parse("both:text:/a/b/"),
                Rule.parse("both:text:/b/c/")));
        assertEquals("ccc", apply(hook, c2s(WEB), "abc".replace("c", "b")));
        RulesHook reversed = new RulesHook(List.of(
                Rule.parse("both:text:/b/c/"),
                Rule.parse("both:text:/a/b/")));
        assertEquals("bcc", apply(reversed, c2s(WEB), "abb"));
    }

    @Test
    void disabledRulesAndOtherListenersAreSkipped() {
        RulesHook hook = new RulesHook(List.of(
                Rule.parse("both:text:/a/X/").withEnabled(false),
                Rule.parse("both:text:/b/Y/").withListener("smtp")));
        assertEquals("aY", apply(hook, c2s(SMTP), "ab"));
        assertEquals("ab", apply(hook, c2s(WEB), "ab"));
        hook.setRules(List.of(Rule.parse("both:text:/a/Z/")));
        assertEquals("Zb", apply(hook, c2s(WEB), "ab"));
    }

    @Test
    void anUnchangedChunkIsForwardedAsTheSameArray() {
        RulesHook hook = new RulesHook(List.of(Rule.parse("both:text:/a/a/"), Rule.parse("both:text:/zz/y/")));
        byte[] data = bytes("banana");
        Verdict v = hook.onChunk(c2s(WEB), data);
        assertSame(data, ((Verdict.Forward) v).bytes());
    }

    @Test
    void aMatchStraddlingTwoChunksIsNotReplacedAndNoByteIsLost() {
        RulesHook hook = new RulesHook(List.of(Rule.parse("both:text:|secret plan|public plan|")));
        assertEquals("the secr", apply(hook, c2s(WEB), "the secr"));
        assertEquals("et plan", apply(hook, c2s(WEB), "et plan"));
        // once whole in one chunk again, it is replaced
        assertEquals("public plan", apply(hook, c2s(WEB), "secret plan"));
    }

    @Test
    void randomSplitsNeverLoseOrAddBytesOutsideMatches() {
        // a stream with no match in it passes through unchanged however it is split
        RulesHook hook = new RulesHook(List.of(Rule.parse("both:regex:/\\x00\\x01\\x02\\x03\\x04/X/")));
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            byte[] stream = new byte[1 + random.nextInt(300)];
            random.nextBytes(stream);
            for (int i = 0; i + 4 < stream.length; i++) {
                if (stream[i] == 0 && stream[i + 1] == 1) {
                    stream[i] = 9;
                }
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int pos = 0;
            while (pos < stream.length) {
                int n = 1 + random.nextInt(stream.length - pos);
                out.writeBytes(hook.apply(c2s(WEB), java.util.Arrays.copyOfRange(stream, pos, pos + n)));
                pos += n;
            }
            assertArrayEquals(stream, out.toByteArray());
        }
    }

    @Test
    void aCatastrophicallyBacktrackingRegexGivesUpInsteadOfHanging() {
        RulesHook hook = new RulesHook(List.of(Rule.parse("both:regex:/(.*a){20}b/x/")));
        byte[] evil = bytes("a".repeat(28)); // about 20 s of backtracking without the budget
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> hook.onChunk(c2s(WEB), evil));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("backtracks too much"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("rule both:regex:/(.*a){20}b/x/"), e.getMessage());
        // a long but ordinary chunk is still rewritten
        byte[] big = bytes("Subject: x\r\n".repeat(20_000));
        assertEquals(20_000 * "Subject: y\r\n".length(),
                new RulesHook(List.of(Rule.parse("c2s:regex:/^Subject: .*$/Subject: y/"))).apply(c2s(WEB), big).length);
    }
}
