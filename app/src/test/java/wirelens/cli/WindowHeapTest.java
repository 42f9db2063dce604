package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.testkit.ChildJvm;
import wirelens.testkit.Wait;
import wirelens.ui.connections.ListLimit;

/** The window's JVM gets a heap limit from what the list keeps, unless the user chose one. */
class WindowHeapTest {

    @Test
    void theDefaultListGetsAboutTwoHundredEightyEightMebibytes() {
        assertEquals(287L << 20, WindowHeap.heapLimit(List.of("-Dfoo=bar"), null, ListLimit.DEFAULT, 0));
        assertEquals(256L << 20, WindowHeap.heapLimit(List.of(), null, 1_000, 0));
    }

    @Test
    void aMillionConnectionsGetRoomForThem() {
        long limit = WindowHeap.heapLimit(List.of(), null, 1_000_000, 0);
        assertTrue(limit > 1_400L << 20 && limit < 1_500L << 20, "limit " + (limit >> 20) + " MiB");
    }

    @Test
    void aCaptureToOpenAddsAnEighthOfItsSize() {
        long limit = WindowHeap.heapLimit(List.of(), null, ListLimit.DEFAULT, 4L << 30);
        assertEquals((160L << 20) + 100_000 * 1_330L + (512L << 20), limit, 1 << 20);
    }

    @Test
    void theUsersOwnLimitDebuggerOrKeepAllRunInThisJvm() {
        assertNull(WindowHeap.heapLimit(List.of("-Xmx2g"), null, ListLimit.DEFAULT, 0));
        assertNull(WindowHeap.heapLimit(List.of("-XX:MaxRAMPercentage=50"), null, ListLimit.DEFAULT, 0));
        assertNull(WindowHeap.heapLimit(List.of("-agentlib:jdwp=transport=dt_socket,server=y"), null,
                ListLimit.DEFAULT, 0));
        assertNull(WindowHeap.heapLimit(List.of("-Dwirelens.heapCapped=false"), null, ListLimit.DEFAULT, 0));
        assertNull(WindowHeap.heapLimit(List.of(), "true", ListLimit.DEFAULT, 0));
        assertNull(WindowHeap.heapLimit(List.of(), null, ListLimit.ALL, 0));
    }

    /** The real jar's entry point: a window in a child JVM with the cap, which goes when the launcher is stopped. */
    @Test
    void theWindowRunsCappedAndStopsWithItsLauncher(@TempDir Path config) throws Exception {
        Files.writeString(config.resolve("window.properties"), "keepConnections=10000\n");
        List<String> command = ChildJvm.command(List.of("-Dwirelens.config.dir=" + config, "-Dglass.platform=Monocle",
                "-Dmonocle.platform=Headless", "-Dprism.order=sw", "-Djavafx.cachedir=" + config.resolve("fx")),
                Main.class.getName(), "--http-proxy", "0");
        // the tests' own config dir comes later on the command line and would win: drop it
        command.removeIf(o -> o.startsWith("-Dwirelens.config.dir=") && !o.endsWith(config.toString()));
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(config.resolve("out.txt").toFile()).start();
        try {
            AtomicReference<ProcessHandle> window = new AtomicReference<>();
            boolean started = Wait.eventually(30, () -> {
                launcher.descendants().filter(p -> p.info().commandLine().orElse("").contains("-Dwirelens.heapCapped=true"))
                        .findFirst().ifPresent(window::set);
                return window.get() != null;
            });
            assertTrue(started, "no capped window JVM; output: " + readQuietly(config.resolve("out.txt")));
            // all of it: ProcessHandle's command line is cut short after a few kilobytes of class path
            String line = Files.readString(Path.of("/proc/" + window.get().pid() + "/cmdline")).replace('\0', ' ');
            assertTrue(line.contains("-Xmx256m"), line); // 10,000 kept: the floor
            assertTrue(line.contains("--http-proxy 0"), line);
            launcher.destroy();
            try {
                window.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                Process ps = new ProcessBuilder("ps", "-e", "-o", "pid,ppid,stat,cmd").redirectErrorStream(true).start();
                throw new AssertionError(new String(ps.getInputStream().readAllBytes()) + readQuietly(config.resolve("out.txt")), e);
            }
            assertFalse(window.get().isAlive(), "the window outlived its launcher");
            assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the launcher did not end");
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "(" + e + ")";
        }
    }
}
