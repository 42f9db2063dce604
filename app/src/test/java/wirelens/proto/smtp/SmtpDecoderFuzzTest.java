package wirelens.proto.smtp;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mutated sessions: the decoder never throws and does not depend on where chunks were split. */
class SmtpDecoderFuzzTest {

    private static final byte[][] INTERESTING = bytes("\r\n", "\n", "\r", ".", ".\r\n", "\r\n.\r\n", "DATA\r\n",
            "354 go\r\n", "250-", "334 \r\n", "AUTH LOGIN\r\n", "BDAT 5 LAST\r\n", "BDAT 99999\r\n", "STARTTLS\r\n",
            "220 ok\r\n", "\0", "\u00ff", "=?", "AUTH PLAIN ====\r\n", "MAIL FROM:<\r\n", "RCPT\r\n");

    private static byte[][] bytes(String... s) {
        byte[][] out = new byte[s.length][];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    @Test
    void mutatedSessionsNeverThrowAndIgnoreChunkBoundaries() {
        Random random = new Random(20261121);
        List<SmtpScript> seeds = List.of(SmtpDecoderTest.plainSession(), SmtpScriptsForFuzz.all());
        int checked = 0;
        for (int round = 0; round < 1500; round++) {
            SmtpScript mutated = mutate(seeds.get(round % seeds.size()), random);
            SmtpSession whole = assertDoesNotThrow(mutated::decode);
            checkInvariants(whole);
            String expected = SmtpScript.render(whole);
            SmtpSession split = assertDoesNotThrow(() -> mutated.decodeSplit(random, 1 + random.nextInt(8)));
            assertEquals(expected, SmtpScript.render(split), "round " + round);
            checked++;
        }
        assertEquals(1500, checked);
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(99);
        for (int round = 0; round < 300; round++) {
            SmtpScript script = new SmtpScript();
            int steps = 1 + random.nextInt(20);
            for (int i = 0; i < steps; i++) {
                byte[] b = new byte[random.nextInt(200)];
                random.nextBytes(b);
                if (random.nextBoolean()) {
                    script.c(b);
                } else {
                    script.s(b);
                }
            }
            checkInvariants(assertDoesNotThrow(script::decode));
        }
    }

    private static void checkInvariants(SmtpSession s) {
        for (int i = 0; i < s.exchanges().size(); i++) {
            assertEquals(i + 1, s.exchanges().get(i).number());
        }
        for (int i = 0; i < s.messages().size(); i++) {
            assertEquals(i + 1, s.messages().get(i).number());
        }
        for (Credentials c : s.credentials()) {
            assertTrue(c.exchangeNumber() >= 1 && c.exchangeNumber() <= s.exchanges().size());
            assertTrue(!c.masked().contains("\u0000"));
        }
    }

    private static SmtpScript mutate(SmtpScript seed, Random random) {
        List<SmtpScript.Step> steps = new ArrayList<>(seed.steps);
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && !steps.isEmpty(); m++) {
            int i = random.nextInt(steps.size());
            SmtpScript.Step st = steps.get(i);
            byte[] b = st.bytes();
            switch (random.nextInt(6)) {
                case 0 -> { // flip a byte
                    if (b.length > 0) {
                        b = b.clone();
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> b = insert(b, random.nextInt(b.length + 1), INTERESTING[random.nextInt(INTERESTING.length)]);
                case 2 -> { // delete a range
                    if (b.length > 0) {
                        int from = random.nextInt(b.length);
                        int to = Math.min(b.length, from + 1 + random.nextInt(10));
                        byte[] out = new byte[b.length - (to - from)];
                        System.arraycopy(b, 0, out, 0, from);
                        System.arraycopy(b, to, out, from, b.length - to);
                        b = out;
                    }
                }
                case 3 -> steps.add(random.nextInt(steps.size() + 1), st); // duplicate a chunk
                case 4 -> { // swap with the next chunk
                    if (i + 1 < steps.size()) {
                        steps.set(i, steps.get(i + 1));
                        steps.set(i + 1, st);
                    }
                    continue;
                }
                default -> steps.remove(i);
            }
            if (i < steps.size() && steps.get(i) == st) {
                steps.set(i, new SmtpScript.Step(st.fromClient(), b));
            }
        }
        SmtpScript out = new SmtpScript();
        out.steps.addAll(steps);
        return out;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    /** A seed that touches every feature at once. */
    static final class SmtpScriptsForFuzz {
        static SmtpScript all() {
            return new SmtpScript()
                    .s("220-first\r\n220 second\r\n")
                    .c("EHLO x\r\n").s("250-hi\r\n250-PIPELINING\r\n250 CHUNKING\r\n")
                    .c("AUTH LOGIN\r\n").s("334 VXNlcm5hbWU6\r\n").c("dXNlcg==\r\n").s("334 UGFzc3dvcmQ6\r\n")
                    .c("cGFzcw==\r\n").s("235 ok\r\n")
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n").s("250 ok\r\n250 ok\r\n354 go\r\n")
                    .c("Subject: s\r\n\r\n..x\r\n.\r\nMAIL FROM:<c@x>\r\nRCPT TO:<d@x>\r\nBDAT 3 LAST\r\nxyz")
                    .s("250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n")
                    .c("STARTTLS\r\n").s("220 go\r\n").c(new byte[] {22, 3, 1}).s(new byte[] {22, 3, 3});
        }
    }
}
