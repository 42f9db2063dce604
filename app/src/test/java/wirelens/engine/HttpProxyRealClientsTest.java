package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.proto.http.Bodies;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.HttpDecoder;
import wirelens.proto.http.HttpEvent;
import wirelens.testkit.Commands;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Loopback;
import wirelens.testkit.Nginx;
import wirelens.testkit.Openssl;
import wirelens.testkit.Wait;

/**
 * Real clients (curl, raw sockets speaking HTTP/1.1 and WebSocket) through the proxy to a real nginx
 * on loopback, started from a config in a temp dir. Skipped where nginx, curl or openssl is missing.
 */
class HttpProxyRealClientsTest {
    private static final int BIG = 50 * 1024 * 1024;

    @TempDir
    static Path dir;
    private static Nginx nginx;
    private static int httpPort;
    private static int httpPort2;
    private static int httpsPort;
    private static EngineRig rig;
    private static final ProxiedExchanges exchanges = new ProxiedExchanges();
    private static int proxyPort;
    private static String proxy;
    private static byte[] bigSha;

    @BeforeAll
    static void startNginxAndProxy() throws Exception {
        Nginx.assumeInstalled();
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        Openssl.assumeInstalled();
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(www.resolve("up"));
        Files.createDirectories(www.resolve("gz"));
        Path www2 = Files.createDirectories(dir.resolve("www2"));
        Files.writeString(www.resolve("a.txt"), "A\n");
        Files.writeString(www.resolve("b.txt"), "B\n");
        Files.writeString(www.resolve("c.txt"), "C\n");
        Files.writeString(www2.resolve("other.txt"), "other origin\n");
        Files.writeString(www.resolve("gz/text.txt"), "line of compressible text\n".repeat(2000));
        byte[] big = new byte[BIG];
        new Random(50).nextBytes(big);
        Files.write(www.resolve("big.bin"), big);
        bigSha = MessageDigest.getInstance("SHA-256").digest(big);

        Openssl.selfSigned(dir);

        httpPort = Loopback.freePort();
        httpPort2 = Loopback.freePort();
        httpsPort = Loopback.freePort();
        nginx = Nginx.start(dir, """
                log_format conn '$connection $connection_requests $request_method $request_uri $status';
                access_log %1$s/access.log conn;
                types { text/plain txt; application/octet-stream bin; }
                keepalive_requests 10000;
                server {
                  listen 127.0.0.1:%2$d;
                  root %1$s/www;
                  location /gz/ { gzip on; gzip_min_length 1; gzip_types text/plain; }
                  location /up/ { dav_methods PUT; client_max_body_size 200m; }
                }
                server { listen 127.0.0.1:%3$d; root %1$s/www2; }
                server {
                  listen 127.0.0.1:%4$d ssl;
                  ssl_certificate %1$s/cert.pem;
                  ssl_certificate_key %1$s/key.pem;
                  root %1$s/www;
                }
                """.formatted(dir, httpPort, httpPort2, httpsPort), httpPort, httpPort2, httpsPort);

        // the 50 MB transfers would fill the heap if the rig kept every chunk event: the exchanges keep what they need
        rig = new EngineRig(EngineOptions.defaults().withConnectTimeoutMillis(1500).withResponseTimeoutMillis(2000))
                .keepEvents(false).onEvent(exchanges);
        proxyPort = rig.httpProxy();
        proxy = "http://127.0.0.1:" + proxyPort;
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

    private static String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    private static Commands.Result curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "120", "-x", proxy));
        command.addAll(List.of(args));
        return Commands.run(dir, command);
    }

    private static List<String> accessLogLines(String uriPart) throws IOException {
        return Files.readAllLines(dir.resolve("access.log")).stream().filter(l -> l.contains(uriPart)).toList();
    }

    @Test
    void curlWithThreeUrlsUsesOneConnectionAtTheProxyAndAtNginx() throws Exception {
        int before = exchanges.connections.size();
        Commands.Result run = curl(url("/a.txt?three"), url("/b.txt?three"), url("/c.txt?three"),
                "http://127.0.0.1:" + httpPort2 + "/other.txt");
        assertEquals(0, run.exit(), run.err());
        assertEquals("A\nB\nC\nother origin\n", run.text());
        // The rig learns of connections from the event queue, which its consumer polls: wait (bounded) for it.
        Wait.eventually(() -> exchanges.connections.size() > before);
        assertEquals(before + 1, exchanges.connections.size(), "curl kept one connection to the proxy for all URLs");

        List<String> lines = accessLogLines("?three");
        assertEquals(3, lines.size(), lines.toString());
        Set<String> nginxConnections = new HashSet<>();
        for (String line : lines) {
            nginxConnections.add(line.split(" ")[0]);
        }
        assertEquals(1, nginxConnections.size(), "nginx saw the three requests on one connection: " + lines);

        assertTrue(Wait.eventually(() -> exchanges.connections.values().stream().anyMatch(c -> c.exchanges().size() == 4
                && c.exchanges().stream().allMatch(e -> e.state() == Exchange.State.COMPLETE))));
        ProxiedExchanges.Conn conn = exchanges.connections.values().stream()
                .filter(c -> c.exchanges().size() == 4).findFirst().orElseThrow();
        assertEquals(List.of(200, 200, 200, 200), conn.exchanges().stream().map(Exchange::status).toList());
        assertEquals(url("/b.txt?three"), conn.exchanges().get(1).url());
        assertEquals(List.of("127.0.0.1:" + httpPort, "127.0.0.1:" + httpPort2), conn.origins,
                "the engine names each origin once, as the proxy goes to it");
    }

    @Test
    void chunkedGzipResponseArrivesIntactAndDecodesInTheExchangeView() throws Exception {
        Commands.Result run = curl("--compressed", url("/gz/text.txt"));
        assertEquals(0, run.exit(), run.err());
        String text = "line of compressible text\n".repeat(2000);
        assertEquals(text, run.text());
        assertTrue(Wait.eventually(() -> exchanges.connections.values().stream().anyMatch(c -> c.end != null
                && c.exchanges().stream().anyMatch(e -> e.url().endsWith("/gz/text.txt")))));
        ProxiedExchanges.Conn conn = exchanges.connections.values().stream()
                .filter(c -> c.exchanges().stream().anyMatch(e -> e.url().endsWith("/gz/text.txt"))).findFirst().orElseThrow();
        Exchange e = conn.exchanges().get(0);
        assertEquals("chunked", e.responseHeader("Transfer-Encoding"));
        assertEquals("gzip", e.responseHeader("Content-Encoding"));
        assertTrue(e.responseBody().length() < text.length(), "the body on the wire is compressed");
        Bodies.Content decoded = Bodies.decoded(e.responseBody(), "gzip", conn.s2c, 1 << 20);
        assertEquals(text, new String(decoded.bytes(), StandardCharsets.UTF_8));
    }

    @Test
    void fiftyMegabyteDownloadIsByteExact() throws Exception {
        Commands.Result run = curl("-o", "download.bin", url("/big.bin"));
        assertEquals(0, run.exit(), run.err());
        byte[] got = Files.readAllBytes(dir.resolve("download.bin"));
        assertEquals(BIG, got.length);
        assertArrayEquals(bigSha, MessageDigest.getInstance("SHA-256").digest(got));
    }

    @Test
    void fiftyMegabytePostWithExpectContinueArrivesByteExact() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/upload", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    sha.update(buf, 0, n);
                }
                byte[] reply = HexFormat.of().formatHex(sha.digest()).getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, reply.length);
                exchange.getResponseBody().write(reply);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IOException(e);
            } finally {
                exchange.close();
            }
        });
        server.start();
        try {
            Commands.Result run = curl("-H", "Expect: 100-continue", "--data-binary", "@www/big.bin",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/upload");
            assertEquals(0, run.exit(), run.err());
            assertEquals(HexFormat.of().formatHex(bigSha), run.text());
        } finally {
            server.stop(0);
        }
        assertTrue(Wait.eventually(() -> exchanges.connections.values().stream().anyMatch(c -> c.exchanges().stream()
                .anyMatch(e -> e.url().endsWith("/upload") && e.state() == Exchange.State.COMPLETE))));
        ProxiedExchanges.Conn conn = exchanges.connections.values().stream()
                .filter(c -> c.exchanges().stream().anyMatch(e -> e.url().endsWith("/upload"))).findFirst().orElseThrow();
        Exchange post = conn.exchanges().get(0);
        assertEquals(BIG, post.requestBody().length());
        assertEquals(100, post.interim().get(0).status(), "the 100 Continue went through to curl");
    }

    @Test
    void fiftyMegabytePutToNginxWithExpectContinueIsStoredByteExact() throws Exception {
        Commands.Result run = curl("-H", "Expect: 100-continue", "-T", "www/big.bin", url("/up/put.bin"));
        assertEquals(0, run.exit(), run.err());
        byte[] stored = Files.readAllBytes(dir.resolve("www/up/put.bin"));
        assertArrayEquals(bigSha, MessageDigest.getInstance("SHA-256").digest(stored));
    }

    @Test
    void connectTunnelsTlsToHttpsNginx() throws Exception {
        Commands.Result run = curl("--cacert", "cert.pem", "https://localhost:" + httpsPort + "/b.txt");
        assertEquals(0, run.exit(), run.err());
        assertEquals("B\n", run.text());
        assertTrue(Wait.eventually(() -> exchanges.connections.values().stream().anyMatch(c -> c.exchanges().stream()
                .anyMatch(e -> e.method().equals("CONNECT") && e.state() == Exchange.State.TUNNEL
                        && e.tunnelBytesDown() > 0))));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        String host = "127.0.0.1:" + httpPort;
        String requests = "GET http://" + host + "/a.txt HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
                + "HEAD http://" + host + "/b.txt HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
                + "GET http://" + host + "/c.txt HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", proxyPort)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            byte[] all = s.getInputStream().readAllBytes();
            HttpDecoder decoder = new HttpDecoder(HttpDecoder.Role.RESPONSE);
            decoder.expectResponseTo("GET");
            decoder.expectResponseTo("HEAD");
            decoder.expectResponseTo("GET");
            List<String> seen = new ArrayList<>();
            for (HttpEvent e : decoder.feedAll(all)) {
                if (e instanceof HttpEvent.Head h) {
                    seen.add(String.valueOf(h.head().status()));
                } else if (e instanceof HttpEvent.Data d) {
                    seen.add(new String(d.array(), d.offset(), d.length(), StandardCharsets.US_ASCII));
                }
            }
            assertEquals(List.of("200", "A\n", "200", "200", "C\n"), seen);
        }
    }

    @Test
    void webSocketEchoThroughPlainUpgradeAndThroughConnect() throws Exception {
        try (ServerSocket ws = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> serveWebSockets(ws), "test-ws-echo");
            server.setDaemon(true);
            server.start();
            String host = "127.0.0.1:" + ws.getLocalPort();
            try (Socket s = new Socket("127.0.0.1", proxyPort)) {
                s.setSoTimeout(20_000);
                upgrade(s, "GET http://" + host + "/echo HTTP/1.1\r\nHost: " + host + "\r\n");
                assertEquals("hello via upgrade", echo(s, "hello via upgrade"));
                String big = "x".repeat(60_000);
                assertTrue(big.equals(echo(s, big)), "a 60 kB frame comes back whole");
            }
            try (Socket s = new Socket("127.0.0.1", proxyPort)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("CONNECT " + host + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                assertTrue(readHead(s.getInputStream()).startsWith("HTTP/1.1 200 "));
                upgrade(s, "GET /echo HTTP/1.1\r\nHost: " + host + "\r\n");
                assertEquals("hello via connect", echo(s, "hello via connect"));
            }
        }
    }

    @Test
    void badInputGetsClearAnswersAndTheProxyServesOthers() throws Exception {
        assertTrue(rawExchange("NOT HTTP AT ALL\r\n\r\n").startsWith("HTTP/1.1 400 Bad Request\r\n"));
        assertTrue(rawExchange("GET http://127.0.0.1/ HTTP/1.1\r\nX-Big: " + "b".repeat(70_000) + "\r\n\r\n")
                .startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));

        Commands.Result unknown = curl("-w", " %{http_code}", "http://no-such-host.invalid/");
        assertTrue(unknown.text().startsWith("wirelens: cannot connect to no-such-host.invalid:80: unknown host"),
                unknown.text());
        assertTrue(unknown.text().endsWith(" 502"), unknown.text());

        int closedPort = Loopback.freePort();
        Commands.Result refused = curl("-w", " %{http_code}", "http://127.0.0.1:" + closedPort + "/");
        assertEquals("wirelens: cannot connect to 127.0.0.1:" + closedPort + ": connection refused\n 502", refused.text());
        assertTrue(Wait.eventually(() -> exchanges.connections.values().stream()
                .anyMatch(c -> c.origins.equals(List.of("127.0.0.1:" + closedPort)) && c.end != null)));
        assertEquals("failed: connect to 127.0.0.1:" + closedPort + " failed: connection refused",
                exchanges.connections.values().stream().filter(c -> c.origins.equals(List.of("127.0.0.1:" + closedPort)))
                        .findFirst().orElseThrow().end, "the 502 went out and the connection ended as a failure");

        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket f = new Socket();
                    try {
                        f.connect(full.getLocalSocketAddress(), 200);
                        fillers.add(f);
                    } catch (IOException e) {
                        f.close();
                        break;
                    }
                }
                Commands.Result timeout = curl("-w", " %{http_code}", "http://127.0.0.1:" + full.getLocalPort() + "/");
                assertTrue(timeout.text().endsWith(" 504"), timeout.text());
                assertTrue(timeout.text().contains("timed out"), timeout.text());
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }

        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread origin = new Thread(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().read(new byte[4096]); // takes the request, never answers
                    Thread.sleep(15_000);
                } catch (IOException | InterruptedException ignored) {
                    // the proxy gives up first and closes
                }
            });
            origin.setDaemon(true);
            origin.start();
            Commands.Result silence = curl("-w", " %{http_code}", "http://127.0.0.1:" + silent.getLocalPort() + "/slow");
            assertEquals("wirelens: 127.0.0.1:" + silent.getLocalPort() + " did not answer within 2.0 s\n 504",
                    silence.text());
        }

        Commands.Result fine = curl(url("/a.txt"));
        assertEquals("A\n", fine.text(), "the proxy still serves everyone else");
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static String rawExchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", proxyPort)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < 65536) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            String s = head.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
        throw new IOException("no complete head: " + head.toString(StandardCharsets.ISO_8859_1));
    }

    private static void upgrade(Socket s, String requestLineAndHost) throws IOException {
        s.getOutputStream().write((requestLineAndHost + "Connection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        String head = readHead(s.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 101 "), head);
        assertTrue(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);
    }

    /** Sends one masked text frame and returns the text of the frame that comes back. */
    private static String echo(Socket s, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        s.getOutputStream().write(frame.toByteArray());
        return new String(readFrame(new DataInputStream(s.getInputStream())), StandardCharsets.UTF_8);
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        byte[] mask = null;
        if ((b1 & 0x80) != 0) {
            mask = new byte[4];
            in.readFully(mask);
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
        }
        return payload;
    }

    /** A tiny WebSocket echo server: the handshake, then every frame's payload back, unmasked. */
    private static void serveWebSockets(ServerSocket ws) {
        while (!ws.isClosed()) {
            try (Socket s = ws.accept()) {
                s.setSoTimeout(20_000);
                String head = readHead(s.getInputStream());
                String key = head.lines().filter(l -> l.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18))
                        .map(l -> l.substring(18).strip()).findFirst().orElse("");
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                DataInputStream in = new DataInputStream(s.getInputStream());
                while (true) {
                    byte[] payload = readFrame(in);
                    ByteArrayOutputStream frame = new ByteArrayOutputStream();
                    frame.write(0x81);
                    if (payload.length < 126) {
                        frame.write(payload.length);
                    } else {
                        frame.write(126);
                        frame.write(payload.length >>> 8);
                        frame.write(payload.length & 0xff);
                    }
                    frame.write(payload);
                    out.write(frame.toByteArray());
                }
            } catch (IOException | java.security.NoSuchAlgorithmException e) {
                // the client went away: wait for the next one
            }
        }
    }
}
