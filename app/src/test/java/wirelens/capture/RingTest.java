package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.engine.EventQueue;
import wirelens.testkit.Tshark;

/** A capture ring fed synthetic events: rotation, restated connections, deletion, reading parts and the set. */
class RingTest {
    private static final int CHUNK = 6000;

    @TempDir
    Path dir;

    /** Connection 1 sends 40 chunks each way across the files; connection 2 lives inside the run. */
    private Recorder record(CaptureRing ring, ByteArrayOutputStream c2s, ByteArrayOutputStream s2c) throws Exception {
        EventQueue queue = new EventQueue(8 << 20);
        Recorder recorder = Recorder.toRing(queue, dir.resolve("cap.pcapng"), ring);
        Events ev = new Events();
        Random random = new Random(7);
        queue.publish(ev.opened(1, "127.0.0.1", 40001, "127.0.0.1", 2525));
        queue.publish(ev.connected(1, "127.0.0.1", 2525));
        for (int i = 0; i < 40; i++) {
            byte[] up = new byte[CHUNK];
            byte[] down = new byte[CHUNK / 2];
            random.nextBytes(up);
            random.nextBytes(down);
            c2s.writeBytes(up);
            queue.publish(ev.chunk(1, Direction.CLIENT_TO_SERVER, up));
            if (i <= 30) {
                s2c.writeBytes(down);
                queue.publish(ev.chunk(1, Direction.SERVER_TO_CLIENT, down));
            }
            if (i == 10) {
                queue.publish(ev.opened(2, "127.0.0.1", 40002, "127.0.0.1", 2525));
                queue.publish(ev.connected(2, "127.0.0.1", 2525));
                queue.publish(ev.chunk(2, Direction.CLIENT_TO_SERVER, "QUIT\r\n".getBytes()));
                queue.publish(ev.closed(2, 6, 0, false));
            }
            if (i == 30) {
                // the server is done; the client sends on, across files that restate the half-close
                queue.publish(ev.halfClosed(1, Direction.SERVER_TO_CLIENT));
            }
        }
        recorder.start();
        return recorder;
    }

    @Test
    void everyFileOfAKeepAllRingReadsOnItsOwnAndTheSetReadsWhole() throws Exception {
        ByteArrayOutputStream c2s = new ByteArrayOutputStream();
        ByteArrayOutputStream s2c = new ByteArrayOutputStream();
        Recorder recorder = record(new CaptureRing(CaptureRing.MIN_FILE_BYTES, 0), c2s, s2c);
        recorder.close();
        List<Path> files = CaptureRing.parts(dir.resolve("cap.pcapng"));
        assertTrue(files.size() >= 10, "rotated into many files: " + files);
        assertEquals(CaptureRing.part(dir.resolve("cap.pcapng"), 1), files.get(0));
        assertFalse(Files.exists(dir.resolve("cap.pcapng")), "the ring's name itself is never written");

        ByteArrayOutputStream partsC2s = new ByteArrayOutputStream();
        for (Path f : files) {
            try (CaptureFile part = CaptureFile.open(f)) {
                assertEquals(List.of(), part.skipped(), f.toString());
                assertTrue(part.index().connection(1).isPresent(), "connection 1 is stated in " + f);
                for (ChunkInfo c : part.index().chunks(1)) {
                    if (c.direction() == Direction.CLIENT_TO_SERVER) {
                        partsC2s.writeBytes(part.forwarded(c));
                    }
                }
            }
        }
        assertArrayEquals(c2s.toByteArray(), partsC2s.toByteArray(), "the parts hold each byte once");

        try (CaptureFile set = CaptureFile.open(dir.resolve("cap.pcapng"))) {
            assertEquals(List.of(), set.skipped());
            assertEquals(2, set.index().connectionCount());
            assertArrayEquals(c2s.toByteArray(), bytes(set, 1, Direction.CLIENT_TO_SERVER));
            assertArrayEquals(s2c.toByteArray(), bytes(set, 1, Direction.SERVER_TO_CLIENT));
            ConnectionInfo c = set.index().connection(1).orElseThrow();
            assertTrue(c.serverFinished(), "the half-close is read once");
            assertEquals(71, c.chunkCount());
            assertEquals(ConnectionEnd.CLOSED, set.index().connection(2).orElseThrow().end());

            Path copy = dir.resolve("copy.pcapng");
            set.saveCopy(copy);
            try (CaptureFile one = CaptureFile.open(copy)) {
                assertEquals(List.of(), one.skipped());
                assertArrayEquals(c2s.toByteArray(), bytes(one, 1, Direction.CLIENT_TO_SERVER), "a viewer's Save as");
            }
            if (Tshark.installed()) {
                assertArrayEquals(s2c.toByteArray(), Tshark.follow(copy, 0)[1], "one stream in tshark");
            }
        }
        try (CaptureFile ring = CaptureFile.openWithRing(files.get(3))) {
            assertEquals(files, ring.files(), "any file of a ring opens the ring");
            assertArrayEquals(c2s.toByteArray(), bytes(ring, 1, Direction.CLIENT_TO_SERVER));
        }
    }

