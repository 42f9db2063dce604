package wirelens.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import wirelens.testkit.Commands;
import wirelens.testkit.Loopback;
import wirelens.testkit.Openssl;

/**
 * Not a test: the TLS comparison of issue 17 ("Performance"), in one run, all on 127.0.0.1. nginx serves
 * {@code /1k} over TLS (a self-signed RSA 2048 certificate, one worker process); the contenders are nginx
 * itself ({@code direct}), haproxy bridging TLS ({@code bind ... ssl crt}, {@code server ... ssl verify none},
 * mode tcp: one server connection per client connection, nothing inspected), mitmdump (reverse mode for
 * the h2load measures, regular mode for CONNECT) and the headless jar with a forward listener and an HTTP
 * proxy in one process, once with {@code --capture} and once without. Measures, each the median of 3
 * rounds, the contenders taking turns within a round (their order rotated each round), after an untimed
 * pass for every contender: 10 s of keep-alive load, 5 x 200 new connections and one curl run. The jar's
 * own warm-up covers plain relaying only; its TLS record path runs about ten times slower for the first
 * seconds of load and keeps the C2 compiler busy for about 15 s, and a proxy's steady state is what the
 * ratios are about.
 * <ol>
 * <li>1 KiB keep-alive requests on 8 TLS connections: {@code h2load --h1 -c 8 -D 5 --warm-up-time 1}
 *     (a fixed 5 s per contender instead of {@code -n}, whatever its speed; the handshakes fall in the
 *     warm-up second).
 * <li>New TLS connections per second: {@code h2load --h1 -n 200 -c 200}, 200 connections opened at once,
 *     one request each, so h2load's req/s (200 / first connect to last response) is connections/s. A loop of
 *     200 {@code h2load -n 1 -c 1} would time process starts and one handshake's latency, not a rate.
 * <li>curl keep-alive HTTPS through CONNECT: one curl, a config file of 2,000 {@code url =} lines, over one
 *     connection (checked: 2,000 times 200, one connect); rate = 2,000 / curl's wall time (bash's {@code time}),
 *     handshake and start included. Direct = curl straight to nginx.
 * <li>1,000 idle intercepted TLS connections through a fresh forward listener with capture: SSLSockets
 *     trusting the Wirelens CA, each one request, then left open; Wirelens' VmRSS and VmHWM (median of 3
 *     fresh processes), and a second request on every connection to show they stayed up.
 * </ol>
 * Also printed: the CPU time each contender's process spent per 1,000 requests (or connections; for
 * {@code direct} that is nginx; for keep-alive it is the CPU of h2load's whole 6 s over the requests of its
 * 5 measured seconds, so about 6/5 of the true figure, alike for all), and for Wirelens that CPU split by
 * thread (wirelens-engine, wirelens-tls, C2, GC...), read from /proc. Wirelens
 * starts with its default JIT warm-up; the bench waits for its {@code listening} lines. Temporary files
 * go under a new /tmp/wirelens-tlsbench* folder (the capture files are deleted at the end); every process
 * it starts is stopped by its id. From the repository's top level:
 *
 * <pre>
 * mvn -B -ntp -o -q -DskipTests package &amp;&amp; mvn -B -ntp -o -q -pl app test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test &amp;&amp; \
 *     java -cp app/target/test-classes:$(cat app/target/cp.txt) wirelens.tls.TlsBench app/target/wirelens.jar
 * </pre>
 *
 * Needs nginx, haproxy, mitmproxy (mitmdump), nghttp2-client (h2load), curl and openssl.
 */
