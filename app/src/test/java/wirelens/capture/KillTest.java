package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.testkit.ChildJvm;
import wirelens.testkit.Commands;
import wirelens.testkit.Tshark;

/** Kills a recording process with SIGKILL mid-transfer; the file must still open in the reader and in tshark. */
class KillTest {
    @TempDir
    Path dir;

    @Test
    void aCaptureKilledMidTransferKeepsEveryChunkUpToTheLastFlush() throws Exception {
        Path file = dir.resolve("killed.pcapng");
        // the whole class path of the tests: the recorder logs through slf4j
        Process child = new ProcessBuilder(ChildJvm.command(List.of("-Xmx256m"), KillChild.class.getName(), file.toString()))
                .redirectErrorStream(true).start();
        long lastFlushed = 0;
        long lastChunks = 0;
        List<String> other = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
                if (line.startsWith("flushed ")) {
                    String[] f = line.split(" ");
                    lastFlushed = Long.parseLong(f[1]);
                    lastChunks = Long.parseLong(f[2]);
                    if (lastFlushed > 24L << 20) {
                        break;
                    }
                } else if (other.size() < 20) {
                    other.add(line);
                }
            }
            child.destroyForcibly(); // SIGKILL on Linux
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the child did not die");
        }
        assertTrue(lastFlushed > 24L << 20, "the child recorded too little before the kill: " + lastFlushed + " " + other);
        assertTrue(Files.size(file) >= lastFlushed, "the file lost flushed bytes");

        long chunks = 0;
        try (CaptureFile read = CaptureFile.open(file)) {
            for (String note : read.skipped()) {
                assertTrue(note.contains("cut-off") || note.contains("file ends"), note);
            }
            for (ConnectionInfo c : read.index().connections()) {
                List<ChunkInfo> list = read.index().chunks(c.id());
                for (ChunkInfo chunk : list) {
                    byte[] original = KillChild.content(c.id(), chunk.index());
                    assertArrayEquals(original, read.original(chunk));
                    assertArrayEquals(KillChild.edited(chunk.index()) ? KillChild.reversed(original) : original,
                            read.forwarded(chunk));
                }
                chunks += list.size();
            }
            assertTrue(chunks >= lastChunks, "the reader found " + chunks + " chunks, the writer had flushed "
                    + lastChunks);

            if (Tshark.installed()) {
                Commands.Result r = Tshark.run("-r", file.toString(), "-q", "-z", "conv,tcp");
                assertTrue(r.exit() == 0 || r.err().contains("cut short"), r.err());
                assertTrue(r.text().contains("127.0.0.1:20001"), "tshark sees the first connection");
                ConnectionInfo first = read.index().connections().get(0);
                Map<Integer, Integer> streams = Tshark.streamsByClientPort(file);
                byte[][] follow = Tshark.follow(file, streams.get(first.client().getPort()));
                assertArrayEquals(RecordedSessionTest.forwarded(read, first.id(), Direction.CLIENT_TO_SERVER), follow[0]);
                assertArrayEquals(RecordedSessionTest.forwarded(read, first.id(), Direction.SERVER_TO_CLIENT), follow[1]);
            }
        }
    }
}
