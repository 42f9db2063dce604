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
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.MessageHook;
import wirelens.engine.Side;
import wirelens.engine.TlsOptions;
import wirelens.proto.http.Header;
import wirelens.proto.http.HttpMessages;
import wirelens.testkit.Commands;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Latin1;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.testkit.Nginx;
import wirelens.testkit.Openssl;
import wirelens.testkit.TlsSockets;
import wirelens.testkit.Wait;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.TlsEngines;
import wirelens.tls.UpstreamTrust;

/**
 * Breakpoints and Edit and resend on decrypted HTTPS, on real sockets: curl trusting only Wirelens' CA
 * through the engine's HTTP proxy (CONNECT, TLS intercepted) to nginx over TLS, whose access log shows what
 * it received; and a TLS tunnel that carries no HTTP, which must pass byte for byte.
 */
class HttpsBreakpointRealPeersTest {

    @TempDir
    static Path dir;
    private static CertificateAuthority ca;
    private static Path caPem;
    private static Openssl.Certificate serverCertificate;
    private static Nginx nginx;
    private static String origin;
    private static EngineRig rig;
    private static BreakpointQueue breakpoints;
    private static String proxy;

    @BeforeAll
    static void start() throws Exception {
        Nginx.assumeInstalled();
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
        caPem = ca.certificateFile();
        serverCertificate = Openssl.selfSigned(Files.createDirectories(dir.resolve("server")));
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("a.txt"), "A\n");
        Files.writeString(www.resolve("b.txt"), "B\n");
        int port = Loopback.freePort();
        nginx = Nginx.start(dir, """
                types { text/plain txt; }
                log_format edited '$connection $connection_requests "$request" $status "$http_x_edited"';
                server {
                  listen 127.0.0.1:%d ssl;
                  ssl_certificate %s;
                  ssl_certificate_key %s;
                  access_log %s edited;
                  root %s;
                }
                """.formatted(port, serverCertificate.cert(), serverCertificate.key(), dir.resolve("access.log"), www),
                port);
        origin = "https://localhost:" + port;
        rig = new EngineRig();
        rig.engine.setTls(TlsOptions.of(new TlsEngines(ca, UpstreamTrust.withCaFiles(List.of(serverCertificate.cert()), false))));
        breakpoints = rig.breakpoints();
        proxy = "http://127.0.0.1:" + rig.httpProxy();
    }

    @AfterAll
    static void stop() throws Exception {
        if (rig != null) {
            rig.close();
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
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "--http1.1",
                "--cacert", caPem.toString(), "-x", proxy));
        command.addAll(List.of(args));
        return Commands.start(dir, command);
    }

    private static MessageHook.HeldMessage awaitHeld() throws Exception {
        Wait.until("a held message", () -> breakpoints.size() == 1);
        return breakpoints.held().get(0);
    }

    private static List<String> accessLog(String path) throws Exception {
        return nginx.accessLog().stream().filter(line -> line.contains(" " + path + " ")).toList();
    }

    @Test
    void aRequestHeldInsideTheTunnelReachesTheOriginWithAnEditedHeaderAndCannotBeSentElsewhere() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "host:localhost path:/a.txt"));
        CompletableFuture<Commands.Result> run = curl("-H", "X-Edited: no", origin + "/a.txt?held");
        MessageHook.HeldMessage held = awaitHeld();
        assertEquals(origin + "/a.txt?held", held.context().url());
        assertEquals(List.of(), accessLog("/a.txt?held"), "held: not at the origin yet");

        List<Header> headers = new ArrayList<>(held.head().headers());
        headers.replaceAll(h -> h.is("X-Edited") ? new Header("X-Edited", "yes") : h);
        byte[] elsewhere = HttpMessages.valid("GET https://elsewhere.test/a.txt?held HTTP/1.1", headers, new byte[0], false);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> breakpoints.resume(held, new MessageHook.Verdict.Continue(elsewhere)));
        assertTrue(refused.getMessage().contains("inside the TLS tunnel to localhost:"), refused.getMessage());
        assertTrue(breakpoints.isHeld(held), "a refused edit leaves the message held");

        byte[] edited = HttpMessages.valid("GET " + origin + "/a.txt?held HTTP/1.1", headers, new byte[0], false);
        assertTrue(breakpoints.resume(held, new MessageHook.Verdict.Continue(edited)));
        Commands.Result result = run.get(60, TimeUnit.SECONDS);
        assertEquals(0, result.exit(), result.err());
        assertEquals("A\n", result.text());
        List<String> logged = accessLog("/a.txt?held");
        assertEquals(1, logged.size(), nginx.accessLog().toString());
        assertTrue(logged.get(0).endsWith("\"GET /a.txt?held HTTP/1.1\" 200 \"yes\""), logged.get(0));
        EngineEvent.Chunk recorded = rig.await(EngineEvent.Chunk.class,
                c -> c.connectionId() == held.connectionId() && c.edited() && c.originalLength() > 0);
        assertTrue(Latin1.text(recorded.original()).contains("\r\nX-Edited: no\r\n"), "the capture keeps what curl sent");
        assertEquals(Latin1.text(edited), Latin1.text(recorded.forwarded()), "and records what went on");
    }

    @Test
    void aResponseStatusChangedTo503ReachesCurl() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(false, true, "path:/b.txt status:200"));
        CompletableFuture<Commands.Result> run = curl("-o", "/dev/null", "-w", "%{http_code}", origin + "/b.txt");
        MessageHook.HeldMessage held = awaitHeld();
        assertEquals(origin + "/b.txt", held.context().url());
        byte[] edited = HttpMessages.valid("HTTP/1.1 503 Service Unavailable", held.head().headers(), held.body(), false);
        breakpoints.resume(held, new MessageHook.Verdict.Continue(edited));
        assertEquals("503", run.get(60, TimeUnit.SECONDS).text());
        EngineEvent.Chunk recorded = rig.await(EngineEvent.Chunk.class,
                c -> c.connectionId() == held.connectionId() && c.edited() && c.originalLength() > 0);
        assertEquals(Direction.SERVER_TO_CLIENT, recorded.direction());
        assertTrue(Latin1.text(recorded.original()).startsWith("HTTP/1.1 200 OK\r\n"));
        assertTrue(Latin1.text(recorded.forwarded()).startsWith("HTTP/1.1 503 Service Unavailable\r\n"));
    }

    @Test
    void answerSendsTheTypedResponseAndTheOriginNeverSeesTheRequest() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "path:/mock"));
        CompletableFuture<Commands.Result> run = curl("-i", origin + "/mock");
        MessageHook.HeldMessage held = awaitHeld();
        byte[] typed = HttpMessages.valid("HTTP/1.1 418 I'm a teapot", List.of(new Header("Content-Type", "text/plain")),
                "typed in place\n".getBytes(StandardCharsets.UTF_8), false);
        breakpoints.resume(held, new MessageHook.Verdict.Answer(typed));
        Commands.Result result = run.get(60, TimeUnit.SECONDS);
        assertTrue(result.text().startsWith("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 418 I'm a teapot\r\n"),
                result.text());
        assertTrue(result.text().endsWith("\r\n\r\ntyped in place\n"), result.text());
        assertEquals(List.of(), accessLog("/mock"), "the origin got no request");
    }

    @Test
    void requestsOnOneKeptAliveTunnelAllReachTheOriginOnItsOneConnection() throws Exception {
        Commands.Result result = curl(origin + "/a.txt?one", origin + "/b.txt?two").get(60, TimeUnit.SECONDS);
        assertEquals(0, result.exit(), result.err());
        assertEquals("A\nB\n", result.text());
        String first = accessLog("/a.txt?one").get(0);
        String second = accessLog("/b.txt?two").get(0);
        assertEquals(first.split(" ")[0], second.split(" ")[0], "the same connection at the origin");
        assertEquals("2", second.split(" ")[1], "the second request on it");
    }

    @Test
    void aTlsTunnelThatCarriesNoHttpIsRelayedByteForByte() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, true, ""));
        javax.net.ssl.SSLContext serverContext = TlsSockets.serverContext(serverCertificate);
        try (LoopbackServer echo = new LoopbackServer(s -> {
            SSLSocket tls = TlsSockets.startServer(serverContext, s, new byte[0]);
            tls.getInputStream().transferTo(tls.getOutputStream());
            tls.close();
        })) {
            byte[] sent = new byte[100_000];
            new Random(18).nextBytes(sent);
            byte[] received;
            try (Socket plain = Loopback.connect(Integer.parseInt(proxy.substring(proxy.lastIndexOf(':') + 1)))) {
                Loopback.send(plain, Latin1.bytes("CONNECT localhost:" + echo.port() + " HTTP/1.1\r\n\r\n"));
                assertEquals("HTTP/1.1 200 Connection established", Loopback.readLine(plain.getInputStream()));
                assertEquals("", Loopback.readLine(plain.getInputStream()));
                SSLSocket tls = TlsSockets.startClient(TlsSockets.trusting(caPem), plain, "localhost");
                OutputStream out = tls.getOutputStream();
                CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                    try {
                        out.write(sent);
                        out.flush();
                        tls.shutdownOutput();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                InputStream in = tls.getInputStream();
                received = in.readAllBytes();
                writing.get(60, TimeUnit.SECONDS);
            }
            assertArrayEquals(sent, received);
            assertEquals(0, breakpoints.size(), "nothing in it is an HTTP message");
            EngineEvent.Tls decrypted = rig.await(EngineEvent.Tls.class, t -> t.side() == Side.CLIENT
                    && t.kind() == EngineEvent.Tls.Kind.HANDSHAKE_DONE);
            assertTrue(decrypted.facts() != null, "the tunnel's TLS was intercepted, not passed through");
            assertEquals(List.of(), echo.failures);
        }
    }

    @Test
    void editAndResendOfAnHttpsRequestReachesTheOriginThroughTheTunnel() throws Exception {
        Resender resender = new Resender(rig.engine, ca::certificate);
        Resender.Request request = new Resender.Request("GET", origin + "/b.txt?resent",
                List.of(new Header("X-Edited", "resent")), new byte[0]);
        Resender.Sent sent = resender.send(request);
        assertEquals(200, sent.head().status());
        assertEquals("B\n", Latin1.text(sent.body()));
        Resender.Sent again = resender.send(request);
        assertEquals("B\n", Latin1.text(again.body()));
        List<String> logged = accessLog("/b.txt?resent");
        assertEquals(2, logged.size(), "Send again sends it again");
        assertTrue(logged.get(0).endsWith("\"GET /b.txt?resent HTTP/1.1\" 200 \"resent\""), logged.get(0));
    }
}
