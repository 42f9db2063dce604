package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.MessageHook;
import wirelens.proto.http.Bodies;
import wirelens.proto.http.HttpMessages;
import wirelens.testkit.Commands;
import wirelens.testkit.EngineRig;
import wirelens.testkit.HttpEchoServer;
import wirelens.testkit.Loopback;
import wirelens.testkit.Nginx;
import wirelens.testkit.Wait;

/**
 * Breakpoints on real sockets: curl through the engine's HTTP proxy to nginx and to an echo origin, with
 * messages held by a {@link BreakpointQueue} and edited, dropped or answered as a user would.
 */
class BreakpointRealPeersTest {
    private static final String TEXT = "line of compressible text\n".repeat(200);

    @TempDir
    static Path dir;
    private static Nginx nginx;
    private static int nginxPort;
    private static HttpEchoServer echo;
    private static EngineRig rig;
    private static BreakpointQueue breakpoints;
    private static String proxy;

    @BeforeAll
    static void start() throws Exception {
        Nginx.assumeInstalled();
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(www.resolve("gz"));
        Files.writeString(www.resolve("gz/text.txt"), TEXT);
        Files.writeString(www.resolve("a.txt"), "A\n");
        nginxPort = Loopback.freePort();
        nginx = Nginx.start(dir, """
                types { text/plain txt; }
                access_log off;
                server {
                  listen 127.0.0.1:%2$d;
                  root %1$s/www;
                  location /gz/ { gzip on; gzip_min_length 1; gzip_types text/plain; }
                }
                """.formatted(dir, nginxPort), nginxPort);
        echo = new HttpEchoServer();
        rig = new EngineRig();
        breakpoints = rig.breakpoints();
        proxy = "http://127.0.0.1:" + rig.httpProxy();
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
        breakpoints.continueAll();
    }

    private static CompletableFuture<Commands.Result> curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-x", proxy));
        command.addAll(List.of(args));
        return Commands.start(dir, command);
    }

    private static MessageHook.HeldMessage awaitHeld() throws Exception {
        Wait.until("a held message", () -> breakpoints.size() == 1);
        return breakpoints.held().get(0);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aJsonRequestBodyEditedLargerReachesTheServerWithItsContentLength() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "method:POST path:/api type:json"));
        CompletableFuture<Commands.Result> run = curl("-H", "Content-Type: application/json", "--data", "{\"a\":1}",
                "http://127.0.0.1:" + echo.port() + "/api");
        MessageHook.HeldMessage held = awaitHeld();
        assertEquals("{\"a\":1}", text(held.body()));
        assertEquals(0, echo.requests.stream().filter(r -> r.contains("/api")).count(), "held: not at the server yet");
        String larger = "{\"a\":1,\"added\":\"a good deal longer than before\"}";
        byte[] edited = HttpMessages.valid(held.head(), larger.getBytes(StandardCharsets.UTF_8), true);
        assertTrue(breakpoints.resume(held, new MessageHook.Verdict.Continue(edited)));
        Commands.Result result = run.get(60, TimeUnit.SECONDS);
        assertEquals(0, result.exit(), result.err());
        String received = echo.requests.get(echo.requests.size() - 1);
        assertTrue(received.contains("\r\nContent-Length: " + larger.length() + "\r\n"), received);
        assertTrue(received.endsWith("\r\n\r\n" + larger), received);
        assertTrue(result.text().endsWith(larger), "curl got the echo of what the server read");
    }

    @Test
    void aGzipResponseEditedIsDecodedByTheClientAsTheEditedText() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(false, true, "path:/gz/ status:2xx"));
        CompletableFuture<Commands.Result> run = curl("--compressed", "http://127.0.0.1:" + nginxPort + "/gz/text.txt");
        MessageHook.HeldMessage held = awaitHeld();
        assertEquals("gzip", held.head().header("Content-Encoding"));
        assertEquals(TEXT, text(Bodies.decode("gzip", held.body())), "the held body decodes to the file");
        byte[] edited = HttpMessages.valid(held.head(), "edited at a breakpoint\n".getBytes(StandardCharsets.UTF_8), true);
        breakpoints.resume(held, new MessageHook.Verdict.Continue(edited));
        Commands.Result result = run.get(60, TimeUnit.SECONDS);
        assertEquals(0, result.exit(), result.err());
        assertEquals("edited at a breakpoint\n", result.text());
    }

    @Test
    void aResponseStatusChangedTo503ReachesTheClient() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(false, true, "host:127.0.0.1 \"/a.txt\" !status:4xx"));
        CompletableFuture<Commands.Result> run = curl("-o", "/dev/null", "-w", "%{http_code}",
                "http://127.0.0.1:" + nginxPort + "/a.txt");
        MessageHook.HeldMessage held = awaitHeld();
        assertEquals(200, held.head().status());
        byte[] edited = HttpMessages.valid("HTTP/1.1 503 Service Unavailable", held.head().headers(), held.body(), false);
        breakpoints.resume(held, new MessageHook.Verdict.Continue(edited));
        Commands.Result result = run.get(60, TimeUnit.SECONDS);
        assertEquals("503", result.text());
    }

    @Test
    void answerReturnsTheTypedResponseAndTheServerNeverSeesTheRequest() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "/mock"));
        int before = echo.requests.size();
        CompletableFuture<Commands.Result> run = curl("-i", "http://127.0.0.1:" + echo.port() + "/mock");
        MessageHook.HeldMessage held = awaitHeld();
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> breakpoints.resume(held,
                new MessageHook.Verdict.Answer("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nshort".getBytes(StandardCharsets.UTF_8))));
        assertTrue(bad.getMessage().contains("closed inside a message body"), bad.getMessage());
        assertTrue(breakpoints.isHeld(held), "a bad answer leaves the message held");
        byte[] typed = HttpMessages.valid("HTTP/1.1 418 I'm a teapot", List.of(new wirelens.proto.http.Header(
                "Content-Type", "text/plain")), "typed in place\n".getBytes(StandardCharsets.UTF_8), false);
        breakpoints.resume(held, new MessageHook.Verdict.Answer(typed));
        Commands.Result result = run.get(60, TimeUnit.SECONDS);
        assertTrue(result.text().startsWith("HTTP/1.1 418 I'm a teapot\r\n"), result.text());
        assertTrue(result.text().endsWith("\r\n\r\ntyped in place\n"), result.text());
        assertEquals(before, echo.requests.size(), "the origin got no request");
    }

    @Test
    void aDroppedRequestIsAnswered502() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "/dropme"));
        CompletableFuture<Commands.Result> run = curl("-w", "%{http_code}", "http://127.0.0.1:" + echo.port() + "/dropme");
        breakpoints.resume(awaitHeld(), new MessageHook.Verdict.Drop(true));
        Commands.Result result = run.get(60, TimeUnit.SECONDS);
        assertTrue(result.text().endsWith("was dropped at a breakpoint\n502"), result.text());
    }
}
