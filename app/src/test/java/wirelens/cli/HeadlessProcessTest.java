package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import wirelens.testkit.ChildJvm;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;

/** The headless command in a real child JVM: its output lines, real traffic, and a clean SIGTERM. */
class HeadlessProcessTest {
    private static final Pattern LISTENING = Pattern.compile("listening forward 127\\.0\\.0\\.1:(\\d+) -> 127\\.0\\.0\\.1:(\\d+)");

    /** {@code wirelens ARGS...} in a child JVM on the tests' class path. */
    static Process start(String... args) throws IOException {
        return new ProcessBuilder(ChildJvm.command(Main.class.getName(), args)).start();
    }

    @Test
    void printsListeningAndConnectionLinesAndExitsCleanlyOnSigterm() throws Exception {
        try (LoopbackServer backend = new LoopbackServer(s -> {
            s.getOutputStream().write("220 hello\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readAllBytes();
        })) {
            Process p = start("--headless", "--forward", "0:127.0.0.1:" + backend.port());
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String first = out.readLine();
                Matcher m = LISTENING.matcher(first == null ? "" : first);
                assertTrue(m.matches(), "first line: " + first);
                assertEquals(backend.port(), Integer.parseInt(m.group(2)));
                try (Socket c = Loopback.connect(Integer.parseInt(m.group(1)))) {
                    assertEquals("220 hello", new BufferedReader(new InputStreamReader(c.getInputStream())).readLine());
                    c.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                assertTrue(out.readLine().matches("#1 open 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:\\d+ .*"));
                String closed = out.readLine();
                assertTrue(closed.matches("#1 closed c2s=6 s2c=11 bytes in [0-9.]+s"), closed);
                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue());
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void quietRelaysAndPrintsOnlyTheListeningLine() throws Exception {
        try (LoopbackServer backend = new LoopbackServer(s -> s.getOutputStream().write(s.getInputStream().readNBytes(5)))) {
            // the output goes to files, read whole once the process has ended (a pipe read then can fail
            // with "Stream closed": the JDK drains and closes the pipe as the process exits)
            Path stdout = Files.createTempFile("wirelens-quiet", ".out");
            Path stderr = Files.createTempFile("wirelens-quiet", ".err");
            Process p = new ProcessBuilder(ChildJvm.command(Main.class.getName(),
                    "--headless", "--quiet", "--forward", "0:127.0.0.1:" + backend.port()))
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            try {
                String first = "";
                for (int tries = 0; !first.endsWith("\n") && tries < 300 && p.isAlive(); tries++) {
                    Thread.sleep(100);
                    first = Files.readString(stdout);
                }
                first = first.strip();
                Matcher m = LISTENING.matcher(first);
                assertTrue(m.matches(), "first line: " + first);
                for (int i = 0; i < 3; i++) {
                    try (Socket c = Loopback.connect(Integer.parseInt(m.group(1)))) {
                        c.getOutputStream().write(("ping" + i).getBytes(StandardCharsets.US_ASCII));
                        assertEquals("ping" + i, new String(c.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                    }
                }
                p.destroy(); // SIGTERM
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue());
                assertEquals(first + "\n", Files.readString(stdout), "nothing after the listening line");
                assertEquals("", Files.readString(stderr));
            } finally {
                p.destroyForcibly();
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        }
    }

    @Test
    void engineThreadsSetsHowManySelectorThreadsRelay() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs /proc (Linux)");
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process p = start("--headless", "--quiet", "--engine-threads", "3", "--forward",
                    "0:127.0.0.1:" + backend.getLocalPort());
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String first = out.readLine();
                assertTrue(LISTENING.matcher(first == null ? "" : first).matches(), "first line: " + first);
                List<String> engineThreads = new java.util.ArrayList<>();
                try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(p.pid()), "task"))) {
                    for (Path task : (Iterable<Path>) tasks::iterator) {
                        String name = Files.readString(task.resolve("comm")).trim();
                        if (name.startsWith("wirelens-engine")) {
                            engineThreads.add(name);
                        }
                    }
                }
                // the kernel keeps 15 characters of a thread's name: all of them read "wirelens-engine" (the
                // warm-up's engine joined its threads before the listeners opened)
                assertEquals(3, engineThreads.size(), engineThreads.toString());
                p.destroy();
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue());
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void portInUseIsOneLineOnStderrAndExitOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process p = start("--headless", "--forward", taken.getLocalPort() + ":127.0.0.1:9");
            try {
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(1, p.exitValue());
                assertEquals("wirelens: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                        + ": the port is already in use\n", err);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void withoutADisplayTheWindowSaysSoInsteadOfAStackTrace() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(Main.class.getName()));
        pb.environment().remove("DISPLAY");
        pb.environment().remove("WAYLAND_DISPLAY");
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(1, p.exitValue());
            assertEquals("wirelens: cannot open the window: no display (DISPLAY is not set); run with --headless,"
                    + " or under xvfb-run\n", err);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void nonLoopbackBindIsWarnedAbout() throws Exception {
        Process p = start("--headless", "--quiet", "--forward", "0.0.0.0:0:127.0.0.1:9");
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            String warning = err.readLine();
            assertTrue(warning != null && warning.contains("WARN") && warning.contains("reachable from other machines"),
                    String.valueOf(warning));
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }
}
