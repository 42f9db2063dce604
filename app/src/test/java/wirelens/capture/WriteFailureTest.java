package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.engine.EventQueue;

/** A full disk: loud, traffic keeps being drained, and the file stays readable up to the failure. */
class WriteFailureTest {
    @TempDir
    Path dir;

    @Test
    void aFailedWriteIsLoudKeepsDrainingAndLeavesAReadableFile() throws Exception {
        EventQueue queue = new EventQueue(4L << 20);
        Path file = dir.resolve("full.pcapng");
        AtomicLong room = new AtomicLong(3L << 20); // the "disk" takes 3 MiB
        Recorder recorder = Recorder.withSink(queue, file, real -> (pieces, offset, length) -> {
            long size = 0;
            for (int i = offset; i < offset + length; i++) {
                size += pieces[i].remaining();
            }
            if (room.addAndGet(-size) < 0) {
                // a partial write, as a full disk gives, then the error
                ByteBuffer part = pieces[offset].duplicate();
                part.limit(part.position() + Math.min(part.remaining(), 1000));
                real.write(new ByteBuffer[] {part}, 0, 1);
                throw new IOException("No space left on device");
            }
            return real.write(pieces, offset, length);
        });
        List<String> failures = new CopyOnWriteArrayList<>();
        List<CaptureUpdate> updates = new CopyOnWriteArrayList<>();
        recorder.onWriteFailure(failures::add);
        recorder.subscribe(updates::addAll);
        recorder.start();

        Events ev = new Events();
        int connections = 40;
        for (long id = 1; id <= connections; id++) {
            queue.publish(ev.opened(id, "127.0.0.1", 30_000 + (int) id, "127.0.0.1", 2525));
            queue.publish(ev.connected(id, "127.0.0.1", 2525));
            for (int i = 0; i < 4; i++) {
                queue.publish(ev.chunk(id, Direction.CLIENT_TO_SERVER, new byte[100_000]));
                for (int w = 0; w < 1000 && queue.overBudget(); w++) {
                    Thread.sleep(5); // the engine would pause reading here; the recorder must keep draining
                }
            }
            queue.publish(ev.closed(id, 400_000, 0, false));
        }
        recorder.close();

        assertEquals(0, queue.pendingBytes(), "every event was drained despite the failure");
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).contains("No space left on device") && failures.get(0).contains(file.toString()),
                failures.get(0));
        assertEquals(1, updates.stream().filter(u -> u instanceof CaptureUpdate.WriteFailed).count());
        assertTrue(recorder.writeFailure().isPresent());
        assertEquals(connections, recorder.index().connectionCount());
        assertEquals(connections, recorder.index().connections().stream().filter(c -> !c.isOpen()).count());

        assertEquals(recorder.flushedBytes(), Files.size(file), "the partial write was cut off again");
        try (CaptureFile read = CaptureFile.open(file)) {
            assertEquals(List.of(), read.skipped());
            int readable = 0;
            for (ConnectionInfo c : read.index().connections()) {
                for (ChunkInfo chunk : read.index().chunks(c.id())) {
                    assertEquals(100_000, read.forwarded(chunk).length);
                    readable++;
                }
            }
            assertTrue(readable >= 10 && readable < 4 * connections, "chunks before the failure: " + readable);
        }
        ChunkInfo last = recorder.index().chunk(connections, 3);
        assertFalse(last.inFile());
        assertThrows(CaptureFormatException.class, () -> recorder.file().orElseThrow().forwarded(last));
    }

    @Test
    void anUnwritablePathFailsAtOnceWithAClearMessage() {
        Path inMissingDir = dir.resolve("no/such/dir/x.pcapng");
        IOException e = assertThrows(IOException.class, () -> Recorder.toFile(new EventQueue(1 << 20), inMissingDir));
        assertTrue(e.toString().contains("x.pcapng"), e.toString());
    }
}