    @Test
    void aRingOfThreeDeletesTheOldestAndWhatItDeletedReadsAsGone() throws Exception {
        ByteArrayOutputStream c2s = new ByteArrayOutputStream();
        ByteArrayOutputStream s2c = new ByteArrayOutputStream();
        Recorder recorder = record(new CaptureRing(CaptureRing.MIN_FILE_BYTES, 3), c2s, s2c);
        for (int i = 0; i < 400 && recorder.index().chunkCount(1) < 71; i++) {
            Thread.sleep(25);
        }
        CaptureFile live = recorder.file().orElseThrow();
        ChunkInfo first = recorder.index().chunk(1, 0);
        assertFalse(live.holds(first));
        ChunkGoneException gone = assertThrows(ChunkGoneException.class, () -> live.forwarded(first));
        assertTrue(gone.getMessage().contains("no longer in the capture ring"), gone.getMessage());
        ChunkInfo last = recorder.index().chunk(1, 70);
        assertEquals(CHUNK, live.forwarded(last).length, "the newest chunk reads back");

        Path saved = dir.resolve("saved.pcapng");
        recorder.saveCopy(saved);
        List<Path> files = recorder.files();
        recorder.close();
        assertEquals(3, files.size());
        assertEquals(files, CaptureRing.parts(dir.resolve("cap.pcapng")));
        assertFalse(Files.exists(CaptureRing.part(dir.resolve("cap.pcapng"), 1)), "the oldest is deleted");

        try (CaptureFile set = CaptureFile.open(dir.resolve("cap.pcapng"));
                CaptureFile copy = CaptureFile.open(saved)) {
            byte[] tail = bytes(set, 1, Direction.CLIENT_TO_SERVER);
            byte[] all = c2s.toByteArray();
            assertTrue(tail.length > 0 && tail.length < all.length);
            assertArrayEquals(java.util.Arrays.copyOfRange(all, all.length - tail.length, all.length), tail,
                    "the set holds the end of the stream");
            assertEquals(List.of(), copy.skipped());
            assertArrayEquals(tail, bytes(copy, 1, Direction.CLIENT_TO_SERVER), "Save as holds what the ring holds");
        }
        if (Tshark.installed()) {
            byte[][] follow = Tshark.follow(saved, 0);
            byte[] all = c2s.toByteArray();
            assertArrayEquals(java.util.Arrays.copyOfRange(all, all.length - follow[0].length, all.length), follow[0],
                    "tshark follows the saved copy as one stream");
            for (Path f : files) {
                Tshark.follow(f, 0); // each part opens in tshark
                assertEquals(0, Tshark.run("-r", f.toString(), "-q").exit(), f.toString());
            }
        }
    }

    static byte[] bytes(CaptureFile file, long id, Direction d) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ChunkInfo c : file.index().chunks(id)) {
            if (c.direction() == d) {
                out.writeBytes(file.forwarded(c));
            }
        }
        return out.toByteArray();
    }
}
