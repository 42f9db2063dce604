package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.CaptureFile;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.testkit.Commands;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.testkit.Tshark;

/** --capture, --read and --read --dump on the real command line. */
class CaptureCliTest {
    private static final Pattern LISTENING = Pattern.compile("listening forward 127\\.0\\.0\\.1:(\\d+) -> .*");

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run main(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static int listeningPort(BufferedReader out) throws IOException {
        String first = out.readLine();
        Matcher m = LISTENING.matcher(first == null ? "" : first);
        assertTrue(m.matches(), "first line: " + first);
        return Integer.parseInt(m.group(1));
    }

    @Test
    void recordsHeadlessTrafficThenReadsItBackAsTableAndDump() throws Exception {
        Path capture = dir.resolve("smtp.pcapng");
        try (LoopbackServer backend = new LoopbackServer(s -> {
            s.getOutputStream().write("220 hello\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readAllBytes();
        })) {
            Process p = HeadlessProcessTest.start("--headless", "--forward", "0:127.0.0.1:" + backend.port(),
                    "--capture", capture.toString());
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                int port = listeningPort(out);
                try (Socket c = Loopback.connect(port)) {
                    assertEquals("220 hello", new BufferedReader(new InputStreamReader(c.getInputStream())).readLine());
                    c.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                assertTrue(out.readLine().startsWith("#1 open 127.0.0.1:"));
                String closed = out.readLine();
                assertTrue(closed.matches("#1 closed c2s=6 s2c=11 bytes in [0-9.]+s"), closed);
                // SIGTERM without Process.destroy(), which would also close our end of its output
                assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
                String summary = out.readLine(); // printed on the way out
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue());
                assertTrue(summary != null && summary.startsWith("capture " + capture + ": 1 connection(s)"), summary);
            } finally {
                p.destroyForcibly();
            }
        }

        Run table = main("--read", capture.toString());
        assertEquals(0, table.code(), table.err());
        assertEquals("", table.err());
        String[] lines = table.out().split("\n");
        assertTrue(lines[0].matches("\\s+id\\s+client\\s+target\\s+client>\\s+<server\\s+duration\\s+end"), lines[0]);
        assertTrue(lines[1].matches("\\s+1\\s+127\\.0\\.0\\.1:\\d+\\s+127\\.0\\.0\\.1:\\d+\\s+6\\s+11\\s+\\S+\\s+closed"),
                lines[1]);

        Run dump = main("--read", capture.toString(), "--dump", "1");
        assertEquals(0, dump.code(), dump.err());
        assertTrue(dump.out().contains("< "), dump.out());
        assertTrue(dump.out().contains("length=11 from=0 to=10\n 32 32 30 20 68 65 6c 6c 6f 0d 0a"
                + "                 220 hello..\n--\n"), dump.out());
        assertTrue(dump.out().contains("length=6 from=0 to=5\n 51 55 49 54 0d 0a"), dump.out());
        assertTrue(dump.out().indexOf("\n< ") < dump.out().indexOf("\n> "), "the greeting comes first");
    }

    @Test
    void badCapturesAndWrongUseGetOneClearLine() throws Exception {
        Run missing = main("--read", dir.resolve("nope.pcapng").toString());
        assertEquals(1, missing.code());
        assertEquals("wirelens: " + dir.resolve("nope.pcapng") + ": no such capture file\n", missing.err());

        Path text = Files.writeString(dir.resolve("text.pcapng"), "not a capture at all, just some text\n");
        Run notPcapng = main("--read", text.toString());
        assertEquals(1, notPcapng.code());
        assertTrue(notPcapng.err().matches("wirelens: .*text\\.pcapng: not a pcapng file \\(it starts with 6e6f7420\\)\n"),
                notPcapng.err());

        Run dumpWithoutRead = main("--dump", "3");
        assertEquals(2, dumpWithoutRead.code());
        assertTrue(dumpWithoutRead.err().startsWith("wirelens: --dump needs --read CAPTURE"), dumpWithoutRead.err());

        Run captureInWindow = main("--capture", dir.resolve("x.pcapng").toString());
        assertEquals(2, captureInWindow.code());

        Run unwritable = main("--headless", "--forward", "0:127.0.0.1:9", "--capture",
                dir.resolve("no/such/dir/x.pcapng").toString());
        assertEquals(1, unwritable.code());
        assertTrue(unwritable.err().startsWith("wirelens: cannot write the capture file "), unwritable.err());
    }

    @Test
    void aDumpOfAnUnknownConnectionSaysWhichOnesExist() throws Exception {
        Path capture = dir.resolve("empty.pcapng");
        try (var q = new AutoCloseableRecorder(capture)) {
            // an empty capture: a header and nothing else
        }
        Run dump = main("--read", capture.toString(), "--dump", "7");
        assertEquals(1, dump.code());
        assertTrue(dump.err().contains("no connection 7 (there are 0"), dump.err());
        Run table = main("--read", capture.toString());
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().endsWith("0 connections\n"), table.out());
    }

    /** A recorder that records nothing, for an empty capture file. */
    private static final class AutoCloseableRecorder implements AutoCloseable {
        private final wirelens.capture.Recorder recorder;

        AutoCloseableRecorder(Path file) throws IOException {
            recorder = wirelens.capture.Recorder.toFile(new wirelens.engine.EventQueue(1 << 20), file);
            recorder.start();
        }

        @Override
        public void close() throws IOException {
            recorder.close();
        }
    }

    @Test
    void theJarKilledMidTransferLeavesACaptureThatOpens() throws Exception {
        Path capture = dir.resolve("killed.pcapng");
        try (LoopbackServer backend = LoopbackServer.sink()) {
            Process p = HeadlessProcessTest.start("--headless", "--quiet", "--forward",
                    "0:127.0.0.1:" + backend.port(), "--capture", capture.toString());
            try (Socket c = new Socket()) {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                c.connect(new InetSocketAddress("127.0.0.1", listeningPort(out)), 5000);
                byte[] block = new byte[64 * 1024];
                for (int i = 0; i < block.length; i++) {
                    block[i] = (byte) i;
                }
                for (int i = 0; i < 2000 && Files.size(capture) < (8L << 20); i++) {
                    c.getOutputStream().write(block);
                }
                p.destroyForcibly(); // SIGKILL mid-transfer
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            } catch (IOException stopped) {
                // the proxy died under the client: expected once it is killed
            } finally {
                p.destroyForcibly();
            }
        }
        assertTrue(Files.size(capture) >= 8L << 20, "recorded " + Files.size(capture));
        try (CaptureFile read = CaptureFile.open(capture)) {
            for (String note : read.skipped()) {
                assertTrue(note.contains("cut-off") || note.contains("file ends"), note);
            }
            ConnectionInfo c = read.index().connections().get(0);
            assertTrue(c.isOpen(), "killed before the connection ended");
            long total = 0;
            for (ChunkInfo chunk : read.index().chunks(c.id())) {
                byte[] bytes = read.forwarded(chunk);
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] != (byte) ((total + i) % (64 * 1024))) {
                        throw new AssertionError("wrong byte at stream offset " + (total + i));
                    }
                }
                total += bytes.length;
            }
            assertTrue(total > 7L << 20, "bytes read back: " + total);
        }
        if (Tshark.installed()) {
            Commands.Result t = Tshark.run("-r", capture.toString(), "-q", "-z", "conv,tcp");
            String text = t.text() + t.err();
            assertTrue(text.contains("127.0.0.1:"), text);
            assertTrue(t.exit() == 0 || text.contains("cut short"), text);
        }
    }
}
