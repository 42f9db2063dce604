package wirelens.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Wireshark's command-line tools (Debian tshark) reading a capture file, as a user's Wireshark would. */
public final class Tshark {
    private static final String EXECUTABLE = "/usr/bin/tshark";
    private static final String TEXT2PCAP = "/usr/bin/text2pcap";

    private Tshark() {}

    public static boolean installed() {
        return Files.isExecutable(Path.of(EXECUTABLE));
    }

    public static void assumeInstalled() {
        assumeTrue(installed(), "tshark is not installed: apt-get install tshark");
    }

    /** {@code tshark ARGS...}, with stdout and stderr apart. */
    public static Commands.Result run(String... args) throws Exception {
        assumeInstalled();
        List<String> command = new ArrayList<>(List.of(EXECUTABLE));
        command.addAll(List.of(args));
        return Commands.run(Path.of("."), command);
    }

    /** {@code text2pcap ARGS...} (it comes with tshark), stderr merged into stdout. */
    public static Commands.Result text2pcap(String... args) throws Exception {
        assumeTrue(Files.isExecutable(Path.of(TEXT2PCAP)), "text2pcap is not installed: apt-get install tshark");
        List<String> command = new ArrayList<>(List.of(TEXT2PCAP));
        command.addAll(List.of(args));
        return Commands.run(command.toArray(String[]::new));
    }

    /** The tcp.stream number of each connection, keyed by the client's port (from the SYN packets). */
    public static Map<Integer, Integer> streamsByClientPort(Path file) throws Exception {
        Commands.Result r = run("-r", file.toString(), "-Y", "tcp.flags.syn==1 && tcp.flags.ack==0", "-T", "fields",
                "-e", "tcp.stream", "-e", "tcp.srcport");
        Map<Integer, Integer> out = new HashMap<>();
        for (String line : r.text().split("\n")) {
            String[] f = line.trim().split("\t");
            if (f.length == 2) {
                out.put(Integer.parseInt(f[1]), Integer.parseInt(f[0]));
            }
        }
        return out;
    }

    /**
     * The bytes each way of one TCP stream, from {@code -z follow,tcp,raw,N} (hex per segment, the
     * server's lines indented by a tab): {client to server, server to client}.
     */
    public static byte[][] follow(Path file, int stream) throws Exception {
        Commands.Result r = run("-r", file.toString(), "-q", "-z", "follow,tcp,raw," + stream);
        ByteArrayOutputStream c2s = new ByteArrayOutputStream();
        ByteArrayOutputStream s2c = new ByteArrayOutputStream();
        boolean inData = false;
        for (String line : r.text().split("\n")) {
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
            (server ? s2c : c2s).writeBytes(HexFormat.of().parseHex(hex));
        }
        return new byte[][] {c2s.toByteArray(), s2c.toByteArray()};
    }
}
