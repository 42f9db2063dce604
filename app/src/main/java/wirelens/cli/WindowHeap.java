package wirelens.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import wirelens.base.ConfigDirectory;
import wirelens.ui.connections.ListLimit;

/**
 * Runs the window in a JVM whose heap is capped by what the window keeps. A JVM started without
 * {@code -Xmx} may grow its heap to a quarter of the machine's memory, and G1 grows it under steady
 * traffic even when little of it is live: measured with the window open under the soak bench's load for
 * 5 minutes, 109–135 MiB live but 863–993 MiB resident, and resident memory stays at its high-water mark.
 * A jar cannot set its own heap, so when the user gave no heap limit the window runs in a child JVM with
 * the same options plus one, and this process waits for it (exit code, Ctrl+C and the terminal are
 * shared). The limit follows the list's "Keep connections" choice (about 1.3 KiB of heap per kept
 * connection on top of the window's own 160 MiB; "all" keeps the JVM's default), plus room for a capture
 * given on the command line.
 */
final class WindowHeap {
    /** Set on the child so it does not launch another. */
    static final String CHILD_PROPERTY = "wirelens.heapCapped";
    static final long MIN_BYTES = 256L << 20;

    private WindowHeap() {}

    /**
     * Runs the window in a child JVM with a capped heap and returns its exit code, or returns empty when
     * this JVM should show the window itself: the user set a heap limit, this is the child, a debugger or
     * agent is attached, or the list keeps every connection.
     */
    static OptionalInt runCapped(String[] args, String fileToOpen) throws IOException, InterruptedException {
        List<String> jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        Long limit = heapLimit(jvmOptions, System.getProperty(CHILD_PROPERTY),
                ListLimit.load(ConfigDirectory.path().resolve("window.properties")), captureBytes(fileToOpen));
        if (limit == null) {
            return OptionalInt.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Xmx" + (limit >> 20) + "m");
        command.add("-D" + CHILD_PROPERTY + "=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        // a TERM to this process alone (a desktop session ending, kill PID) must not leave the window behind;
        // registered first and going by the process tree, so a TERM while the child starts is covered too
        Thread stopChild = new Thread(WindowHeap::stopChildren, "wirelens-stop-window");
        Runtime.getRuntime().addShutdownHook(stopChild);
        Process child = new ProcessBuilder(command).inheritIO().start();
        int code = child.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(stopChild);
        } catch (IllegalStateException e) {
            // the window ended because this process is being stopped: the hook has done its work
        }
        return OptionalInt.of(code);
    }

    private static void stopChildren() {
        ProcessHandle.current().children().forEach(child -> {
            child.destroy();
            try {
                child.onExit().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                child.destroyForcibly();
            }
        });
    }

    /**
     * The heap limit for the window in bytes, or null to run in this JVM: when the options already limit
     * the heap or attach a debugger or agent, when this is the capped child, or when the list keeps all.
     */
    static Long heapLimit(List<String> jvmOptions, String childMark, int keepConnections, long captureBytes) {
        if (childMark != null || keepConnections == ListLimit.ALL) {
            return null;
        }
        for (String o : jvmOptions) {
            if (o.startsWith("-Xmx") || o.startsWith("-XX:MaxHeapSize") || o.startsWith("-XX:MaxRAM")
                    || o.startsWith("-agentlib") || o.startsWith("-agentpath") || o.startsWith("-javaagent")
                    || o.startsWith("-Xdebug") || o.startsWith("-Xrunjdwp") || o.equals("-D" + CHILD_PROPERTY + "=false")) {
                return null;
            }
        }
        // a reopened capture's index costs about 1/8 of its size at worst (one small chunk per record)
        long bytes = ListLimit.heapFor(keepConnections) + captureBytes / 8;
        return Math.max(MIN_BYTES, (bytes + (1 << 20) - 1) & ~((1L << 20) - 1));
    }

    private static long captureBytes(String file) {
        if (file == null) {
            return 0;
        }
        try {
            return Files.size(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return 0; // the window says what is wrong with the file
        }
    }
}
