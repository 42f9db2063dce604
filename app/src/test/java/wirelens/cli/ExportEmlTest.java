package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.Recorder;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;

/** {@code --read CAPTURE --export-eml DIR} on a capture recorded from scripted connections. */
class ExportEmlTest {

    @TempDir
    Path dir;

    private long time = 1_700_000_000_000_000_000L;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private void open(EventQueue q, long id) {
        ListenerConfig l = ListenerConfig.forward("127.0.0.1", 2626, "127.0.0.1", 2525);
        q.publish(new EngineEvent.Opened(id, 1, l, new InetSocketAddress("127.0.0.1", 40000 + (int) id),
                new InetSocketAddress("127.0.0.1", 2525), time += 1000));
    }

    private void chunk(EventQueue q, long id, Direction d, String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        q.publish(new EngineEvent.Chunk(id, d, time += 1000, b, b));
    }

    private void c(EventQueue q, long id, String text) {
        chunk(q, id, Direction.CLIENT_TO_SERVER, text);
    }

    private void s(EventQueue q, long id, String text) {
        chunk(q, id, Direction.SERVER_TO_CLIENT, text);
    }

    private void close(EventQueue q, long id) {
        q.publish(new EngineEvent.Closed(id, time += 1000, 0, 0, false));
    }

    private Path recordCapture() throws Exception {
        EventQueue q = new EventQueue(1L << 26);
        Path file = dir.resolve("mail.pcapng");
        Recorder recorder = Recorder.toFile(q, file);
        open(q, 1);
        s(q, 1, "220 mx ESMTP\r\n");
        c(q, 1, "EHLO me\r\n");
        s(q, 1, "250-mx\r\n250 PIPELINING\r\n");
        for (int i = 1; i <= 2; i++) {
            c(q, 1, "MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
            s(q, 1, "250 ok\r\n250 ok\r\n354 go\r\n");
            c(q, 1, "Subject: message " + i + "\r\n\r\n..stuffed\r\n");
            c(q, 1, "end\r\n.\r\n");
            s(q, 1, "250 queued\r\n");
        }
        c(q, 1, "QUIT\r\n");
        s(q, 1, "221 bye\r\n");
        close(q, 1);
        open(q, 2); // not SMTP
        c(q, 2, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        s(q, 2, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        close(q, 2);
        open(q, 3); // SMTP, then TLS
        s(q, 3, "220 mx\r\n");
        c(q, 3, "EHLO me\r\nSTARTTLS\r\n");
        s(q, 3, "250 mx\r\n220 go ahead\r\n");
        c(q, 3, "\u0016\u0003\u0001\u0000\u0004abcd");
        close(q, 3);
        recorder.start();
        recorder.close();
        return file;
    }

    @Test
    void writesEveryMessageOfEverySmtpConnection() throws Exception {
        Path capture = recordCapture();
        Path out = dir.resolve("eml");
        Result r = run("--read", capture.toString(), "--export-eml", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> names;
        try (Stream<Path> files = Files.list(out)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("conn-1-msg-1.eml", "conn-1-msg-2.eml"), names);
        assertArrayEquals("Subject: message 2\r\n\r\n.stuffed\r\nend\r\n".getBytes(StandardCharsets.US_ASCII),
                Files.readAllBytes(out.resolve("conn-1-msg-2.eml")));
        assertTrue(r.out().contains("exported 2 message(s) from 2 SMTP connection(s) of 3"), r.out());
        assertTrue(r.err().contains("connection 3 switched to TLS"), r.err());
    }

    @Test
    void badInputIsAClearErrorWithoutAStackTrace() throws Exception {
        Result missing = run("--read", dir.resolve("nope.pcapng").toString(), "--export-eml", dir.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such capture file"), missing.err());

        Path junk = Files.writeString(dir.resolve("junk.pcapng"), "this is not a capture");
        Result notCapture = run("--read", junk.toString(), "--export-eml", dir.resolve("x").toString());
        assertEquals(1, notCapture.code());
        assertTrue(notCapture.err().startsWith("wirelens: " + junk), notCapture.err());
        assertFalse(notCapture.err().contains("\tat "), notCapture.err());

        Result noRead = run("--export-eml", dir.toString());
        assertEquals(2, noRead.code());
        assertTrue(noRead.err().contains("--export-eml needs --read CAPTURE"), noRead.err());

        Path capture = recordCapture();
        Path aFile = Files.writeString(dir.resolve("afile"), "x");
        Result intoFile = run("--read", capture.toString(), "--export-eml", aFile.toString());
        assertEquals(1, intoFile.code());
        assertTrue(intoFile.err().contains("is a file, not a folder"), intoFile.err());
    }
}
