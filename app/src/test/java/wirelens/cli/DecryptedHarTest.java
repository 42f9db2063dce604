package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.testkit.ChildJvm;
import wirelens.testkit.Commands;
import wirelens.testkit.HarValidator;
import wirelens.testkit.Loopback;
import wirelens.testkit.Nginx;
import wirelens.testkit.Openssl;

/**
 * curl through a headless Wirelens' HTTP proxy to nginx over TLS, trusting the printed CA: the capture
 * holds the decrypted requests, and {@code --read CAPTURE --export-har OUT.har} lists them with https
 * URLs; so does HTTPS to a forward listener, while plain HTTP through a CONNECT tunnel keeps http URLs.
 * Skipped where nginx, curl or openssl is missing.
 */
class DecryptedHarTest {

    @TempDir
    Path dir;

    @Test
    void httpsThroughTheProxyIsExportedWithHttpsUrls() throws Exception {
        Nginx.assumeInstalled();
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        Openssl.assumeInstalled();
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("a"), "first\n");
        Files.writeString(www.resolve("b"), "second\n");
        Openssl.Certificate cert = Openssl.selfSigned(dir);
        int httpsPort = Loopback.freePort();
        Path caDir = dir.resolve("ca");
        Path capture = dir.resolve("https.pcapng");

        StringWriter caPem = new StringWriter();
        StringWriter caErr = new StringWriter();
        assertEquals(0, Main.run(new String[] {"--print-ca", "--ca-dir", caDir.toString()}, new PrintWriter(caPem, true),
                new PrintWriter(caErr, true)), caErr.toString());
        Path caFile = Files.writeString(dir.resolve("wirelens-ca.pem"), caPem.toString());

