package wirelens.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real server program a test talks to (aiosmtpd, nginx): started with its output in a log file,
 * waited for until it accepts on each of its loopback ports, stopped by its process id.
 */
public final class PeerProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private PeerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the program with stdout and stderr into {@code log}, and waits (about 20 s at most) until
     * 127.0.0.1 accepts on every port; fails the test with the log if it exits or never listens.
     */
    public static PeerProcess start(String name, ProcessBuilder builder, Path log, int... ports) throws Exception {
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        PeerProcess peer = new PeerProcess(name, process, log);
        try {
            for (int port : ports) {
                peer.awaitListening(port);
            }
        } catch (Exception | AssertionError e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    private void awaitListening(int port) throws Exception {
        for (int i = 0; i < 200; i++) { // refused at once while nothing listens: about 20 s
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited early: " + log());
            }
            if (Loopback.accepts(port)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + " did not listen on " + port + " within 20 s: " + log());
    }

    /** What the program has printed so far. */
    public String log() throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM to its process id, up to 10 s to exit, then SIGKILL. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            Commands.stop(process);
        }
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
