package wirelens.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import wirelens.testkit.LoopbackServer;

/**
 * Not a test: a soak run. Starts Wirelens in a child JVM with capture on, an HTTP proxy and a forward
 * listener, and drives mixed load through it for MINUTES: keep-alive HTTP (1 KiB responses) through the
 * proxy to a loopback server, connection churn (connect, one small exchange, close) through both
 * listeners, and a byte-exact echo stream through the forward listener, every byte checked. Every
 * SAMPLE seconds it prints a row: elapsed time, traffic so far, the chunks that traffic made, the child's
 * resident memory (before the collection the next column makes), its live heap (the total of
 * {@code jcmd GC.class_histogram}, which collects first), its open file descriptors and threads. At the end: whether every echoed byte came back unchanged, and
 * the child's largest heap holders ({@code jcmd GC.class_histogram}).
 *
 * <p>From the repository's top level, after {@code mvn -B -ntp package -DskipTests}:
 *
 * <pre>java -cp app/target/test-classes wirelens.cli.SoakBench [JAR] [MINUTES] [SAMPLE_SECONDS] [headless|window]</pre>
 *
 * (defaults: app/target/wirelens.jar 5 30 headless). {@code window} runs the window instead, on Monocle
 * without a screen (the openjfx-monocle jar from the local Maven repository), recording to its temporary
 * capture file. {@code -Dsoak.jvm="-Xmx512m ..."} passes JVM options to the child. The chunk count is counted from the traffic: one chunk per request, per response and per
 * echo read on each side is what a loopback run records (a read may merge two writes, so it is an upper
 * bound within a few per cent).
 */
public final class SoakBench {
    private static final int HTTP_CLIENTS = 3;
    private static final int BODY_BYTES = 1024;
    /** Keep-alive requests before an HTTP client closes and reconnects (so long runs also churn). */
    private static final int REQUESTS_PER_CONNECTION = 2000;
    private static final Pattern LISTENING = Pattern.compile("listening (forward|http) 127\\.0\\.0\\.1:(\\d+).*");

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong churned = new AtomicLong();
    private final AtomicLong echoBytes = new AtomicLong();
    private final AtomicLong echoWrites = new AtomicLong();
    private final AtomicLong httpConnections = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean running = true;

    private SoakBench() {}

    public static void main(String[] args) throws Exception {
        String jar = args.length > 0 ? args[0] : "app/target/wirelens.jar";
        double minutes = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int sampleSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        boolean window = args.length > 3 && args[3].equals("window");
        new SoakBench().run(jar, minutes, sampleSeconds, window);
    }

    private void run(String jar, double minutes, int sampleSeconds, boolean window) throws Exception {
        Path dir = Files.createTempDirectory("wirelens-soak-");
        Path capture = dir.resolve("soak.pcapng");
        try (LoopbackServer http = new LoopbackServer(SoakBench::serveHttp);
                LoopbackServer echo = LoopbackServer.echo()) {
            Child child = window ? startWindow(jar, dir, echo.port()) : startHeadless(jar, capture, echo.port());
            try {
                System.out.printf("wirelens pid %d (%s), http proxy %d, forward %d -> echo %d%n", child.pid,
                        window ? "window on Monocle" : "headless, capture " + capture, child.proxyPort,
                        child.forwardPort, echo.port());
                List<Thread> load = new ArrayList<>();
                for (int i = 0; i < HTTP_CLIENTS; i++) {
                    load.add(start("http-" + i, () -> keepAliveHttp(child.proxyPort, http.port())));
                }
                load.add(start("churn", () -> churn(child.proxyPort, child.forwardPort, http.port())));
                load.add(start("echo", () -> echoStream(child.forwardPort)));
                System.out.println("| time | requests | churned | echo MiB | chunks | RSS MiB | live heap MiB | fds | threads |");
                System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
                long start = System.nanoTime();
                long end = start + (long) (minutes * 60e9);
                long nextSample = start;
                while (System.nanoTime() < end && child.process.isAlive() && failure.get() == null) {
                    if (System.nanoTime() >= nextSample) {
                        printRow(child.pid, (System.nanoTime() - start) / 1e9);
                        nextSample += TimeUnit.SECONDS.toNanos(sampleSeconds);
                    }
                    Thread.sleep(200);
                }
                running = false;
                for (Thread t : load) {
                    t.join(30_000);
                }
                if (child.process.isAlive()) {
                    printRow(child.pid, (System.nanoTime() - start) / 1e9);
                    printHistogram(child.pid);
                } else {
                    System.out.println("WIRELENS EXITED with " + child.process.exitValue());
                }
                System.out.printf("echo: %,d bytes in %,d writes, %s%n", echoBytes.get(), echoWrites.get(),
                        failure.get() == null ? "every byte came back unchanged" : "FAILED: " + failure.get());
                System.out.printf("http: %,d requests on %,d keep-alive connections; %,d churned connections%n",
                        requests.get(), httpConnections.get(), churned.get());
                System.out.println("server failures: " + (http.failures.size() + echo.failures.size()));
            } finally {
                child.process.destroy();
                if (!child.process.waitFor(30, TimeUnit.SECONDS)) {
                    child.process.destroyForcibly();
                }
                System.out.println("wirelens: " + child.lastLines());
                Files.deleteIfExists(capture);
            }
        }
    }

