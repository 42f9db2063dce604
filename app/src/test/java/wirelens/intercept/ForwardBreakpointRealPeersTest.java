package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.ListenerConfig;
import wirelens.engine.MessageHook;
import wirelens.engine.TlsOptions;
import wirelens.proto.http.Header;
import wirelens.proto.http.HttpMessages;
import wirelens.testkit.Commands;
import wirelens.testkit.EngineRig;
import wirelens.testkit.HttpEchoServer;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.testkit.Nginx;
import wirelens.testkit.Openssl;
import wirelens.testkit.Wait;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.TlsEngines;
import wirelens.tls.UpstreamTrust;

/**
 * Breakpoints on forward and SOCKS5 listeners, on real sockets: curl through a forward listener (a reverse
 * proxy, as {@code --forward 8080:app:80}) to an echo origin, through a SOCKS5 listener with
 * {@code --socks5-hostname}, and with HTTPS on a forward listener whose TLS Wirelens intercepts, to nginx;
 * and a binary protocol on a forward listener, which must pass byte for byte while breakpoints are on.
 */
class ForwardBreakpointRealPeersTest {

    @TempDir
    static Path dir;
    private static Path caPem;
    private static HttpEchoServer echo;
    private static Nginx nginx;
    private static int nginxPort;
    private static EngineRig rig;
    private static BreakpointQueue breakpoints;

