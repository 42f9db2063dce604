package wirelens.proto.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoder must report the same thing however its input is split, down to one byte at a time,
 * and must survive random mutations of valid traffic (seeded, bounded) without throwing or stalling.
 */
class HttpDecoderFuzzTest {

    private record Sample(HttpDecoder.Role role, List<String> methods, String text) {}

    private static final List<Sample> CORPUS = List.of(
            new Sample(HttpDecoder.Role.REQUEST, List.of(),
                    "GET http://a.example/x HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\n\r\n"
                            + "POST /form HTTP/1.1\r\nHost: b\r\nContent-Length: 11\r\n\r\nhello=world"
                            + "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1;x=y\r\nd\r\n0\r\nT: 1\r\n\r\n"
                            + "\r\nGET / HTTP/1.0\n\n"),
            new Sample(HttpDecoder.Role.REQUEST, List.of(),
                    "CONNECT b.example:443 HTTP/1.1\r\nHost: b.example:443\r\n\r\n\u0016\u0003\u0001\u0002\u0000binary"),
            new Sample(HttpDecoder.Role.REQUEST, List.of(),
                    "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0085maskdata"),
            new Sample(HttpDecoder.Role.RESPONSE, List.of("POST", "HEAD", "GET", "GET", "GET"),
                    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
                            + "HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n"
                            + "HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n"
                            + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"
                            + "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end"),
            new Sample(HttpDecoder.Role.RESPONSE, List.of("GET"),
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\u0081\u0002hi"));

    @Test
    void everySplitGivesTheSameTranscript() {
        Random random = new Random(20261121);
        for (Sample sample : CORPUS) {
            byte[] bytes = sample.text().getBytes(StandardCharsets.ISO_8859_1);
            List<String> whole = transcript(sample, bytes, new int[0]);
            assertEquals(whole, transcript(sample, bytes, everyByte(bytes.length)), "one byte at a time");
            for (int round = 0; round < 200; round++) {
                assertEquals(whole, transcript(sample, bytes, randomSplits(random, bytes.length)), sample.text());
            }
        }
    }

    @Test
    void mutatedInputNeverThrowsAndStillSplitsConsistently() {
        Random random = new Random(424242);
        for (int round = 0; round < 3000; round++) {
            Sample sample = CORPUS.get(random.nextInt(CORPUS.size()));
            byte[] bytes = mutate(random, sample.text().getBytes(StandardCharsets.ISO_8859_1));
            List<String> whole = transcript(sample, bytes, new int[0]);
            List<String> split = transcript(sample, bytes, randomSplits(random, bytes.length));
            assertEquals(whole, split, () -> "mutated input: " + HeadSyntax.printable(
                    new String(bytes, StandardCharsets.ISO_8859_1)));
        }
    }

    private static List<String> transcript(Sample sample, byte[] bytes, int[] splits) {
        HttpDecoder decoder = new HttpDecoder(sample.role(), 256);
        sample.methods().forEach(decoder::expectResponseTo);
        DecoderScript script = new DecoderScript(decoder, true);
        int from = 0;
        for (int split : splits) {
            script.feed(bytes, from, split - from);
            from = split;
        }
        script.feed(bytes, from, bytes.length - from);
        assertEquals(bytes.length, decoder.position(), "every byte is consumed");
        return script.finish();
    }

    private static int[] everyByte(int length) {
        int[] splits = new int[Math.max(0, length - 1)];
        for (int k = 0; k < splits.length; k++) {
            splits[k] = k + 1;
        }
        return splits;
    }

    private static int[] randomSplits(Random random, int length) {
        List<Integer> points = new ArrayList<>();
        int at = 0;
        while (length > 0) {
            at += 1 + random.nextInt(Math.max(1, Math.min(40, length)));
            if (at >= length) {
                break;
            }
            points.add(at);
        }
        return points.stream().mapToInt(Integer::intValue).toArray();
    }

    private static byte[] mutate(Random random, byte[] in) {
        byte[] out = in.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && out.length > 0; e++) {
            int at = random.nextInt(out.length);
            switch (random.nextInt(5)) {
                case 0 -> out[at] = (byte) random.nextInt(256);
                case 1 -> out[at] = (byte) "\r\n :;0aF-".charAt(random.nextInt(9));
                case 2 -> {
                    byte[] shorter = new byte[out.length - 1];
                    System.arraycopy(out, 0, shorter, 0, at);
                    System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
                    out = shorter;
                }
                case 3 -> {
                    int len = Math.min(out.length - at, 1 + random.nextInt(30));
                    byte[] longer = new byte[out.length + len];
                    System.arraycopy(out, 0, longer, 0, at + len);
                    System.arraycopy(out, at, longer, at + len, out.length - at);
                    out = longer;
                }
                default -> {
                    byte[] longer = new byte[out.length + 300];
                    System.arraycopy(out, 0, longer, 0, at);
                    java.util.Arrays.fill(longer, at, at + 300, (byte) 'x');
                    System.arraycopy(out, at, longer, at + 300, out.length - at);
                    out = longer;
                }
            }
        }
        return out;
    }
}