public final class TlsBench {
    private static final int ROUNDS = 3;
    private static final int KEEP_ALIVE_SECONDS = 5;
    private static final int WARM_UP_SECONDS = 10;
    private static final int WARM_UP_BURSTS = 5;
    private static final int NEW_CONNECTIONS = 200;
    private static final int CURL_REQUESTS = 2000;
    private static final int IDLE_CONNECTIONS = 1000;
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    /**
     * One column. {@code tlsPort}: where h2load connects (the h2load measures); {@code curlProxyPort}: the
     * HTTP proxy for curl (0: curl goes straight to nginx; -1: the curl measure does not apply).
     */
    private record Contender(String name, int tlsPort, Child tlsProcess, int curlProxyPort,
            Child curlProcess, Path curlCa) {
        boolean isWirelens() {
            return name.startsWith("wirelens");
        }
    }

    private enum Measure {
        KEEP_ALIVE("1 KiB keep-alive, 8 TLS conns", "req/s"),
        NEW_CONNECTIONS("new TLS conns, 200 x 1 request", "conn/s"),
        CONNECT_CURL("curl via CONNECT, 2,000 req, 1 conn", "req/s");

        final String label;
        final String unit;

        Measure(String label, String unit) {
            this.label = label;
            this.unit = unit;
        }
    }

    /** One timed pass: the rate, how many requests it carried (for CPU per request), and what went wrong. */
    private record Pass(double rate, long requests, String problem) {}

    /** Everything one contender did in one measure over the rounds. */
    private static final class Samples {
        final List<Double> rates = new ArrayList<>();
        long requests;
        long cpuTicks;
        final Map<String, Long> threadTicks = new TreeMap<>();
        final List<String> problems = new ArrayList<>();
    }

    private TlsBench() {}

