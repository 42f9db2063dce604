package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.CaptureFile;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.capture.Recorder;
import wirelens.cli.Main;
import wirelens.engine.Direction;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.engine.MessageHook;
import wirelens.proto.http.Header;
import wirelens.proto.http.HttpMessages;
import wirelens.testkit.Commands;
import wirelens.testkit.HttpEchoServer;
import wirelens.testkit.Latin1;
import wirelens.testkit.Tshark;
import wirelens.testkit.Wait;

/**
 * A message held at a breakpoint is in the capture as it went on: curl (or a raw client) through the engine's
 * HTTP proxy to an echo origin, a {@link BreakpointQueue} deciding as a user would, a {@link Recorder}
 * writing the file, then the file read back as a user reads it: its chunks, {@code --read CAPTURE --flows},
 * and tshark following the TCP stream.
 */
class BreakpointCaptureTest {
    @TempDir
    Path dir;
    private static HttpEchoServer echo;
    private final EventQueue queue = new EventQueue(16L << 20);
    private Engine engine;
    private Recorder recorder;
    private BreakpointQueue breakpoints;
    private Path capture;
    private String proxy;

    @BeforeAll
    static void startOrigin() throws Exception {
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        echo = new HttpEchoServer();
    }

    @AfterAll
    static void stopOrigin() throws Exception {
        if (echo != null) {
            echo.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        engine = new Engine(queue, EngineOptions.defaults());
        engine.start();
        capture = dir.resolve("held.pcapng");
        recorder = Recorder.toFile(queue, capture);
        recorder.start();
        breakpoints = new BreakpointQueue(engine::resumeMessage);
        engine.setMessageHook(breakpoints);
        breakpoints.setEnabled(true);
        int port = engine.addListener(ListenerConfig.http("127.0.0.1", 0)).get(Wait.SECONDS, TimeUnit.SECONDS)
                .address().getPort();
        proxy = "http://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() throws Exception {
        breakpoints.continueAll();
        engine.close();
        recorder.close();
    }

    private String origin() {
        return "http://127.0.0.1:" + echo.port();
    }

    private CompletableFuture<Commands.Result> curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-x", proxy));
        command.addAll(List.of(args));
        return Commands.start(dir, command);
    }

    private MessageHook.HeldMessage awaitHeld() throws Exception {
        Wait.until("a held message", () -> breakpoints.size() == 1);
        return breakpoints.held().get(0);
    }

    /** Waits (bounded) for every connection to end, then closes the engine and the file. */
    private void closeCapture() throws Exception {
        Wait.until("the connections to end", () -> !recorder.index().connections().isEmpty()
                && recorder.index().connections().stream().noneMatch(ConnectionInfo::isOpen));
        engine.close();
        recorder.close();
    }

    private static List<ChunkInfo> chunks(CaptureFile file, Direction direction) {
        ConnectionInfo c = file.index().connections().get(0);
        return file.index().chunks(c.id()).stream().filter(ch -> ch.direction() == direction).toList();
    }

