package wirelens.cli;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import wirelens.testkit.ChildJvm;

/**
 * Not a test: the SOCKS5 listener against a forward listener of the same headless Wirelens (a child
 * process), in one run, rounds interleaved so that a machine busy with something else slows both alike.
 * Measures sequential connect + one 64 B echo + close per second (the SOCKS5 client does the handshake as
 * curl does: greeting, wait, CONNECT, wait) and a bulk transfer each way, whose bytes are checked with
 * SHA-256 at the far end. From the repository's top level, after {@code mvn -B -ntp -pl app test-compile
 * dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test}:
 *
 * <pre>CP=app/target/classes:app/target/test-classes:$(cat app/target/cp.txt)
 * java -cp "$CP" wirelens.cli.SocksBench [JAR|-] [SECONDS_PER_ROUND] [ROUNDS] [BULK_MIB]</pre>
 *
 * (defaults: {@code -} = Wirelens from the class path, 3, 5, 512; a JAR such as app/target/wirelens.jar
 * runs that instead).
 */
public final class SocksBench {
    private static final int ECHO_BYTES = 64;
    private static final Pattern LISTENING = Pattern.compile("listening (forward|socks5) 127\\.0\\.0\\.1:(\\d+).*");

    private SocksBench() {}

    public static void main(String[] args) throws Exception {
        String jar = args.length > 0 ? args[0] : "-";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        long bulk = (args.length > 3 ? Long.parseLong(args[3]) : 512) << 20;

        try (ServerSocket echo = backend(SocksBench::echo); ServerSocket sink = backend(SocksBench::sink);
                ServerSocket source = backend(s -> source(s, bulk))) {
            String[] wirelens = {"--headless", "--quiet", "--forward", "0:127.0.0.1:" + echo.getLocalPort(),
                "--forward", "0:127.0.0.1:" + sink.getLocalPort(), "--forward", "0:127.0.0.1:" + source.getLocalPort(),
                "--socks", "0"};
            List<String> command = new ArrayList<>();
            if (jar.equals("-")) {
                command.addAll(ChildJvm.command("wirelens.cli.Main", wirelens));
            } else {
                command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
                command.addAll(List.of(wirelens));
            }
            Process proxy = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                List<Integer> forwards = new ArrayList<>();
                int socks = listening(proxy, forwards);
                System.out.printf("forward listeners %s, SOCKS5 listener %d; %d rounds of %.1f s each%n", forwards, socks,
                        rounds, seconds);
                Target echoForward = new Target(forwards.get(0), 0);
                Target echoSocks = new Target(socks, echo.getLocalPort());

                connectRate(echoForward, seconds); // a round each to warm up, not counted
                connectRate(echoSocks, seconds);
                double[] forwardRates = new double[rounds];
                double[] socksRates = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    // the order alternates, so neither always runs on a JVM just warmed by the other
                    if (r % 2 == 0) {
                        forwardRates[r] = connectRate(echoForward, seconds);
                        socksRates[r] = connectRate(echoSocks, seconds);
                    } else {
                        socksRates[r] = connectRate(echoSocks, seconds);
                        forwardRates[r] = connectRate(echoForward, seconds);
                    }
                    System.out.printf("round %d: forward %.0f conn/s, socks %.0f conn/s (%.2fx)%n", r + 1, forwardRates[r],
                            socksRates[r], socksRates[r] / forwardRates[r]);
                }
                double f = median(forwardRates);
                double s = median(socksRates);
                System.out.printf("connect + %d B echo + close, median: forward %.0f/s, socks %.0f/s: %.2fx%n",
                        ECHO_BYTES, f, s, s / f);

                Target sinkForward = new Target(forwards.get(1), 0);
                Target sinkSocks = new Target(socks, sink.getLocalPort());
                Target sourceForward = new Target(forwards.get(2), 0);
                Target sourceSocks = new Target(socks, source.getLocalPort());
                double[][] mbs = new double[4][3];
                for (int r = 0; r < 3; r++) {
                    boolean socksFirst = r % 2 == 1;
                    mbs[socksFirst ? 1 : 0][r] = upload(socksFirst ? sinkSocks : sinkForward, bulk);
                    mbs[socksFirst ? 0 : 1][r] = upload(socksFirst ? sinkForward : sinkSocks, bulk);
                    mbs[socksFirst ? 3 : 2][r] = download(socksFirst ? sourceSocks : sourceForward, bulk);
                    mbs[socksFirst ? 2 : 3][r] = download(socksFirst ? sourceForward : sourceSocks, bulk);
                    System.out.printf("%d MiB client->server: forward %.0f MB/s, socks %.0f MB/s; "
                            + "server->client: forward %.0f MB/s, socks %.0f MB/s; every byte checked%n",
                            bulk >> 20, mbs[0][r], mbs[1][r], mbs[2][r], mbs[3][r]);
                }
                System.out.printf("bulk, median: client->server %.2fx, server->client %.2fx of forward%n",
                        median(mbs[1]) / median(mbs[0]), median(mbs[3]) / median(mbs[2]));
            } finally {
                proxy.destroy();
                proxy.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Where a client goes: a forward listener ({@code targetPort} 0), or the SOCKS5 listener asked for it. */
    private record Target(int port, int targetPort) {

        Socket open() throws IOException {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setTcpNoDelay(true);
            s.setSoTimeout(30_000);
            if (targetPort > 0) {
                OutputStream out = s.getOutputStream();
                DataInputStream in = new DataInputStream(s.getInputStream());
                out.write(new byte[] {5, 1, 0});
                byte[] method = new byte[2];
                in.readFully(method);
                out.write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (targetPort >> 8), (byte) targetPort});
                byte[] reply = new byte[10];
                in.readFully(reply);
                if (method[1] != 0 || reply[1] != 0) {
                    throw new IOException("SOCKS5 refused: " + HexFormat.of().formatHex(method) + " "
                            + HexFormat.of().formatHex(reply));
                }
            }
            return s;
        }
    }

    private static double connectRate(Target target, double seconds) throws IOException {
        byte[] message = new byte[ECHO_BYTES];
        Arrays.fill(message, (byte) 'x');
        byte[] answer = new byte[ECHO_BYTES];
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        int count = 0;
        while (System.nanoTime() < end && count < 1_000_000) {
            try (Socket s = target.open()) {
                s.getOutputStream().write(message);
                new DataInputStream(s.getInputStream()).readFully(answer);
            }
            if (!Arrays.equals(message, answer)) {
                throw new IOException("the echo came back changed");
            }
            count++;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    /** Sends {@code size} seeded random bytes, then reads the SHA-256 the sink computed; returns MB/s. */
    private static double upload(Target target, long size) throws Exception {
        long start = System.nanoTime();
        byte[] expected;
        byte[] got = new byte[32];
        try (Socket s = target.open()) {
            OutputStream out = s.getOutputStream();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Random random = new Random(size);
            byte[] block = new byte[256 * 1024];
            for (long sent = 0; sent < size; sent += block.length) {
                random.nextBytes(block);
                digest.update(block);
                out.write(block);
            }
            s.shutdownOutput();
            expected = digest.digest();
            new DataInputStream(s.getInputStream()).readFully(got);
        }
        if (!Arrays.equals(expected, got)) {
            throw new IOException("client->server bytes differ from what was sent");
        }
        return size / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    /** Reads what the source sends until EOF and checks it against the same seeded bytes; returns MB/s. */
    private static double download(Target target, long size) throws Exception {
        long start = System.nanoTime();
        MessageDigest got = MessageDigest.getInstance("SHA-256");
        long read = 0;
        try (Socket s = target.open()) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256 * 1024];
            for (int n; (n = in.read(buf)) >= 0; read += n) {
                got.update(buf, 0, n);
            }
        }
        if (read != size || !Arrays.equals(got.digest(), seeded(size))) {
            throw new IOException("server->client bytes differ: " + read + " of " + size + " read");
        }
        return size / ((System.nanoTime() - start) / 1e9) / 1e6;
    }

    private static byte[] seeded(long size) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(size);
        byte[] block = new byte[256 * 1024];
        for (long sent = 0; sent < size; sent += block.length) {
            random.nextBytes(block);
            digest.update(block);
        }
        return digest.digest();
    }

    // ---- backends (a thread per connection: a client at a time, mostly) ----

    private interface Serve {
        void serve(Socket s) throws Exception;
    }

    private static ServerSocket backend(Serve serve) throws IOException {
        ServerSocket server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread t = new Thread(() -> {
                        try (s) {
                            serve.serve(s);
                        } catch (Exception e) {
                            System.out.println("backend: " + e);
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        return server;
    }

    private static void echo(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
        }
    }

    private static void sink(Socket s) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        InputStream in = s.getInputStream();
        byte[] buf = new byte[256 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            digest.update(buf, 0, n);
        }
        s.getOutputStream().write(digest.digest());
    }

    private static void source(Socket s, long size) throws IOException {
        OutputStream out = s.getOutputStream();
        Random random = new Random(size);
        byte[] block = new byte[256 * 1024];
        for (long sent = 0; sent < size; sent += block.length) {
            random.nextBytes(block);
            out.write(block);
        }
    }

    /** Reads the proxy's output until it listens on all four; returns the SOCKS5 port, the forward ones in {@code forwards}. */
    private static int listening(Process proxy, List<Integer> forwards) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
        int socks = -1;
        while (forwards.size() < 3 || socks < 0) {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("the proxy ended before it listened");
            }
            Matcher m = LISTENING.matcher(line);
            if (!m.matches()) {
                System.out.println("proxy: " + line);
            } else if (m.group(1).equals("socks5")) {
                socks = Integer.parseInt(m.group(2));
            } else {
                forwards.add(Integer.parseInt(m.group(2)));
            }
        }
        Thread drain = new Thread(() -> out.lines().forEach(l -> System.out.println("proxy: " + l)));
        drain.setDaemon(true);
        drain.start();
        return socks;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
