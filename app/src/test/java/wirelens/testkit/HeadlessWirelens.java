package wirelens.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code wirelens --headless ARGS...} in a child JVM on the tests' class path, without the JIT warm-up,
 * its stdout and stderr in files of a test's folder (read whole at any time, so a test can wait for a
 * line without blocking on a pipe). It runs until {@link #stop} (SIGTERM) or {@link #close}.
 */
public final class HeadlessWirelens implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening (forward|http|socks5) 127\\.0\\.0\\.1:(\\d+).*");
    /** A child JVM starting on a machine busy with other builds can take this long. */
    private static final long START_SECONDS = 40;

    private final Process process;
    private final Path out;
    private final Path err;
    private final List<Integer> forwardPorts = new ArrayList<>();
    private final List<Integer> proxyPorts = new ArrayList<>();
    private final List<Integer> socksPorts = new ArrayList<>();

    private HeadlessWirelens(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts {@code wirelens --headless ARGS...} with its output in DIR/wirelens-N.out and .err, and waits
     * until it has printed one "listening" line per {@code --forward}, {@code --http-proxy} and {@code --socks}
     * in ARGS.
     */
    public static HeadlessWirelens start(Path dir, String... args) throws Exception {
        return start(List.of(), dir, args);
    }

    /** As {@link #start(Path, String...)}, with JVM options for the child (e.g. {@code -Dwirelens.tls=jdk}). */
    public static HeadlessWirelens start(List<String> jvmOptions, Path dir, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--headless"));
        all.addAll(List.of(args));
        long listeners = all.stream().filter(a -> a.equals("--forward") || a.equals("--http-proxy")
                || a.equals("--socks")).count();
        Path out = Files.createTempFile(dir, "wirelens-", ".out");
        Path err = out.resolveSibling(out.getFileName().toString().replace(".out", ".err"));
        Process process = new ProcessBuilder(ChildJvm.command(options(jvmOptions), "wirelens.cli.Main",
                all.toArray(String[]::new))).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        HeadlessWirelens w = new HeadlessWirelens(process, out, err);
        try {
            if (!Wait.eventually(START_SECONDS, () -> !process.isAlive() || w.listeningLines().size() == listeners)) {
                throw new AssertionError("wirelens did not listen within " + START_SECONDS + " s:\n" + w.output()
                        + w.errors());
            }
            if (!process.isAlive()) {
                throw new AssertionError("wirelens exited with " + process.exitValue() + ":\n" + w.output() + w.errors());
            }
            for (String line : w.listeningLines()) {
                Matcher m = LISTENING.matcher(line);
                if (!m.matches()) {
                    throw new AssertionError("not a listening line on 127.0.0.1: " + line);
                }
                (switch (m.group(1)) {
                    case "forward" -> w.forwardPorts;
                    case "http" -> w.proxyPorts;
                    default -> w.socksPorts;
                }).add(Integer.parseInt(m.group(2)));
            }
        } catch (Exception | AssertionError e) {
            w.close();
            throw e;
        }
        return w;
    }

    private static List<String> options(List<String> jvmOptions) {
        List<String> all = new ArrayList<>(List.of("-Dwirelens.warmupMillis=0"));
        all.addAll(jvmOptions);
        return all;
    }

    private List<String> listeningLines() throws IOException {
        return output().lines().filter(l -> l.startsWith("listening ")).toList();
    }

    /** The port of the i-th {@code --forward} (in the order given). */
    public int forwardPort(int i) {
        return forwardPorts.get(i);
    }

    /** The port of the first {@code --http-proxy}. */
    public int proxyPort() {
        return proxyPorts.get(0);
    }

    /** The port of the first {@code --socks}. */
    public int socksPort() {
        return socksPorts.get(0);
    }

    /** Everything printed on stdout so far. */
    public String output() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Everything logged on stderr so far. */
    public String errors() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** The stdout lines of connection {@code id} ({@code #id ...}) so far. */
    public List<String> linesOf(long id) throws IOException {
        String prefix = "#" + id + " ";
        return output().lines().filter(l -> l.startsWith(prefix)).toList();
    }

    /** The highest connection number printed so far (0: none yet); the next connection gets one more. */
    public long lastConnection() throws IOException {
        Pattern open = Pattern.compile("#(\\d+) open .*");
        long last = 0;
        for (String line : output().lines().toList()) {
            Matcher m = open.matcher(line);
            if (m.matches()) {
                last = Math.max(last, Long.parseLong(m.group(1)));
            }
        }
        return last;
    }

    /** Waits (bounded) until a stdout line matches {@code regex} whole, and returns the first such line. */
    public String awaitLine(String regex) throws Exception {
        Pattern p = Pattern.compile(regex);
        if (!Wait.eventually(() -> firstLine(p) != null)) {
            throw new AssertionError("no output line matching " + regex + " within " + Wait.SECONDS + " s:\n"
                    + output() + errors());
        }
        return firstLine(p);
    }

    private String firstLine(Pattern p) throws IOException {
        return output().lines().filter(l -> p.matcher(l).matches()).findFirst().orElse(null);
    }

    /** Ends the run with SIGTERM and fails the test unless it exits with 0 within 10 s. */
    public void stop() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("wirelens did not exit within 10 s of SIGTERM:\n" + output());
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("wirelens exited with " + process.exitValue() + ":\n" + output() + errors());
        }
    }

    /** Stops the process (by its id) if it still runs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            Commands.stop(process);
        }
    }
}
