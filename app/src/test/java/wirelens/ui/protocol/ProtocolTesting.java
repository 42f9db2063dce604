package wirelens.ui.protocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;

/** Helpers for the SMTP and HTTP view tests: styled labels, external tools and servers they start. */
public final class ProtocolTesting {
    private ProtocolTesting() {}

    /** Every node under {@code root} with that style class that is a labeled with that text. */
    public static long countLabeled(Node root, String styleClass, String text) {
        return root.lookupAll("." + styleClass).stream()
                .filter(n -> n instanceof javafx.scene.control.Labeled l && text.equals(l.getText()))
                .count();
    }

    /** Runs a command to completion (bounded, 60 s) and returns its exit code and output. */
    public static Ran run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + String.join(" ", command));
        }
        return new Ran(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    public record Ran(int exit, String output) {}

    public static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits (about 20 s at most) until something accepts on 127.0.0.1:port while {@code alive}. */
    public static void awaitListening(int port, Process process, Path log) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited early: " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listened on " + port + " within 20 s");
    }
}
