package wirelens.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.ExchangeLog;
import wirelens.testkit.Commands;

/** Curl command lines: every word reaches the program as the bytes it stands for, in bash and in dash. */
class CurlCommandTest {
    @TempDir
    Path dir;

    @Test
    void quotedWordsAreTheirBytesInBashAndDash() throws Exception {
        List<byte[]> words = List.of("plain-word_1.2:3/x@y%z".getBytes(StandardCharsets.ISO_8859_1),
                "it's \"quoted\" $HOME `id` \\ ! * ; & | < > ( ) { } [ ] ~ #".getBytes(StandardCharsets.ISO_8859_1),
                "line\nbreak\r\ttab".getBytes(StandardCharsets.ISO_8859_1),
                "caf\u00e9 \u2713".getBytes(StandardCharsets.UTF_8),
                new byte[] {1, 2, 0x7f, (byte) 0x80, (byte) 0xff, '\'', '\\'});
        for (byte[] word : words) {
            String quoted = CurlCommand.quote(word);
            Commands.Result bash = Commands.run(dir, List.of("bash", "-c", "printf %s " + quoted));
            assertArrayEquals(word, bash.out(), quoted);
            if (!quoted.startsWith("$'")) { // $'…' is bash (and zsh); dash gets the printf form for binary bodies
                Commands.Result dash = Commands.run(dir, List.of("sh", "-c", "printf %s " + quoted));
                assertArrayEquals(word, dash.out(), quoted);
            }
        }
    }

    @Test
    void aPrintfFormatPrintsNulBytesAndPercentSigns() throws Exception {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        String format = CurlCommand.printfFormat(body);
        for (String shell : List.of("bash", "sh")) {
            Commands.Result r = Commands.run(dir, List.of(shell, "-c", "printf " + format));
            assertArrayEquals(body, r.out(), shell);
        }
    }

    @Test
    void methodHeadersAndBodyBecomeOptions() throws Exception {
        Exchange get = exchange("GET http://example.test/a?b=1 HTTP/1.1\r\nHost: example.test\r\nX-Empty:\r\n"
                + "Proxy-Connection: keep-alive\r\n\r\n");
        assertEquals("curl 'http://example.test/a?b=1' -H 'X-Empty;' -H 'User-Agent:' -H 'Accept:'",
                CurlCommand.of(get, new byte[0], () -> null));
        Exchange head = exchange("HEAD /x HTTP/1.0\r\nHost: other.test:8080\r\nUser-Agent: ua\r\nAccept: */*\r\n\r\n");
        assertEquals("curl --head --http1.0 http://other.test:8080/x -H 'User-Agent: ua' -H 'Accept: */*'",
                CurlCommand.of(head, new byte[0], () -> null));
        Exchange post = exchange("POST http://example.test/form HTTP/1.1\r\nHost: elsewhere.test\r\n"
                + "Content-Length: 3\r\nContent-Type: text/plain\r\n\r\nabc");
        assertEquals("curl http://example.test/form -H 'Host: elsewhere.test' -H 'Content-Type: text/plain'"
                + " -H 'User-Agent:' -H 'Accept:' --data-binary abc", CurlCommand.of(post, "abc".getBytes(), () -> null));
        Exchange put = exchange("PUT http://example.test/big HTTP/1.1\r\nHost: example.test\r\nContent-Length: 70000\r\n\r\n");
        byte[] big = new byte[70_000];
        Path file = dir.resolve("big.body");
        String command = CurlCommand.of(put, big, () -> file);
        assertTrue(command.endsWith(" --data-binary @" + file.toAbsolutePath()), command);
        assertTrue(command.startsWith("curl -X PUT "), command);
        assertArrayEquals(big, Files.readAllBytes(file));
    }

    private static Exchange exchange(String request) {
        ExchangeLog log = new ExchangeLog();
        log.onBytes(true, request.getBytes(StandardCharsets.ISO_8859_1), 1);
        return log.exchanges().get(0);
    }
}
