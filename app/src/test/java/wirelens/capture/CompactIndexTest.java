package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.engine.EventQueue;

/** The index packs chunks tightly and gives every field back exactly, in any order of reading. */
class CompactIndexTest {
    @TempDir
    Path dir;

    @Test
    void everyFieldOfEveryChunkComesBackExactlyWhateverTheReadingOrder() {
        SplittableRandom random = new SplittableRandom(7);
        ChunkTable table = new ChunkTable();
        List<ChunkInfo> expected = new ArrayList<>();
        long time = 1_700_000_000_000_000_000L;
        long offset = 24;
        for (int i = 0; i < 5_000; i++) {
            time += random.nextInt(3) == 0 ? -random.nextInt(1000) : random.nextLong(5_000_000_000L);
            int forwarded = random.nextInt(4) == 0 ? 0 : random.nextInt(1 << 20);
            boolean edited = random.nextInt(5) == 0;
            int original = edited ? random.nextInt(1 << 20) : forwarded;
            boolean dropped = forwarded == 0 && random.nextBoolean();
            boolean injected = !dropped && original == 0 && random.nextBoolean();
            long at;
            int kind = random.nextInt(10);
            if (kind == 0) {
                at = -1; // not in a file (written after a write failure)
            } else if (kind == 1) {
                at = ((long) random.nextInt(1 << 16) << 47) | random.nextLong(1L << 40); // a file number in the high bits
            } else {
                offset += random.nextInt(1 << 16);
                at = offset;
            }
            Direction d = random.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            table.add(d, time, original, forwarded, edited, dropped, injected, at);
            expected.add(new ChunkInfo(9, i, d, time, original, forwarded, edited, dropped, injected, at));
        }
        table.trim();
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), table.get(9, i), "in order, chunk " + i);
        }
        for (int n = 0; n < 20_000; n++) {
            int i = random.nextInt(expected.size());
            assertEquals(expected.get(i), table.get(9, i), "at random, chunk " + i);
        }
        for (int i = expected.size() - 1; i >= 0; i--) {
            assertEquals(expected.get(i), table.get(9, i), "backwards, chunk " + i);
        }
    }

    @Test
    void aFinishedConnectionOfSmallHttpChunksTakesAtMostSixteenBytesAChunk() {
        ChunkTable table = new ChunkTable();
        long time = 1_700_000_000_000_000_000L;
        long offset = 1_000_000;
        int chunks = 100_000;
        for (int i = 0; i < chunks; i++) {
            // a keep-alive exchange every ~100 µs, interleaved in the file with other connections' packets
            time += 40_000 + (i * 7919L) % 90_000;
            offset += 1_200 + (i * 104_729L) % 60_000;
            boolean request = i % 2 == 0;
            table.add(request ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, time, request ? 90 : 1100,
                    request ? 90 : 1100, false, false, false, offset);
        }
        table.trim();
        double perChunk = (double) table.arrayBytes() / chunks;
        assertTrue(perChunk <= 16, perChunk + " bytes a chunk");
    }

    @Test
    void aRecorderThatForgetsEndedConnectionsKeepsOnlyOpenOnesAndStillCountsAll() throws Exception {
        EventQueue queue = new EventQueue(1 << 20);
        Path file = dir.resolve("a.pcapng");
        Recorder recorder = Recorder.toFile(queue, file);
        recorder.forgetEndedConnections();
        Events ev = new Events();
        byte[] hello = "hello\n".getBytes(StandardCharsets.US_ASCII);
        for (long id = 1; id <= 50; id++) {
            queue.publish(ev.opened(id, "127.0.0.1", 40000 + (int) id, "127.0.0.1", 2525));
            queue.publish(ev.chunk(id, Direction.CLIENT_TO_SERVER, hello));
            if (id != 50) {
                queue.publish(ev.closed(id, hello.length, 0, false));
            }
        }
        recorder.close();

        assertEquals(List.of(50L), recorder.index().connections().stream().map(ConnectionInfo::id).toList());
        assertEquals(50, recorder.index().addedCount());
        try (CaptureFile reopened = CaptureFile.open(file)) {
            assertEquals(50, reopened.index().connectionCount(), "the file keeps every connection");
            assertEquals("hello\n", new String(reopened.forwarded(reopened.index().chunk(17, 0)),
                    StandardCharsets.US_ASCII));
        }
    }
}
