package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SMTP session through headless Wirelens with --replace rules: swaks -> wirelens -> aiosmtpd
 * (storing into a Maildir). The stored message shows the rewritten header, and the server's log shows
 * the rewritten EHLO.
 */
class SmtpRewriteTest {
    private static final Pattern LISTENING = Pattern.compile("listening forward 127\\.0\\.0\\.1:(\\d+) -> .*");
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    private static boolean works(String... command) {
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(int port, Process server) throws Exception {
        for (int i = 0; i < 200; i++) { // bounded: 200 tries, about 20 s
            assertTrue(server.isAlive(), "the SMTP server exited early");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the SMTP server did not listen on " + port + " within 20 s");
    }

    @Test
    void ruleRewritesAHeaderAndTheServerStoresTheRewrittenMessage() throws Exception {
        assumeTrue(works(PYTHON, "-c", "import aiosmtpd"), "python3-aiosmtpd is not installed");
        assumeTrue(works("swaks", "--version"), "swaks is not installed");

        int smtpPort = freePort();
        Path maildir = dir.resolve("maildir");
        Path serverLog = dir.resolve("aiosmtpd.log");
        Process smtp = new ProcessBuilder(PYTHON, "-m", "aiosmtpd", "-n", "-d", "-l", "127.0.0.1:" + smtpPort,
                "-c", "aiosmtpd.handlers.Mailbox", maildir.toString())
                .redirectErrorStream(true).redirectOutput(serverLog.toFile()).start();
        Process wirelens = null;
        try {
            awaitListening(smtpPort, smtp);
            wirelens = HeadlessProcessTest.start("--headless", "--forward", "0:127.0.0.1:" + smtpPort,
                    "--replace", "c2s:regex:/^EHLO \\S+/EHLO wirelens.test/",
                    "--replace", "c2s:regex:/^Subject: .*$/Subject: rewritten by wirelens/",
                    "--replace", "both:text:|secret plan|public plan|");
            BufferedReader out = new BufferedReader(new InputStreamReader(wirelens.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            Matcher m = LISTENING.matcher(first == null ? "" : first);
            assertTrue(m.matches(), "first line: " + first);

            Process swaks = new ProcessBuilder("swaks", "--server", "127.0.0.1:" + m.group(1),
                    "--helo", "client.example", "--from", "alice@example.test", "--to", "bob@example.test",
                    "--header", "Subject: the secret plan", "--body", "Here is the secret plan.")
                    .redirectErrorStream(true).start();
            String transcript = new String(swaks.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(swaks.waitFor(60, TimeUnit.SECONDS), "swaks did not finish");
            assertEquals(0, swaks.exitValue(), transcript);
            assertTrue(transcript.contains("-> Subject: the secret plan"), "the client sent the original: " + transcript);

            List<Path> stored;
            try (Stream<Path> files = Files.list(maildir.resolve("new"))) {
                stored = new ArrayList<>(files.toList());
            }
            assertEquals(1, stored.size(), "one stored message");
            String message = Files.readString(stored.get(0), StandardCharsets.UTF_8);
            assertTrue(message.contains("\nSubject: rewritten by wirelens\n"), message);
            assertFalse(message.contains("the secret plan"), message);
            assertTrue(message.contains("Here is the public plan."), message);

            String log = Files.readString(serverLog, StandardCharsets.UTF_8);
            assertTrue(log.contains(">> b'EHLO wirelens.test'"), "the server saw the rewritten EHLO: " + log);
            assertFalse(log.contains("EHLO client.example"), log);
        } finally {
            if (wirelens != null) {
                wirelens.destroy();
                wirelens.waitFor(10, TimeUnit.SECONDS);
                wirelens.destroyForcibly();
            }
            smtp.destroy();
            smtp.waitFor(10, TimeUnit.SECONDS);
            smtp.destroyForcibly();
        }
    }
}
