package wirelens.capture;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real tshark on a capture file (tests skip when it is not installed; CI installs it). */
final class Tshark {
    private Tshark() {}

    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed");
    }

    record Result(int exitCode, String out, String err) {}

    static Result run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/tshark");
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> copy(p.getErrorStream(), err));
            errReader.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            copy(p.getInputStream(), out);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("tshark did not finish within 120 s: " + cmd);
            }
            errReader.join(10_000);
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** tcp.stream number of each connection, keyed by the client's port (from the SYN packets). */
    static Map<Integer, Integer> streamsByClientPort(Path file) {
        Result r = run("-r", file.toString(), "-Y", "tcp.flags.syn==1 && tcp.flags.ack==0", "-T", "fields",
                "-e", "tcp.stream", "-e", "tcp.srcport");
        Map<Integer, Integer> out = new HashMap<>();
        for (String line : r.out().split("\n")) {
            String[] f = line.trim().split("\t");
            if (f.length == 2) {
                out.put(Integer.parseInt(f[1]), Integer.parseInt(f[0]));
            }
        }
        return out;
    }

    /** Bytes each way of one TCP stream, from {@code -z follow,tcp,raw,N}: [client to server, server to client]. */
    static byte[][] follow(Path file, int stream) {
        Result r = run("-r", file.toString(), "-q", "-z", "follow,tcp,raw," + stream);
        ByteArrayOutputStream c2s = new ByteArrayOutputStream();
        ByteArrayOutputStream s2c = new ByteArrayOutputStream();
        boolean inData = false;
        for (String line : r.out().split("\n")) {
            if (line.startsWith("Node 1:")) {
                inData = true;
                continue;
            }
            if (!inData || line.startsWith("=====")) {
                continue;
            }
            boolean server = line.startsWith("\t");
            String hex = line.trim();
            if (hex.isEmpty()) {
                continue;
            }
            byte[] bytes = HexFormat.of().parseHex(hex);
            (server ? s2c : c2s).writeBytes(bytes);
        }
        return new byte[][] {c2s.toByteArray(), s2c.toByteArray()};
    }
}