    public static void main(String[] args) throws Exception {
        String jar = Path.of(args.length > 0 ? args[0] : "app/target/wirelens.jar").toAbsolutePath().toString();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "wirelens-tlsbench");
        List<Child> started = Collections.synchronizedList(new ArrayList<>());
        Thread stopAll = new Thread(() -> stopAll(started));
        Runtime.getRuntime().addShutdownHook(stopAll);
        try {
            run(jar, dir, started);
        } finally {
            stopAll(started);
            Runtime.getRuntime().removeShutdownHook(stopAll);
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".pcapng")).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private static void run(String jar, Path dir, List<Child> started) throws Exception {
        System.out.printf("TLS bench %s, %d cores, load average %s, files in %s%n",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")),
                Runtime.getRuntime().availableProcessors(), loadAverage(), dir);
        Openssl.Certificate server = Openssl.selfSigned(dir);
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, Files.readString(server.cert()) + Files.readString(server.key()));
        Path www = Files.createDirectories(dir.resolve("www"));
        byte[] body = new byte[1024];
        new SecureRandom().nextBytes(body);
        Files.write(www.resolve("1k"), body);

        int nginxPort = Loopback.freePort();
        started.add(startNginx(dir, server, nginxPort));

        Path caDir = dir.resolve("ca");
        Commands.Result printed = Commands.run(dir, List.of(java(), "-jar", jar, "--print-ca", "--ca-dir", caDir.toString()));
        if (printed.exit() != 0) {
            throw new IllegalStateException("--print-ca failed: " + printed.err());
        }
        Path wirelensCa = dir.resolve("wirelens-ca.pem");
        Files.write(wirelensCa, printed.out());

        List<Contender> contenders = new ArrayList<>();
        contenders.add(new Contender("direct", nginxPort, started.get(0), 0, started.get(0), server.cert()));

        int haproxyPort = Loopback.freePort();
        Child haproxy = startHaproxy(dir, combined, haproxyPort, nginxPort);
        started.add(haproxy);
        contenders.add(new Contender("haproxy", haproxyPort, haproxy, -1, null, null));

        int reversePort = Loopback.freePort();
        Child mitmReverse = Child.start("mitmdump reverse", new ProcessBuilder("mitmdump",
                "--mode", "reverse:https://127.0.0.1:" + nginxPort, "--ssl-insecure", "--listen-host", "127.0.0.1",
                "--listen-port", String.valueOf(reversePort), "--set", "confdir=" + dir.resolve("mitm-reverse"), "-q"),
                dir.resolve("mitmdump-reverse.log"), reversePort);
        started.add(mitmReverse);
        int mitmProxyPort = Loopback.freePort();
        Child mitmProxy = Child.start("mitmdump regular", new ProcessBuilder("mitmdump",
                "--listen-host", "127.0.0.1", "--listen-port", String.valueOf(mitmProxyPort), "--ssl-insecure",
                "--set", "confdir=" + dir.resolve("mitm-regular"), "-q"), dir.resolve("mitmdump-regular.log"), mitmProxyPort);
        started.add(mitmProxy);
        contenders.add(new Contender("mitmdump", reversePort, mitmReverse, mitmProxyPort, mitmProxy,
                dir.resolve("mitm-regular").resolve("mitmproxy-ca-cert.pem")));

        for (boolean capture : new boolean[] {true, false}) {
            String name = capture ? "wirelens" : "wirelens-nocap";
            int forwardPort = Loopback.freePort();
            int proxyPort = Loopback.freePort();
            List<String> options = new ArrayList<>(List.of("--forward", forwardPort + ":127.0.0.1:" + nginxPort,
                    "--http-proxy", String.valueOf(proxyPort)));
            if (capture) {
                options.addAll(List.of("--capture", dir.resolve(name + ".pcapng").toString()));
            }
            Child wirelens = startWirelens(jar, dir, name, caDir, server.cert(), options, 2);
            started.add(wirelens);
            contenders.add(new Contender(name, forwardPort, wirelens, proxyPort, wirelens, wirelensCa));
        }

        Path curlConfig = dir.resolve("curl.cfg");
        StringBuilder cfg = new StringBuilder();
        for (int i = 0; i < CURL_REQUESTS; i++) {
            cfg.append("url = \"https://127.0.0.1:").append(nginxPort).append("/1k\"\noutput = \"/dev/null\"\n");
        }
        Files.writeString(curlConfig, cfg);

        System.out.printf("untimed pass: per contender %d s of keep-alive, %d x %d new connections, one curl run...%n",
                WARM_UP_SECONDS, WARM_UP_BURSTS, NEW_CONNECTIONS);
        for (Contender c : contenders) {
            h2load(dir, "--h1", "-c", "8", "-D", String.valueOf(WARM_UP_SECONDS), "https://127.0.0.1:" + c.tlsPort() + "/1k");
            for (int i = 0; i < WARM_UP_BURSTS; i++) {
                h2load(dir, "--h1", "-c", String.valueOf(NEW_CONNECTIONS), "-n", String.valueOf(NEW_CONNECTIONS),
                        "https://127.0.0.1:" + c.tlsPort() + "/1k");
            }
            if (c.curlProxyPort() >= 0) {
                curl(dir, curlConfig, c);
            }
            checkAlive(started, "the untimed pass of " + c.name());
        }

        Map<Measure, Map<String, Samples>> results = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<Contender> order = new ArrayList<>(contenders);
            Collections.rotate(order, -round);
            for (Measure m : Measure.values()) {
                for (Contender c : order) {
                    if (m == Measure.CONNECT_CURL && c.curlProxyPort() < 0) {
                        continue;
                    }
                    Child p = m == Measure.CONNECT_CURL ? c.curlProcess() : c.tlsProcess();
                    Map<Long, ThreadTicks> before = threadTicks(p.pid());
                    Pass pass = switch (m) {
                        case KEEP_ALIVE -> h2load(dir, "--h1", "-c", "8", "-D", String.valueOf(KEEP_ALIVE_SECONDS),
                                "--warm-up-time", "1", "https://127.0.0.1:" + c.tlsPort() + "/1k");
                        case NEW_CONNECTIONS -> h2load(dir, "--h1", "-c", String.valueOf(NEW_CONNECTIONS), "-n",
                                String.valueOf(NEW_CONNECTIONS), "https://127.0.0.1:" + c.tlsPort() + "/1k");
                        case CONNECT_CURL -> curl(dir, curlConfig, c);
                    };
                    Map<Long, ThreadTicks> after = threadTicks(p.pid());
                    Samples s = results.computeIfAbsent(m, k -> new LinkedHashMap<>())
                            .computeIfAbsent(c.name(), k -> new Samples());
                    s.rates.add(pass.rate());
                    s.requests += pass.requests();
                    for (var e : after.entrySet()) {
                        ThreadTicks was = before.get(e.getKey());
                        long spent = e.getValue().ticks() - (was == null ? 0 : was.ticks());
                        s.cpuTicks += spent;
                        s.threadTicks.merge(e.getValue().group(), spent, Long::sum);
                    }
                    if (pass.problem() != null) {
                        s.problems.add("round " + (round + 1) + ": " + pass.problem());
                    }
                    System.out.printf("round %d  %-36s %-15s %,10.0f %s%s%n", round + 1, m.label, c.name(), pass.rate(),
                            m.unit, pass.problem() == null ? "" : "  (" + pass.problem() + ")");
                    checkAlive(started, "round " + (round + 1) + ", " + m.label + ", " + c.name());
                }
            }
        }

        List<Idle> idle = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Idle i = idleConnections(jar, dir, caDir, server.cert(), wirelensCa, nginxPort, started);
            System.out.printf("round %d  %-36s %-15s VmRSS %.0f MiB, VmHWM %.0f MiB (%s)%n", round + 1,
                    "1,000 idle TLS conns", "wirelens", i.rssMib(), i.hwmMib(), i.note());
            idle.add(i);
        }

        for (Contender c : contenders) {
            if (c.isWirelens()) {
                System.out.printf("%s after the rounds: VmRSS %.0f MiB, VmHWM %.0f MiB, %s threads%n", c.name(),
                        status(c.tlsProcess().pid(), "VmRSS") / 1024.0, status(c.tlsProcess().pid(), "VmHWM") / 1024.0,
                        status(c.tlsProcess().pid(), "Threads"));
            }
        }
        Path capture = dir.resolve("wirelens.pcapng");
        System.out.printf("capture file of the wirelens column: %,d MB%n", Files.size(capture) / 1_000_000);
        printTables(contenders, results, idle);
    }

    private static void printTables(List<Contender> contenders, Map<Measure, Map<String, Samples>> results, List<Idle> idle) {
        System.out.println();
        System.out.printf("TLS bench: median of %d rounds, load average now %s%n", ROUNDS, loadAverage());
        StringBuilder head = new StringBuilder(String.format("%-44s", "measure"));
        for (Contender c : contenders) {
            head.append(String.format(" %15s", c.name()));
        }
        System.out.println(head);
        for (Measure m : Measure.values()) {
            StringBuilder row = new StringBuilder(String.format("%-44s", m.label + " (" + m.unit + ")"));
            StringBuilder cpu = new StringBuilder(String.format("%-44s", "  CPU of its process, ms per 1,000"));
            for (Contender c : contenders) {
                Samples s = results.get(m).get(c.name());
                row.append(s == null ? String.format(" %15s", "-") : String.format(" %,15.0f", median(s.rates)));
                cpu.append(s == null ? String.format(" %15s", "-")
                        : String.format(" %,15.0f", s.cpuTicks * 1000.0 / CLOCK_TICKS_PER_SECOND * 1000 / s.requests));
            }
            System.out.println(row);
            System.out.println(cpu);
        }
        StringBuilder rss = new StringBuilder(String.format("%-44s", "1,000 idle TLS conns, VmRSS / VmHWM (MiB)"));
        for (Contender c : contenders) {
            rss.append(String.format(" %15s", c.name().equals("wirelens") ? String.format("%.0f / %.0f",
                    median(idle.stream().map(Idle::rssMib).toList()), median(idle.stream().map(Idle::hwmMib).toList())) : "-"));
        }
        System.out.println(rss);

        System.out.println();
        System.out.println("targets (issue 17):");
        for (String w : List.of("wirelens", "wirelens-nocap")) {
            target(results, Measure.KEEP_ALIVE, w, "haproxy", 0.8);
            target(results, Measure.KEEP_ALIVE, w, "mitmdump", 20);
            target(results, Measure.NEW_CONNECTIONS, w, "haproxy", 0.6);
            target(results, Measure.NEW_CONNECTIONS, w, "mitmdump", 4);
            target(results, Measure.CONNECT_CURL, w, "direct", 0.6);
            target(results, Measure.CONNECT_CURL, w, "mitmdump", 5);
        }
        double rssMedian = median(idle.stream().map(Idle::rssMib).toList());
        System.out.printf("  %-36s %-15s %6.0f MiB VmRSS  (goal <= 250 MiB)  %s%n", "1,000 idle TLS conns", "wirelens",
                rssMedian, rssMedian <= 250 ? "met" : "MISSED");

        System.out.println();
        System.out.println("Wirelens CPU by thread, all rounds of a measure (share of the process's CPU time):");
        for (Measure m : Measure.values()) {
            for (String w : List.of("wirelens", "wirelens-nocap")) {
                Samples s = results.get(m).get(w);
                List<Map.Entry<String, Long>> groups = new ArrayList<>(s.threadTicks.entrySet());
                groups.sort(Map.Entry.<String, Long>comparingByValue().reversed());
                StringBuilder line = new StringBuilder(String.format("  %-36s %-15s %5.1f s:", m.label, w,
                        s.cpuTicks / (double) CLOCK_TICKS_PER_SECOND));
                for (var g : groups.subList(0, Math.min(6, groups.size()))) {
                    if (g.getValue() > 0) {
                        line.append(String.format(" %s %.0f%%", g.getKey(), 100.0 * g.getValue() / Math.max(1, s.cpuTicks)));
                    }
                }
                System.out.println(line);
            }
        }
        for (Measure m : Measure.values()) {
            for (var e : results.get(m).entrySet()) {
                for (String p : e.getValue().problems) {
                    System.out.println("problem: " + m.label + ", " + e.getKey() + ", " + p);
                }
            }
        }
        System.out.println("rounds: " + roundsText(results));
    }

    private static void target(Map<Measure, Map<String, Samples>> results, Measure m, String wirelens, String baseline,
            double goal) {
        double ratio = median(results.get(m).get(wirelens).rates) / median(results.get(m).get(baseline).rates);
        System.out.printf("  %-36s %-15s %6.2fx %-9s (>= %sx)  %s%n", m.label, wirelens, ratio, baseline,
                goal % 1 == 0 ? String.valueOf((int) goal) : String.valueOf(goal), ratio >= goal ? "met" : "MISSED");
    }

    private static String roundsText(Map<Measure, Map<String, Samples>> results) {
        StringBuilder b = new StringBuilder();
        for (var m : results.entrySet()) {
            b.append("\n  ").append(m.getKey().label).append(":");
            for (var c : m.getValue().entrySet()) {
                b.append(" ").append(c.getKey()).append(" ");
                b.append(String.join("/", c.getValue().rates.stream().map(r -> String.format("%.0f", r)).toList()));
            }
        }
        return b.toString();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }

    // ---- the measures

    private static final Pattern H2LOAD_RATE = Pattern.compile("finished in [^,]+, ([\\d.]+) req/s");
    private static final Pattern H2LOAD_COUNTS = Pattern.compile("requests: (\\d+) total, \\d+ started, \\d+ done, (\\d+) succeeded, (\\d+) failed");
    private static final Pattern H2LOAD_STATUS = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");

    private static Pass h2load(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("h2load"));
        command.addAll(List.of(args));
        String out = Commands.run(dir, command).text();
        Matcher rate = H2LOAD_RATE.matcher(out);
        Matcher counts = H2LOAD_COUNTS.matcher(out);
        Matcher status = H2LOAD_STATUS.matcher(out);
        if (!rate.find() || !counts.find() || !status.find()) {
            return new Pass(0, 0, "h2load said: " + out.lines().filter(l -> !l.startsWith("progress")).limit(12).toList());
        }
        long total = Long.parseLong(counts.group(1));
        long succeeded = Long.parseLong(counts.group(2));
        long failed = Long.parseLong(counts.group(3));
        long not2xx = Long.parseLong(status.group(2)) + Long.parseLong(status.group(3)) + Long.parseLong(status.group(4));
        // with -D, requests still under way when the time is up count as neither failed nor answered
        String problem = failed == 0 && not2xx == 0 ? null
                : failed + " of " + total + " failed, " + not2xx + " answered other than 2xx";
        return new Pass(Double.parseDouble(rate.group(1)), succeeded, problem);
    }

    private static Pass curl(Path dir, Path config, Contender c) throws Exception {
        String proxy = c.curlProxyPort() == 0 ? "" : "-x http://127.0.0.1:" + c.curlProxyPort() + " ";
        String script = "TIMEFORMAT='elapsed %R'; time curl -s " + proxy + "--cacert " + c.curlCa() + " -K " + config
                + " -w '%{num_connects} %{http_code}\\n'";
        Commands.Result r = Commands.run(dir, List.of("bash", "-c", script));
        Matcher elapsed = Pattern.compile("elapsed ([\\d.]+)").matcher(r.err());
        List<String> lines = r.text().lines().toList();
        long ok = lines.stream().filter(l -> l.endsWith(" 200")).count();
        long connects = lines.stream().mapToLong(l -> Long.parseLong(l.split(" ")[0])).sum();
        if (!elapsed.find()) {
            return new Pass(0, 0, "curl said: " + r.err());
        }
        String problem = ok == CURL_REQUESTS && connects == 1 && r.exit() == 0 ? null
                : ok + " of " + CURL_REQUESTS + " were 200, " + connects + " connects, exit " + r.exit();
        return new Pass(CURL_REQUESTS / Double.parseDouble(elapsed.group(1)), ok, problem);
    }

    private record Idle(double rssMib, double hwmMib, String note) {}

    /** A fresh forward listener with capture, {@value #IDLE_CONNECTIONS} TLS connections opened through it and left open. */
    private static Idle idleConnections(String jar, Path dir, Path caDir, Path serverCert, Path wirelensCa, int nginxPort,
            List<Child> started) throws Exception {
        int port = Loopback.freePort();
        Path capture = dir.resolve("idle.pcapng");
        Child wirelens = startWirelens(jar, dir, "wirelens-idle", caDir, serverCert,
                List.of("--forward", port + ":127.0.0.1:" + nginxPort, "--capture", capture.toString()), 1);
        started.add(wirelens);
        ConcurrentLinkedQueue<SSLSocket> open = new ConcurrentLinkedQueue<>();
        try {
            double rssBefore = status(wirelens.pid(), "VmRSS") / 1024.0;
            SSLContext tls = trusting(wirelensCa);
            AtomicInteger failed = new AtomicInteger();
            ConcurrentLinkedQueue<String> why = new ConcurrentLinkedQueue<>();
            long start = System.nanoTime();
            ExecutorService openers = Executors.newFixedThreadPool(8);
            for (int i = 0; i < IDLE_CONNECTIONS; i++) {
                openers.execute(() -> {
                    try {
                        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
                        open.add(s);
                        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                        s.setSoTimeout(60_000);
                        SSLParameters p = s.getSSLParameters();
                        p.setEndpointIdentificationAlgorithm("HTTPS");
                        s.setSSLParameters(p);
                        s.startHandshake();
                        getOneKib(s);
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        why.add(e.toString());
                    }
                });
            }
            openers.shutdown();
            if (!openers.awaitTermination(180, TimeUnit.SECONDS)) {
                openers.shutdownNow();
                why.add("not all opened within 180 s");
            }
            double openSeconds = (System.nanoTime() - start) / 1e9;
            Thread.sleep(2000);
            double rss = status(wirelens.pid(), "VmRSS") / 1024.0;
            double hwm = status(wirelens.pid(), "VmHWM") / 1024.0;
            long threads = status(wirelens.pid(), "Threads");
            String heap = heap(wirelens.pid());
            int alive = 0;
            for (SSLSocket s : open) {
                try {
                    getOneKib(s);
                    alive++;
                } catch (IOException e) {
                    // counted as not alive
                }
            }
            return new Idle(rss, hwm, String.format(Locale.ROOT,
                    "%.0f MiB before; %d opened in %.1f s, %d failed%s; %s; %s threads; %d answered a second request",
                    rssBefore, IDLE_CONNECTIONS - failed.get(), openSeconds, failed.get(),
                    why.isEmpty() ? "" : " (first: " + why.peek() + ")", heap, threads, alive));
        } finally {
            for (SSLSocket s : open) {
                s.close();
            }
            wirelens.close();
            started.remove(wirelens);
            Files.deleteIfExists(capture);
        }
    }

    private static final Pattern HEAP_INFO = Pattern.compile("total (\\d+)K, used (\\d+)K");

    /** The Java heap's size and use, from {@code jcmd PID GC.heap_info}. */
    private static String heap(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Matcher m = HEAP_INFO.matcher(Commands.run(jcmd, String.valueOf(pid), "GC.heap_info").text());
        return m.find() ? String.format(Locale.ROOT, "heap %d MiB, %d MiB of it in use",
                Long.parseLong(m.group(1)) >> 10, Long.parseLong(m.group(2)) >> 10) : "heap ?";
    }

    private static void getOneKib(SSLSocket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("GET /1k HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the response's header ended");
            }
            head.write(b);
        }
        String header = head.toString(StandardCharsets.ISO_8859_1);
        Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(header);
        if (!header.startsWith("HTTP/1.1 200") || !length.find()) {
            throw new IOException("unexpected response: " + header.lines().findFirst().orElse(""));
        }
        if (in.readNBytes(Integer.parseInt(length.group(1))).length != 1024) {
            throw new IOException("short body");
        }
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    // ---- the peers

    private static Child startNginx(Path dir, Openssl.Certificate cert, int port) throws Exception {
        String d = dir.toString();
        // the test kit's Nginx allows 512 connections; the idle measure needs 1,000 at once
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/nginx-error.log warn;
                events { worker_connections 4096; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/tmp-body;
                  proxy_temp_path %1$s/tmp-proxy;
                  fastcgi_temp_path %1$s/tmp-fastcgi;
                  uwsgi_temp_path %1$s/tmp-uwsgi;
                  scgi_temp_path %1$s/tmp-scgi;
                  keepalive_requests 10000000;
                  keepalive_timeout 600s;
                  server {
                    listen 127.0.0.1:%2$d ssl;
                    ssl_certificate %3$s;
                    ssl_certificate_key %4$s;
                    root %1$s/www;
                  }
                }
                """.formatted(d, port, cert.cert(), cert.key()));
        return Child.start("nginx", new ProcessBuilder("/usr/sbin/nginx", "-p", d, "-c", d + "/nginx.conf",
                "-e", d + "/nginx-error.log"), dir.resolve("nginx.out"), port);
    }

    private static Child startHaproxy(Path dir, Path combined, int port, int nginxPort) throws Exception {
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, """
                global
                  maxconn 4000
                defaults
                  mode tcp
                  timeout connect 5s
                  timeout client 600s
                  timeout server 600s
                frontend bridge
                  bind 127.0.0.1:%d ssl crt %s
                  default_backend nginx
                backend nginx
                  server s 127.0.0.1:%d ssl verify none
                """.formatted(port, combined, nginxPort));
        return Child.start("haproxy", new ProcessBuilder("haproxy", "-db", "-f", config.toString()),
                dir.resolve("haproxy.log"), port);
    }

    /** Starts the jar headless and waits (60 s at most) until it has printed {@code listeners} listening lines. */
    private static Child startWirelens(String jar, Path dir, String name, Path caDir, Path serverCert,
            List<String> options, int listeners) throws Exception {
        List<String> command = new ArrayList<>(List.of(java()));
        if (System.getProperty("wirelens.tls") != null) {
            // the bench's -Dwirelens.tls=jdk is the jar's
            command.add("-Dwirelens.tls=" + System.getProperty("wirelens.tls"));
        }
        command.addAll(List.of("-jar", jar, "--headless", "--quiet",
                "--upstream-ca", serverCert.toString(), "--ca-dir", caDir.toString()));
        command.addAll(options);
        Child p = Child.start(name, new ProcessBuilder(command), dir.resolve(name + ".log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.log().lines().filter(l -> l.startsWith("listening ")).count() < listeners) {
            if (!p.process.isAlive() || System.nanoTime() > deadline) {
                String why = p.ended();
                p.close();
                throw new IllegalStateException(name + " did not listen within 60 s: " + why);
            }
            Thread.sleep(50);
        }
        return p;
    }

    /** Fails the run, saying how, if a program it started has ended (a crash, or killed from outside). */
    private static void checkAlive(List<Child> started, String during) throws IOException {
        synchronized (started) {
            for (Child c : started) {
                if (!c.process.isAlive()) {
                    throw new IllegalStateException(c.name + " (pid " + c.pid() + ") ended during " + during + ": " + c.ended());
                }
            }
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void stopAll(List<Child> started) {
        List<Child> copy;
        synchronized (started) {
            copy = new ArrayList<>(started);
            started.clear();
        }
        Collections.reverse(copy);
        for (Child p : copy) {
            try {
                p.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A program the bench started (nginx, haproxy, mitmdump, the jar): its output in a log file, its exit
     * code kept, so that one that ends during the run is reported with how it ended. Stopped by its id.
     */
    private static final class Child implements AutoCloseable {
        final String name;
        final Process process;
        final Path log;

        private Child(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
        }

        /** Starts it and waits (20 s at most) until 127.0.0.1 accepts on each of {@code ports}. */
        static Child start(String name, ProcessBuilder builder, Path log, int... ports) throws Exception {
            Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
            Child child = new Child(name, process, log);
            for (int port : ports) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!Loopback.accepts(port)) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        String why = child.ended();
                        child.close();
                        throw new IllegalStateException(name + " did not listen on " + port + ": " + why);
                    }
                    Thread.sleep(100);
                }
            }
            return child;
        }

        long pid() {
            return process.pid();
        }

        String log() throws IOException {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        }

        /** How it ended (or that it still runs) and the end of its log. */
        String ended() throws IOException {
            String text = log();
            return (process.isAlive() ? "still running" : "exit code " + process.exitValue()) + ", log: "
                    + text.substring(Math.max(0, text.length() - 2000));
        }

        /** SIGTERM, up to 10 s to go, then SIGKILL. */
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // ---- /proc

    /** A thread's CPU time so far, and its name without the trailing number (so a pool's threads add up). */
    private record ThreadTicks(String group, long ticks) {}

    private static Map<Long, ThreadTicks> threadTicks(long pid) throws IOException {
        Map<Long, ThreadTicks> threads = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                threads.put(Long.parseLong(task.getFileName().toString()),
                        new ThreadTicks(comm.replaceAll("[-#]?\\d+$", ""), Long.parseLong(f[11]) + Long.parseLong(f[12])));
            }
        }
        return threads;
    }

    /** A field of /proc/PID/status: kB for the Vm* fields. */
    private static String statusText(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (l.startsWith(field + ":")) {
                return l.substring(field.length() + 1).trim();
            }
        }
        return "?";
    }

    private static long status(long pid, String field) throws IOException {
        return Long.parseLong(statusText(pid, field).replaceAll("\\D+", ""));
    }

    private static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException e) {
            return "?";
        }
    }
}