    // ---- the child ----

    private record Child(Process process, long pid, int proxyPort, int forwardPort, Path output) {
        String lastLines() throws IOException {
            List<String> lines = Files.readAllLines(output);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        }
    }

    private static Child startHeadless(String jar, Path capture, int echoPort) throws Exception {
        Path output = capture.resolveSibling("wirelens.out");
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(childJvmOptions());
        command.addAll(List.of("-jar", jar, "--headless", "--quiet", "--capture", capture.toString(),
                "--http-proxy", "0", "--forward", "0:127.0.0.1:" + echoPort));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        int proxy = 0;
        int forward = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((proxy == 0 || forward == 0) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            for (String line : Files.readAllLines(output)) {
                Matcher m = LISTENING.matcher(line);
                if (m.matches() && m.group(1).equals("http")) {
                    proxy = Integer.parseInt(m.group(2));
                } else if (m.matches()) {
                    forward = Integer.parseInt(m.group(2));
                }
            }
        }
        if (proxy == 0 || forward == 0) {
            p.destroyForcibly();
            throw new IllegalStateException("wirelens did not listen: " + Files.readString(output));
        }
        return new Child(p, p.pid(), proxy, forward, output);
    }

    /** The window on Monocle, with the listeners given on the command line and settings in a folder of its own. */
    private static Child startWindow(String jar, Path dir, int echoPort) throws Exception {
        Path monocle = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "testfx", "openjfx-monocle",
                "17.0.10", "openjfx-monocle-17.0.10.jar");
        if (!Files.exists(monocle)) {
            throw new IllegalStateException("the window variant needs " + monocle + " (mvn test-compile fetches it)");
        }
        int proxy = freePort();
        int forward = freePort();
        Path output = dir.resolve("wirelens.out");
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(childJvmOptions());
        command.addAll(List.of("-Dglass.platform=Monocle", "-Dmonocle.platform=Headless", "-Dprism.order=sw",
                "-Dwirelens.config.dir=" + dir.resolve("config"), "-Djavafx.cachedir=" + dir.resolve("javafx-cache"),
                "-cp", jar + ":" + monocle, "wirelens.cli.Main",
                "--http-proxy", Integer.toString(proxy), "--forward", forward + ":127.0.0.1:" + echoPort));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && System.nanoTime() < deadline && !(accepts(proxy) && accepts(forward))) {
            Thread.sleep(200);
        }
        if (!p.isAlive() || !accepts(proxy) || !accepts(forward)) {
            p.destroyForcibly();
            throw new IllegalStateException("the window did not listen: " + Files.readString(output));
        }
        // without -Xmx in soak.jvm the jar runs the window in a child JVM with a capped heap: measure that one
        long window = p.descendants().filter(h -> h.info().commandLine().orElse("").contains("-Dwirelens.heapCapped=true"))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(p.pid());
        if (window != p.pid()) {
            System.out.printf("launcher pid %d: %s; the window runs in pid %d%n", p.pid(),
                    Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                            .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " "),
                    window);
        }
        return new Child(p, window, proxy, forward, output);
    }

    private static List<String> childJvmOptions() {
        String options = System.getProperty("soak.jvm", "").trim();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // ---- measuring ----

    private void printRow(long pid, double seconds) throws Exception {
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        long rssKib = field(status, "VmRSS:");
        long threads = field(status, "Threads:");
        long fds;
        try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = list.count();
        }
        long live = liveBytes(jcmd(pid, "GC.class_histogram"));
        System.out.printf("| %.0f s | %,d | %,d | %,d | %,d | %.0f | %.1f | %d | %d |%n", seconds, requests.get(),
                churned.get(), echoBytes.get() >> 20, chunks(), rssKib / 1024.0, live / 1048576.0, fds, threads);
    }

    /** Two per request (request, response), two per churned exchange, two per echo write (there and back). */
    private long chunks() {
        return 2 * requests.get() + 2 * churned.get() + 2 * echoWrites.get();
    }

    private static long field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.replaceAll("\\D+", ""));
            }
        }
        return -1;
    }

    /**
     * The histogram's total: what a full collection left, at that moment. (GC.heap_info after GC.run
     * counted what the proxy allocated in the second between the two commands too: up to 140 MiB more.)
     */
    private static long liveBytes(String histogram) {
        Matcher m = Pattern.compile("Total\\s+\\d+\\s+(\\d+)").matcher(histogram);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void printHistogram(long pid) throws Exception {
        String[] lines = jcmd(pid, "GC.class_histogram").split("\n");
        System.out.println("largest heap holders (jcmd GC.class_histogram):");
        for (int i = 0; i < Math.min(lines.length, 18); i++) {
            System.out.println("  " + lines[i]);
        }
        if (lines.length > 0) {
            System.out.println("  " + lines[lines.length - 1]);
        }
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    // ---- the load ----

    private static Thread start(String name, Loop body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                System.out.println(name + " failed: " + e);
            }
        }, "soak-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @FunctionalInterface
    private interface Loop {
        void run() throws Exception;
    }

    private void keepAliveHttp(int proxyPort, int httpPort) throws Exception {
        byte[] request = ("GET http://127.0.0.1:" + httpPort + "/soak HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        while (running) {
            try (Socket s = connect(proxyPort)) {
                httpConnections.incrementAndGet();
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                for (int i = 0; i < REQUESTS_PER_CONNECTION && running; i++) {
                    out.write(request);
                    readResponse(in);
                    requests.incrementAndGet();
                }
            }
        }
    }

    /** A new connection each time: one HTTP request with Connection: close, or one small echo exchange. */
    private void churn(int proxyPort, int forwardPort, int httpPort) throws Exception {
        byte[] request = ("GET http://127.0.0.1:" + httpPort + "/churn HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] hello = new byte[100];
        Arrays.fill(hello, (byte) 'x');
        for (long n = 0; running; n++) {
            boolean viaProxy = n % 2 == 0;
            try (Socket s = connect(viaProxy ? proxyPort : forwardPort)) {
                s.getOutputStream().write(viaProxy ? request : hello);
                if (viaProxy) {
                    readResponse(s.getInputStream());
                } else {
                    byte[] back = s.getInputStream().readNBytes(hello.length);
                    if (!Arrays.equals(back, hello)) {
                        fail("a churned echo came back as " + back.length + " different bytes");
                    }
                }
            }
            churned.incrementAndGet();
        }
    }

    /**
     * One connection at a time through the forward listener, 64 MiB each: writes of random sizes from a
     * seeded generator, read back on a second thread and compared with the same generator's bytes.
     */
    private void echoStream(int forwardPort) throws Exception {
        for (long seed = 1; running; seed++) {
            try (Socket s = connect(forwardPort)) {
                long streamSeed = seed;
                long length = 64L << 20;
                Thread reader = new Thread(() -> verifyEcho(s, streamSeed), "soak-echo-reader");
                reader.setDaemon(true);
                reader.start();
                SplittableRandom sizes = new SplittableRandom(seed);
                SplittableRandom bytes = new SplittableRandom(seed * 31);
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[16 * 1024];
                for (long sent = 0; sent < length && running && failure.get() == null; ) {
                    int n = 1 + sizes.nextInt(buf.length);
                    for (int i = 0; i < n; i++) {
                        buf[i] = (byte) bytes.nextInt(256);
                    }
                    out.write(buf, 0, n);
                    sent += n;
                    echoWrites.incrementAndGet();
                    Thread.sleep(0, 200_000); // an echo stream at a few MB/s, not a flood that crowds out the rest
                }
                s.shutdownOutput();
                reader.join(60_000);
            }
        }
    }

    private void verifyEcho(Socket s, long seed) {
        SplittableRandom bytes = new SplittableRandom(seed * 31);
        byte[] buf = new byte[32 * 1024];
        try {
            InputStream in = s.getInputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != (byte) bytes.nextInt(256)) {
                        fail("echo stream " + seed + ": byte " + (echoBytes.get() + i) + " differs");
                        return;
                    }
                }
                echoBytes.addAndGet(n);
            }
        } catch (IOException e) {
            if (running) {
                fail("echo stream " + seed + ": " + e);
            }
        }
    }

    private void fail(String why) {
        failure.compareAndSet(null, why);
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(30_000);
        s.setTcpNoDelay(true);
        return s;
    }

    /** Reads one response with a Content-Length body. */
    private static void readResponse(InputStream in) throws IOException {
        int length = -1;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        if (length < 0 || in.readNBytes(length).length != length) {
            throw new IOException("a short or unframed response");
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the connection ended inside a response head");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    /** The loopback origin: 1 KiB for every request, keep-alive unless the client says close. */
    private static void serveHttp(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        InputStream in = new java.io.BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        byte[] body = new byte[BODY_BYTES];
        Arrays.fill(body, (byte) 'a');
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + BODY_BYTES + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[head.length + body.length];
        System.arraycopy(head, 0, response, 0, head.length);
        System.arraycopy(body, 0, response, head.length, body.length);
        while (true) {
            boolean close = false;
            String line;
            try {
                line = readLine(in);
            } catch (IOException e) {
                return; // the client closed between requests
            }
            for (; !line.isEmpty(); line = readLine(in)) {
                close |= line.equalsIgnoreCase("Connection: close");
            }
            out.write(response);
            if (close) {
                return;
            }
        }
    }
}
