package wirelens.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Not a test: a slow reader. A backend sends SIZE bytes through the headless jar (a child process) to a
 * client that reads at RATE bytes/s. Samples the proxy's RSS every second and prints first / peak / last,
 * so a flat line shows that the engine pushes back instead of buffering. From the repository's top level,
 * after {@code mvn -B -ntp package -DskipTests} (which builds the jar and the test classes):
 *
 * <pre>java -cp app/target/test-classes wirelens.cli.SlowReaderBench [JAR] [SIZE_MIB] [RATE_MB_PER_S]</pre>
 *
 * (defaults: app/target/wirelens.jar 1024 10).
 */
public final class SlowReaderBench {
    private SlowReaderBench() {}

    public static void main(String[] args) throws Exception {
        String jar = args.length > 0 ? args[0] : "app/target/wirelens.jar";
        long size = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        double rate = (args.length > 2 ? Double.parseDouble(args[2]) : 10) * 1e6;

        AtomicReference<Exception> backendFailure = new AtomicReference<>();
        try (ServerSocket backend = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = backend.accept(); OutputStream out = s.getOutputStream()) {
                    byte[] block = new byte[1 << 20];
                    for (long sent = 0; sent < size; sent += block.length) {
                        out.write(block);
                    }
                } catch (Exception e) {
                    backendFailure.set(e);
                }
            });
            server.setDaemon(true);
            server.start();

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process proxy = new ProcessBuilder(java, "-jar", jar, "--headless", "--quiet",
                    "--forward", "0:127.0.0.1:" + backend.getLocalPort()).redirectErrorStream(true).start();
            try {
                BufferedReader proxyOut = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
                String line = proxyOut.readLine();
                while (line != null && !line.startsWith("listening ")) {
                    System.out.println("proxy: " + line);
                    line = proxyOut.readLine();
                }
                if (line == null) {
                    throw new IllegalStateException("the proxy ended before it listened");
                }
                int port = Integer.parseInt(line.replaceAll(".*127\\.0\\.0\\.1:(\\d+) ->.*", "$1"));
                List<Long> rss = new ArrayList<>();
                long start = System.nanoTime();
                long read = 0;
                long nextSample = start;
                try (Socket c = new Socket()) {
                    c.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    c.setSoTimeout(30_000);
                    InputStream in = c.getInputStream();
                    byte[] buf = new byte[64 * 1024];
                    long deadline = start + TimeUnit.SECONDS.toNanos((long) (size / rate) + 120);
                    while (read < size && System.nanoTime() < deadline) {
                        int n = in.read(buf);
                        if (n < 0) {
                            break;
                        }
                        read += n;
                        long due = start + (long) (read / rate * 1e9);
                        long now = System.nanoTime();
                        if (due > now) {
                            TimeUnit.NANOSECONDS.sleep(due - now);
                        }
                        if (System.nanoTime() >= nextSample) {
                            rss.add(rssKib(proxy.pid()));
                            nextSample += TimeUnit.SECONDS.toNanos(1);
                        }
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long peak = rss.stream().mapToLong(Long::longValue).max().orElse(0);
                System.out.printf("read %d MiB of %d MiB in %.1f s (%.1f MB/s)%n", read >> 20, size >> 20, seconds, read / seconds / 1e6);
                System.out.printf("proxy RSS: first %.1f MiB, peak %.1f MiB, last %.1f MiB (%d samples, 1/s)%n",
                        rss.get(0) / 1024.0, peak / 1024.0, rss.get(rss.size() - 1) / 1024.0, rss.size());
                StringBuilder curve = new StringBuilder("RSS every 10 s (MiB):");
                for (int i = 0; i < rss.size(); i += 10) {
                    curve.append(String.format(" %.0f", rss.get(i) / 1024.0));
                }
                System.out.println(curve);
                System.out.println(read == size ? "all bytes arrived" : "INCOMPLETE");
                if (backendFailure.get() != null) {
                    System.out.println("the backend failed: " + backendFailure.get());
                }
            } finally {
                proxy.destroy();
                proxy.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static long rssKib(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D+", ""));
            }
        }
        return 0;
    }
}