        try (Nginx nginx = Nginx.start(dir, """
                types { text/plain a b; }
                default_type text/plain;
                server {
                  listen 127.0.0.1:%2$d ssl;
                  ssl_certificate %1$s/cert.pem;
                  ssl_certificate_key %1$s/key.pem;
                  root %1$s/www;
                }
                """.formatted(dir, httpsPort), httpsPort)) {
            Process wirelens = new ProcessBuilder(ChildJvm.command(List.of("-Dwirelens.warmupMillis=0"),
                    Main.class.getName(), "--headless", "--quiet", "--http-proxy", "0", "--capture", capture.toString(),
                    "--ca-dir", caDir.toString(), "--upstream-ca", cert.cert().toString()))
                    .redirectError(dir.resolve("wirelens.err").toFile()).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(wirelens.getInputStream(), StandardCharsets.UTF_8));
                String line = out.readLine();
                Matcher m = Pattern.compile("listening http 127\\.0\\.0\\.1:(\\d+)").matcher(String.valueOf(line));
                assertTrue(m.matches(), line + "\n" + Files.readString(dir.resolve("wirelens.err")));
                String base = "https://localhost:" + httpsPort;
                Commands.Result curl = Commands.run(dir, List.of("curl", "-sS", "--max-time", "60", "--cacert",
                        caFile.toString(), "-x", "http://127.0.0.1:" + m.group(1), base + "/a", base + "/b"));
                assertEquals(0, curl.exit(), curl.err());
                assertEquals("first\nsecond\n", curl.text());
            } finally {
                wirelens.destroy(); // SIGTERM: Wirelens closes the capture file and exits
                assertTrue(wirelens.waitFor(30, TimeUnit.SECONDS), "wirelens did not stop");
            }
        }

        Path har = dir.resolve("out.har");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--read", capture.toString(), "--export-har", har.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        assertEquals("wrote " + har + ": 3 exchange(s) from 1 HTTP connection(s) of 1\n", out.toString());

        JsonNode entries = new ObjectMapper().readTree(har.toFile()).at("/log/entries");
        assertEquals(3, entries.size(), entries.toString());
        assertEquals("CONNECT", entries.get(0).at("/request/method").asText());
        assertEquals(200, entries.get(0).at("/response/status").asInt());
        String base = "https://localhost:" + httpsPort;
        assertEquals(base + "/a", entries.get(1).at("/request/url").asText());
        assertEquals(200, entries.get(1).at("/response/status").asInt());
        assertEquals("first\n", entries.get(1).at("/response/content/text").asText());
        assertEquals(base + "/b", entries.get(2).at("/request/url").asText());
        assertEquals(200, entries.get(2).at("/response/status").asInt());
        assertEquals("second\n", entries.get(2).at("/response/content/text").asText());

        HarValidator.validate(har);
    }

    @Test
    void httpsToAForwardListenerIsExportedWithHttpsUrls() throws Exception {
        Nginx.assumeInstalled();
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        Openssl.assumeInstalled();
        Files.writeString(Files.createDirectories(dir.resolve("www")).resolve("a"), "first\n");
        Openssl.Certificate cert = Openssl.selfSigned(dir);
        int httpsPort = Loopback.freePort();
        Path caDir = dir.resolve("ca");
        Path capture = dir.resolve("forward.pcapng");
        StringWriter caPem = new StringWriter();
        assertEquals(0, Main.run(new String[] {"--print-ca", "--ca-dir", caDir.toString()}, new PrintWriter(caPem, true),
                new PrintWriter(new StringWriter(), true)));
        Path caFile = Files.writeString(dir.resolve("wirelens-ca.pem"), caPem.toString());
        try (Nginx nginx = Nginx.start(dir, server(httpsPort, true), httpsPort)) {
            String port = runWirelens(capture, "forward", List.of("--forward", "0:127.0.0.1:" + httpsPort, "--ca-dir",
                    caDir.toString(), "--upstream-ca", cert.cert().toString()), listening -> List.of("curl", "-sS",
                    "--max-time", "60", "--cacert", caFile.toString(), "--resolve", "localhost:" + listening + ":127.0.0.1",
                    "https://localhost:" + listening + "/a"));
            JsonNode entries = exportHar(capture);
            assertEquals(1, entries.size(), entries.toString());
            assertEquals("https://localhost:" + port + "/a", entries.get(0).at("/request/url").asText());
            assertEquals("first\n", entries.get(0).at("/response/content/text").asText());
        }
    }

    @Test
    void plainHttpThroughAConnectTunnelIsExportedWithHttpUrls() throws Exception {
        Nginx.assumeInstalled();
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        Files.writeString(Files.createDirectories(dir.resolve("www")).resolve("a"), "first\n");
        int httpPort = Loopback.freePort();
        Path capture = dir.resolve("tunnel.pcapng");
        try (Nginx nginx = Nginx.start(dir, server(httpPort, false), httpPort)) {
            runWirelens(capture, "http", List.of("--http-proxy", "0", "--ca-dir", dir.resolve("ca").toString()),
                    listening -> List.of("curl", "-sS", "--max-time", "60", "--proxytunnel", "-x",
                            "http://127.0.0.1:" + listening, "http://localhost:" + httpPort + "/a"));
            JsonNode entries = exportHar(capture);
            assertEquals(2, entries.size(), entries.toString());
            assertEquals("CONNECT", entries.get(0).at("/request/method").asText());
            assertTrue(entries.get(0).at("/comment").asText().startsWith("plain HTTP"), entries.get(0).toString());
            assertEquals("http://localhost:" + httpPort + "/a", entries.get(1).at("/request/url").asText());
            assertEquals("first\n", entries.get(1).at("/response/content/text").asText());
        }
    }

    /** nginx serving {@code www} on {@code port}, over TLS with {@code cert.pem} or plain. */
    private String server(int port, boolean tls) {
        String ssl = !tls ? "" : """
                  ssl_certificate %1$s/cert.pem;
                  ssl_certificate_key %1$s/key.pem;
                """.formatted(dir);
        return """
                types { text/plain a; }
                default_type text/plain;
                server {
                  listen 127.0.0.1:%d%s;
                %s  root %s/www;
                }
                """.formatted(port, tls ? " ssl" : "", ssl, dir);
    }

    /**
     * Runs a headless Wirelens recording to {@code capture} with {@code options}, and {@code client} (given
     * the port of its listener of kind {@code kind}) through it, which must print "first"; returns the port.
     */
    private String runWirelens(Path capture, String kind, List<String> options,
            java.util.function.Function<String, List<String>> client) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--headless", "--quiet", "--capture", capture.toString()));
        args.addAll(options);
        List<String> command = new java.util.ArrayList<>(ChildJvm.command(List.of("-Dwirelens.warmupMillis=0"),
                Main.class.getName()));
        command.addAll(args);
        Process wirelens = new ProcessBuilder(command).redirectError(dir.resolve("wirelens.err").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(wirelens.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            Matcher m = Pattern.compile("listening " + kind + " 127\\.0\\.0\\.1:(\\d+).*").matcher(String.valueOf(line));
            assertTrue(m.matches(), line + "\n" + Files.readString(dir.resolve("wirelens.err")));
            Commands.Result curl = Commands.run(dir, client.apply(m.group(1)));
            assertEquals(0, curl.exit(), curl.err());
            assertEquals("first\n", curl.text());
            return m.group(1);
        } finally {
            wirelens.destroy(); // SIGTERM: Wirelens closes the capture file and exits
            assertTrue(wirelens.waitFor(30, TimeUnit.SECONDS), "wirelens did not stop");
        }
    }

    private JsonNode exportHar(Path capture) throws Exception {
        Path har = dir.resolve(capture.getFileName() + ".har");
        StringWriter err = new StringWriter();
        assertEquals(0, Main.run(new String[] {"--read", capture.toString(), "--export-har", har.toString()},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)), err.toString());
        HarValidator.validate(har);
        return new ObjectMapper().readTree(har.toFile()).at("/log/entries");
    }
}
