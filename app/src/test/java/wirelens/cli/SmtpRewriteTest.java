package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
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
import wirelens.testkit.Aiosmtpd;
import wirelens.testkit.Commands;
import wirelens.testkit.Swaks;

/**
 * A real SMTP session through headless Wirelens with --replace rules: swaks -> wirelens -> aiosmtpd
 * (storing into a Maildir). The stored message shows the rewritten header, and the server's log shows
 * the rewritten EHLO.
 */
class SmtpRewriteTest {
    private static final Pattern LISTENING = Pattern.compile("listening forward 127\\.0\\.0\\.1:(\\d+) -> .*");

    @TempDir
    Path dir;

    @Test
    void ruleRewritesAHeaderAndTheServerStoresTheRewrittenMessage() throws Exception {
        Aiosmtpd.assumeInstalled();
        Swaks.assumeInstalled();

        Path maildir = dir.resolve("maildir");
        Process wirelens = null;
        try (Aiosmtpd smtp = Aiosmtpd.start(dir, "-d", "-c", "aiosmtpd.handlers.Mailbox", maildir.toString())) {
            wirelens = HeadlessProcessTest.start("--headless", "--forward", "0:127.0.0.1:" + smtp.port(),
                    "--replace", "c2s:regex:/^EHLO \\S+/EHLO wirelens.test/",
                    "--replace", "c2s:regex:/^Subject: .*$/Subject: rewritten by wirelens/",
                    "--replace", "both:text:|secret plan|public plan|");
            BufferedReader out = new BufferedReader(new InputStreamReader(wirelens.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            Matcher m = LISTENING.matcher(first == null ? "" : first);
            assertTrue(m.matches(), "first line: " + first);

            Commands.Result swaks = Swaks.run("--server", "127.0.0.1:" + m.group(1),
                    "--helo", "client.example", "--from", "alice@example.test", "--to", "bob@example.test",
                    "--header", "Subject: the secret plan", "--body", "Here is the secret plan.");
            String transcript = swaks.text();
            assertEquals(0, swaks.exit(), transcript);
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

            String log = smtp.log();
            assertTrue(log.contains(">> b'EHLO wirelens.test'"), "the server saw the rewritten EHLO: " + log);
            assertFalse(log.contains("EHLO client.example"), log);
        } finally {
            if (wirelens != null) {
                wirelens.destroy();
                wirelens.waitFor(10, TimeUnit.SECONDS);
                wirelens.destroyForcibly();
            }
        }
    }
}