    private String flows() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--read", capture.toString(), "--flows"}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        return out.toString();
    }

    @Test
    void aRequestEditedAtABreakpointIsRecordedAsItWentOnWithTheOriginalKept() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "method:POST path:/api"));
        CompletableFuture<Commands.Result> run = curl("-H", "Content-Type: application/json", "--data", "{\"a\":1}",
                origin() + "/api");
        MessageHook.HeldMessage held = awaitHeld();
        List<Header> headers = new ArrayList<>(held.head().headers());
        headers.add(new Header("X-Edited", "at a breakpoint"));
        String larger = "{\"a\":1,\"added\":\"a good deal longer than before\"}";
        byte[] edited = HttpMessages.valid("PUT " + origin() + "/api/edited HTTP/1.1", headers,
                larger.getBytes(StandardCharsets.UTF_8), true);
        breakpoints.resume(held, new MessageHook.Verdict.Continue(edited));
        assertEquals(0, run.get(60, TimeUnit.SECONDS).exit());
        closeCapture();

        try (CaptureFile file = CaptureFile.open(capture)) {
            List<ChunkInfo> requests = chunks(file, Direction.CLIENT_TO_SERVER);
            assertEquals(1, requests.size(), "the request is one chunk: " + requests);
            ChunkInfo request = requests.get(0);
            assertTrue(request.edited() && !request.dropped(), request.toString());
            String original = Latin1.text(file.original(request));
            assertTrue(original.startsWith("POST " + origin() + "/api HTTP/1.1\r\n"), original);
            assertTrue(original.endsWith("\r\n\r\n{\"a\":1}"), original);
            assertEquals(Latin1.text(edited), Latin1.text(file.forwarded(request)));
        }
        assertTrue(flows().startsWith("#1 PUT " + origin() + "/api/edited 200 "), flows());
        Tshark.assumeInstalled();
        String stream = Tshark.run("-r", capture.toString(), "-q", "-z", "follow,tcp,ascii,0").text();
        assertTrue(stream.contains("X-Edited: at a breakpoint"), stream);
        assertTrue(stream.contains(larger), stream);
        assertFalse(stream.contains("{\"a\":1}\n"), "the stream carries what went on, not the original");
    }

    @Test
    void aResponseEditedTo503IsA503InTheCapture() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(false, true, "path:/status"));
        answered503(curl("-o", "/dev/null", "-w", "%{http_code}", origin() + "/status"));
        assertTrue(flows().startsWith("#1 GET " + origin() + "/status 503 5 "), flows());
    }

    /** A forward listener (a reverse proxy in front of the origin) records an edited response the same way. */
    @Test
    void aResponseEditedOnAForwardListenerIsEditedInTheCapture() throws Exception {
        int port = engine.addListener(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", echo.port()))
                .get(Wait.SECONDS, TimeUnit.SECONDS).address().getPort();
        breakpoints.setRule(BreakpointQueue.Rule.of(false, true, "path:/status"));
        answered503(Commands.start(dir, List.of("curl", "-sS", "--max-time", "60", "-o", "/dev/null", "-w",
                "%{http_code}", "http://127.0.0.1:" + port + "/status")));
        assertTrue(flows().matches("(?s)#1 GET http://127\\.0\\.0\\.1:\\d+/status 503 5 .*"), flows());
    }

    /**
     * Edits the held response of {@code run} (a curl printing its status) to a 503, checks that curl got it,
     * and that the capture has the 503 as forwarded with the server's 200 kept as the original.
     */
    private void answered503(CompletableFuture<Commands.Result> run) throws Exception {
        MessageHook.HeldMessage held = awaitHeld();
        byte[] edited = HttpMessages.valid("HTTP/1.1 503 Service Unavailable", held.head().headers(),
                "busy\n".getBytes(StandardCharsets.UTF_8), false);
        breakpoints.resume(held, new MessageHook.Verdict.Continue(edited));
        assertEquals("503", run.get(60, TimeUnit.SECONDS).text());
        closeCapture();

        try (CaptureFile file = CaptureFile.open(capture)) {
            List<ChunkInfo> responses = chunks(file, Direction.SERVER_TO_CLIENT);
            assertEquals(1, responses.size(), responses.toString());
            assertTrue(responses.get(0).edited());
            assertTrue(Latin1.text(file.original(responses.get(0))).startsWith("HTTP/1.1 200 OK\r\n"));
            assertEquals(Latin1.text(edited), Latin1.text(file.forwarded(responses.get(0))));
        }
    }

    @Test
    void aDroppedRequestIsRecordedAsDroppedAndThe502AsInjected() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "/dropme"));
        int before = echo.requests.size();
        CompletableFuture<Commands.Result> run = curl("-w", "%{http_code}", origin() + "/dropme");
        breakpoints.resume(awaitHeld(), new MessageHook.Verdict.Drop(true));
        assertTrue(run.get(60, TimeUnit.SECONDS).text().endsWith("502"));
        closeCapture();

        try (CaptureFile file = CaptureFile.open(capture)) {
            List<ChunkInfo> requests = chunks(file, Direction.CLIENT_TO_SERVER);
            assertEquals(1, requests.size(), requests.toString());
            assertTrue(requests.get(0).dropped());
            assertTrue(Latin1.text(file.original(requests.get(0))).startsWith("GET " + origin() + "/dropme HTTP/1.1"));
            List<ChunkInfo> responses = chunks(file, Direction.SERVER_TO_CLIENT);
            assertEquals(1, responses.size(), responses.toString());
            assertTrue(responses.get(0).injected());
            assertTrue(responses.get(0).timeNanos() >= requests.get(0).timeNanos(), "the drop comes first");
        }
        assertEquals(before, echo.requests.size(), "the origin got no request");
    }

    @Test
    void anAnsweredRequestIsRecordedAsDroppedAndTheTypedResponseAsInjected() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "/mock"));
        CompletableFuture<Commands.Result> run = curl(origin() + "/mock");
        byte[] typed = HttpMessages.valid("HTTP/1.1 418 I'm a teapot", List.of(new Header("Content-Type", "text/plain")),
                "typed in place\n".getBytes(StandardCharsets.UTF_8), false);
        breakpoints.resume(awaitHeld(), new MessageHook.Verdict.Answer(typed));
        assertEquals("typed in place\n", run.get(60, TimeUnit.SECONDS).text());
        closeCapture();

        try (CaptureFile file = CaptureFile.open(capture)) {
            assertTrue(chunks(file, Direction.CLIENT_TO_SERVER).get(0).dropped());
            List<ChunkInfo> responses = chunks(file, Direction.SERVER_TO_CLIENT);
            assertEquals(1, responses.size(), responses.toString());
            assertTrue(responses.get(0).injected());
            assertEquals(Latin1.text(typed), Latin1.text(file.forwarded(responses.get(0))));
        }
    }

    @Test
    void aRequestPipelinedBehindAHeldOneIsRecordedInOrderAfterIt() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "path:/first"));
        String host = "127.0.0.1:" + echo.port();
        String first = "GET http://" + host + "/first HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
        String second = "GET http://" + host + "/second HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
        String echoed;
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(proxy.substring(proxy.lastIndexOf(':') + 1)))) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write((first + second).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            MessageHook.HeldMessage held = awaitHeld();
            byte[] edited = ("GET http://" + host + "/first-edited HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            breakpoints.resume(held, new MessageHook.Verdict.Continue(edited));
            InputStream in = s.getInputStream();
            echoed = Latin1.text(in.readAllBytes());
        }
        assertTrue(echoed.contains("GET /first-edited HTTP/1.1") && echoed.contains("GET /second HTTP/1.1"), echoed);
        closeCapture();

        try (CaptureFile file = CaptureFile.open(capture)) {
            List<ChunkInfo> requests = chunks(file, Direction.CLIENT_TO_SERVER);
            assertEquals(2, requests.size(), requests.toString());
            assertTrue(requests.get(0).edited());
            assertEquals(first, Latin1.text(file.original(requests.get(0))));
            assertFalse(requests.get(1).edited());
            assertEquals(second, Latin1.text(file.forwarded(requests.get(1))));
        }
        String[] lines = flows().split("\n");
        assertEquals(2, lines.length, String.join("\n", lines));
        assertTrue(lines[0].startsWith("#1 GET http://" + host + "/first-edited 200 "), lines[0]);
        assertTrue(lines[1].startsWith("#2 GET http://" + host + "/second 200 "), lines[1]);
    }

    @Test
    void aConnectionClosedWhileItsRequestIsHeldHasTheRequestRecordedAsRead() throws Exception {
        breakpoints.setRule(BreakpointQueue.Rule.of(true, false, "/never"));
        CompletableFuture<Commands.Result> run = curl(origin() + "/never");
        MessageHook.HeldMessage held = awaitHeld();
        engine.closeConnection(held.connectionId());
        run.get(60, TimeUnit.SECONDS);
        closeCapture();

        try (CaptureFile file = CaptureFile.open(capture)) {
            List<ChunkInfo> requests = chunks(file, Direction.CLIENT_TO_SERVER);
            assertEquals(1, requests.size(), requests.toString());
            assertFalse(requests.get(0).edited() || requests.get(0).dropped());
            assertTrue(Latin1.text(file.forwarded(requests.get(0))).startsWith("GET " + origin() + "/never HTTP/1.1"));
        }
    }
}
