package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    @Test
    void runsItsConnectionsAndLeavesNoSocketBehindNorInTimeWait() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux /proc/net/tcp");
        for (EngineOptions options : List.of(EngineOptions.defaults().withRecordChunks(false), EngineOptions.defaults())) {
            WarmUp.Result r = WarmUp.run(options, 60_000, 200);

            assertNull(r.stoppedBecause());
            assertEquals(200, r.connections());
            assertTrue(r.listenerPort() > 0 && r.echoPort() > 0);
            // every socket of the warm-up is gone: no listener, no connection, no TIME_WAIT
            List<String> left = socketsOnPorts(Set.of(r.listenerPort(), r.echoPort()));
            assertEquals(0, left.size(), () -> left.size() + " sockets left, e.g. " + left.subList(0, Math.min(3, left.size())));
        }
    }

    @Test
    void noBudgetMeansNoWarmUp() {
        WarmUp.Result r = WarmUp.run(EngineOptions.defaults(), 0, 100);
        assertEquals(0, r.connections());
    }

    /** Lines of /proc/net/tcp and tcp6 whose local or remote port is one of {@code ports}. */
    private static List<String> socketsOnPorts(Set<Integer> ports) throws IOException {
        List<String> found = new ArrayList<>();
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(file);
            if (!Files.isReadable(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || !f[1].contains(":")) {
                    continue; // the header
                }
                int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                if (ports.contains(local) || ports.contains(remote)) {
                    found.add(file + ": " + line.trim() + " (state " + f[3] + ")");
                }
            }
        }
        return found;
    }
}