    @BeforeAll
    static void start() throws Exception {
        Nginx.assumeInstalled();
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
        caPem = ca.certificateFile();
        Openssl.Certificate serverCertificate = Openssl.selfSigned(Files.createDirectories(dir.resolve("server")));
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("a.txt"), "A\n");
        nginxPort = Loopback.freePort();
        nginx = Nginx.serveTls(dir, serverCertificate, www, nginxPort);
        echo = new HttpEchoServer();
        rig = new EngineRig();
        rig.engine.setTls(TlsOptions.of(new TlsEngines(ca, UpstreamTrust.withCaFiles(List.of(serverCertificate.cert()), false))));
        breakpoints = rig.breakpoints();
    }

    @AfterAll
    static void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
        if (echo != null) {
            echo.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    @AfterEach
    void letGo() {
        breakpoints.setRule(BreakpointQueue.Rule.of(false, false, ""));
        breakpoints.continueAll();
    }

    private static CompletableFuture<Commands.Result> curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "--http1.1"));
        command.addAll(List.of(args));
        return Commands.start(dir, command);
    }

    private static MessageHook.HeldMessage awaitHeld() throws Exception {
        Wait.until("a held message", () -> breakpoints.size() == 1);
        return breakpoints.held().get(0);
    }

    @Test
    void aRequestHeldOnAForwardListenerReachesTheOriginWithAnEditedHeaderAndItsHostUntouched() throws Exception {
        int port = rig.forward(echo.port());
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "path:/api"));
        CompletableFuture<Commands.Result> run = curl("-H", "X-Edited: no", "http://127.0.0.1:" + port + "/api?held");
        MessageHook.HeldMessage held = awaitHeld();
        assertEquals("http://127.0.0.1:" + echo.port() + "/api?held", held.context().url(), "the forward target's URL");
        assertTrue(echo.requests.stream().noneMatch(r -> r.contains("/api?held")), "held: not at the origin yet");

        List<Header> headers = new ArrayList<>(held.head().headers());
        headers.replaceAll(h -> h.is("X-Edited") ? new Header("X-Edited", "yes") : h);
        byte[] elsewhere = HttpMessages.valid("GET http://elsewhere.test/api HTTP/1.1", headers, new byte[0], false);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> breakpoints.resume(held, new MessageHook.Verdict.Continue(elsewhere)));
        assertTrue(refused.getMessage().contains("can only go to http://127.0.0.1:" + echo.port()), refused.getMessage());
        assertTrue(breakpoints.isHeld(held), "a refused edit leaves the message held");

        byte[] edited = HttpMessages.valid("GET /api?held HTTP/1.1", headers, new byte[0], false);
        assertTrue(breakpoints.resume(held, new MessageHook.Verdict.Continue(edited)));
        Commands.Result result = run.get(60, TimeUnit.SECONDS);
        assertEquals(0, result.exit(), result.err());
        String received = echo.requests.stream().filter(r -> r.contains("/api?held")).findFirst().orElseThrow();
        assertTrue(received.startsWith("GET /api?held HTTP/1.1\r\n"), received);
        assertTrue(received.contains("\r\nX-Edited: yes\r\n"), received);
        assertTrue(received.contains("\r\nHost: 127.0.0.1:" + port + "\r\n"), "the Host curl sent, as it came: " + received);
        assertEquals(received, result.text(), "curl got the echo of what the origin read");
    }

    @Test
    void aResponseStatusChangedTo503ThroughASocks5ListenerReachesCurl() throws Exception {
        int socks = rig.listen(ListenerConfig.socks("127.0.0.1", 0, null));
        breakpoints.setRule(BreakpointQueue.Rule.of(false, true, "path:/socks status:200"));
        CompletableFuture<Commands.Result> run = curl("--socks5-hostname", "127.0.0.1:" + socks,
                "-o", "/dev/null", "-w", "%{http_code}", "http://localhost:" + echo.port() + "/socks");
        MessageHook.HeldMessage held = awaitHeld();
        assertEquals("http://localhost:" + echo.port() + "/socks", held.context().url(), "the SOCKS5 target's URL");
        byte[] edited = HttpMessages.valid("HTTP/1.1 503 Service Unavailable", held.head().headers(), held.body(), false);
        breakpoints.resume(held, new MessageHook.Verdict.Continue(edited));
        Commands.Result result = run.get(60, TimeUnit.SECONDS);
        assertEquals("503", result.text(), result.err());
    }

    @Test
    void anHttpsRequestAnsweredOnAnInterceptingForwardListenerNeverReachesTheOrigin() throws Exception {
        int port = rig.forward(nginxPort);
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "path:/mock"));
        CompletableFuture<Commands.Result> run = curl("--cacert", caPem.toString(),
                "--resolve", "localhost:" + port + ":127.0.0.1", "-i", "https://localhost:" + port + "/mock");
        MessageHook.HeldMessage held = awaitHeld();
        assertEquals("https://127.0.0.1:" + nginxPort + "/mock", held.context().url(), "decrypted: an https:// origin");
        byte[] typed = HttpMessages.valid("HTTP/1.1 418 I'm a teapot", List.of(new Header("Content-Type", "text/plain")),
                "typed in place\n".getBytes(StandardCharsets.UTF_8), false);
        breakpoints.resume(held, new MessageHook.Verdict.Answer(typed));
        Commands.Result result = run.get(60, TimeUnit.SECONDS);
        assertEquals(0, result.exit(), result.err());
        assertTrue(result.text().startsWith("HTTP/1.1 418 I'm a teapot\r\n"), result.text());
        assertTrue(result.text().endsWith("\r\n\r\ntyped in place\n"), result.text());
        assertTrue(nginx.accessLog().stream().noneMatch(line -> line.contains("/mock")), "the origin got no request");

        Commands.Result plain = curl("--cacert", caPem.toString(), "--resolve", "localhost:" + port + ":127.0.0.1",
                "https://localhost:" + port + "/a.txt").get(60, TimeUnit.SECONDS);
        assertEquals("A\n", plain.text(), "a request no breakpoint wants reaches nginx: " + plain.err());
    }

    @Test
    void aBinaryProtocolOnAForwardListenerPassesByteForByteWhileBreakpointsAreOn() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, true, "path:/nothing-matches"));
        try (LoopbackServer binary = LoopbackServer.echo()) {
            int port = rig.forward(binary.port());
            byte[] sent = new byte[300_000];
            new Random(18).nextBytes(sent);
            sent[0] = 0; // not a request line, whatever the seed
            byte[] received;
            try (Socket s = Loopback.connect(port)) {
                OutputStream out = s.getOutputStream();
                CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                    try {
                        out.write(sent);
                        out.flush();
                        s.shutdownOutput();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                InputStream in = s.getInputStream();
                received = in.readAllBytes();
                writing.get(60, TimeUnit.SECONDS);
            }
            assertArrayEquals(sent, received);
            assertEquals(0, breakpoints.size());
            assertEquals(List.of(), binary.failures);
        }
    }
}
