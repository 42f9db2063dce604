package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureRing;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.Direction;
import wirelens.testkit.HeadlessWirelens;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.testkit.Tshark;

/** --capture-max and --capture-files under real traffic: files rotate, each reads alone, the ring reads whole. */
class CaptureRingCliTest {
    @TempDir
    Path dir;

    /** Echoes {@code rounds} pieces of 8 KiB through one connection and returns what the client sent. */
    private static byte[] echoThrough(int port, int rounds) throws Exception {
        Random random = new Random(rounds);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        try (Socket s = Loopback.connect(port)) {
            for (int i = 0; i < rounds; i++) {
                byte[] piece = new byte[8192];
                random.nextBytes(piece);
                sent.writeBytes(piece);
                assertArrayEquals(piece, Loopback.roundTrip(s, piece), "echoed byte-exact, round " + i);
            }
        }
        return sent.toByteArray();
    }

    private static byte[] bytes(CaptureFile file, long id, Direction d) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ChunkInfo c : file.index().chunks(id)) {
            if (c.direction() == d) {
                out.writeBytes(file.forwarded(c));
            }
        }
        return out.toByteArray();
    }

    @Test
    void aConnectionSpanningTheRingReadsWholeFromTheSetAndInPartsFromEachFile() throws Exception {
        Path ring = dir.resolve("cap.pcapng");
        byte[] sent;
        try (LoopbackServer echo = LoopbackServer.echo();
                HeadlessWirelens w = HeadlessWirelens.start(dir, "--forward", "0:127.0.0.1:" + echo.port(),
                        "--capture", ring.toString(), "--capture-max", "64K")) {
            sent = echoThrough(w.forwardPort(0), 48);
            w.awaitLine("#1 closed .*");
            w.stop();
            assertTrue(w.output().contains("capture " + ring + " (ring: "), w.output());
        }
        List<Path> files = CaptureRing.parts(ring);
        assertTrue(files.size() >= 4, "384 KiB each way in 64 KiB files: " + files);
        assertFalse(Files.exists(ring));

        ByteArrayOutputStream fromParts = new ByteArrayOutputStream();
        ByteArrayOutputStream fromTshark = new ByteArrayOutputStream();
        for (Path f : files) {
            try (CaptureFile part = CaptureFile.open(f)) {
                assertEquals(List.of(), part.skipped(), f.toString());
                fromParts.writeBytes(bytes(part, 1, Direction.CLIENT_TO_SERVER));
            }
            byte[][] follow = Tshark.follow(f, 0);
            fromTshark.writeBytes(follow[0]);
            assertArrayEquals(follow[0], follow[1], "tshark: this part's echo is what the client sent in it");
        }
        assertArrayEquals(sent, fromParts.toByteArray(), "Wirelens: the parts hold the stream in order, once");
        assertArrayEquals(sent, fromTshark.toByteArray(), "tshark: the parts hold the stream in order, once");

        try (CaptureFile set = CaptureFile.open(ring)) {
            assertEquals(List.of(), set.skipped());
            assertArrayEquals(sent, bytes(set, 1, Direction.CLIENT_TO_SERVER));
            assertArrayEquals(sent, bytes(set, 1, Direction.SERVER_TO_CLIENT));
            ConnectionInfo c = set.index().connection(1).orElseThrow();
            assertEquals(sent.length, c.bytesClientToServer());
        }
        CaptureCliTest.Run read = CaptureCliTest.main("--read", ring.toString());
        assertEquals(0, read.code(), read.err());
        assertTrue(read.out().contains(String.valueOf(sent.length)), read.out());
    }

    @Test
    void aRingOfThreeFilesDeletesTheOldestAndEachRemainingFileOpens() throws Exception {
        Path ring = dir.resolve("ring.pcapng");
        byte[] sent;
        try (LoopbackServer echo = LoopbackServer.echo();
                HeadlessWirelens w = HeadlessWirelens.start(dir, "--forward", "0:127.0.0.1:" + echo.port(),
                        "--capture", ring.toString(), "--capture-max", "64K", "--capture-files", "3")) {
            sent = echoThrough(w.forwardPort(0), 64);
            for (int i = 0; i < 5; i++) {
                echoThrough(w.forwardPort(0), 1);
            }
            w.awaitLine("#6 closed .*");
            w.stop();
        }
        List<Path> files = CaptureRing.parts(ring);
        assertEquals(3, files.size(), files.toString());
        assertFalse(Files.exists(CaptureRing.part(ring, 1)), "the oldest files are deleted");
        for (Path f : files) {
            assertEquals(0, Tshark.run("-r", f.toString(), "-q", "-z", "conv,tcp").exit(), f.toString());
            try (CaptureFile part = CaptureFile.open(f)) {
                assertEquals(List.of(), part.skipped(), f.toString());
            }
        }
        try (CaptureFile set = CaptureFile.open(ring)) {
            byte[] tail = bytes(set, 1, Direction.CLIENT_TO_SERVER);
            assertTrue(tail.length > 0 && tail.length < sent.length, "the ring kept the end of connection 1");
            assertArrayEquals(Arrays.copyOfRange(sent, sent.length - tail.length, sent.length), tail);
            assertEquals(6, set.index().connectionCount());
        }
    }

    @Test
    void ringOptionsWithoutWhatTheyNeedAreUsageErrors() {
        CaptureCliTest.Run files = CaptureCliTest.main("--headless", "--forward", "0:127.0.0.1:9", "--capture",
                dir.resolve("x.pcapng").toString(), "--capture-files", "4");
        assertEquals(2, files.code());
        assertTrue(files.err().contains("--capture-files needs --capture-max"), files.err());
        CaptureCliTest.Run size = CaptureCliTest.main("--headless", "--forward", "0:127.0.0.1:9", "--capture",
                dir.resolve("x.pcapng").toString(), "--capture-max", "lots");
        assertEquals(2, size.code());
        assertTrue(size.err().contains("'lots' is not a size"), size.err());
        CaptureCliTest.Run noCapture = CaptureCliTest.main("--headless", "--forward", "0:127.0.0.1:9",
                "--capture-max", "1M");
        assertEquals(2, noCapture.code());
        assertTrue(noCapture.err().contains("--capture-max needs --capture FILE"), noCapture.err());
    }
}
