package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.CaptureFile;
import wirelens.capture.ConnectionInfo;
import wirelens.capture.HttpExchanges;
import wirelens.engine.EngineEvent;
import wirelens.engine.ListenerKind;
import wirelens.proto.http.Exchange;
import wirelens.testkit.Commands;
import wirelens.testkit.HeadlessWirelens;
import wirelens.testkit.Loopback;
import wirelens.testkit.Nginx;
import wirelens.testkit.Openssl;
import wirelens.testkit.Python;
import wirelens.testkit.Tshark;

/**
 * {@code wirelens --headless --socks} between real clients (curl with {@code --socks5-hostname} and
 * {@code --socks5}, a Python client that speaks SOCKS5 by hand) and nginx over HTTP and HTTPS, all on
 * loopback: what the client gets, what Wirelens prints, and what the capture holds afterwards.
 */
class SocksCommandTest {
    @TempDir
    Path dir;

    @Test
    void curlThroughSocksReachesNginxOverHttpAndHttpsAndTheCaptureHoldsTheDecryptedExchanges() throws Exception {
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        Openssl.assumeInstalled();
        Files.writeString(Files.createDirectories(dir.resolve("www")).resolve("a"), "first\n");
        Openssl.Certificate cert = Openssl.selfSigned(dir);
        int httpPort = Loopback.freePort();
        int httpsPort = Loopback.freePort();
        Path caFile = printCa(dir.resolve("ca"));
        Path capture = dir.resolve("socks.pcapng");
        List<String> lines;
        try (Nginx nginx = Nginx.start(dir, servers(httpPort, httpsPort), httpPort, httpsPort);
                HeadlessWirelens w = HeadlessWirelens.start(dir, "--socks", "0", "--capture", capture.toString(),
                        "--ca-dir", dir.resolve("ca").toString(), "--upstream-ca", cert.cert().toString())) {
            String proxy = "127.0.0.1:" + w.socksPort();
            assertEquals("first\n", curl("--socks5-hostname", proxy, "http://localhost:" + httpPort + "/a"));
            assertEquals("first\n", curl("--socks5", proxy, "http://127.0.0.1:" + httpPort + "/a"));
            assertEquals("first\n", curl("--socks5-hostname", proxy, "--cacert", caFile.toString(),
                    "https://localhost:" + httpsPort + "/a"));
            assertEquals("first\n", curl("--socks5", proxy, "--cacert", caFile.toString(),
                    "https://127.0.0.1:" + httpsPort + "/a"));
            w.awaitLine("#4 closed .*");
            lines = w.output().lines().toList();
            w.stop();
        }
        assertTrue(lines.contains("#1 SOCKS5 CONNECT localhost:" + httpPort + " \u2192 succeeded"), lines.toString());
        assertTrue(lines.contains("#2 SOCKS5 CONNECT 127.0.0.1:" + httpPort + " \u2192 succeeded"), lines.toString());
        assertTrue(lines.contains("#3 SOCKS5 CONNECT localhost:" + httpsPort + " \u2192 succeeded"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("#3 tls client TLSv1\\.3 \\S+ sni=localhost.*")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("#4 tls client TLSv1\\.3 .*")), lines.toString());

        try (CaptureFile file = CaptureFile.open(capture)) {
            List<ConnectionInfo> connections = file.index().connections();
            assertEquals(4, connections.size(), connections.toString());
            for (ConnectionInfo c : connections) {
                assertEquals(ListenerKind.SOCKS5, c.listenerKind());
                int port = c.id() <= 2 ? httpPort : httpsPort;
                assertEquals(port, c.target().getPort(), "the stream's target is the requested one, not the proxy");
                EngineEvent.ProxyHandshake h = file.index().proxyHandshake(c.id());
                assertEquals((c.id() == 1 || c.id() == 3 ? "localhost:" : "127.0.0.1:") + port, h.requested());
                List<Exchange> exchanges = HttpExchanges.decode(file, c.id()).exchanges();
                assertEquals(1, exchanges.size(), "one exchange on #" + c.id());
                assertEquals("GET", exchanges.get(0).request().method());
                assertEquals("/a", exchanges.get(0).request().target());
                assertEquals(200, exchanges.get(0).response().status());
            }
        }
        StringWriter summary = new StringWriter();
        assertEquals(0, Main.run(new String[] {"--read", capture.toString()}, new PrintWriter(summary, true),
                new PrintWriter(new StringWriter(), true)));
        assertTrue(summary.toString().contains("SOCKS5 CONNECT localhost:" + httpsPort + " \u2192 succeeded"),
                summary.toString());

        if (Tshark.installed()) {
            // Wireshark sees client ↔ nginx carrying the request itself: the handshake is no stream data
            Map<Integer, Integer> streams = Tshark.streamsByClientPort(capture);
            assertEquals(4, streams.size(), streams.toString());
            for (int stream : streams.values()) {
                byte[][] both = Tshark.follow(capture, stream);
                String up = new String(both[0], StandardCharsets.ISO_8859_1);
                assertTrue(up.startsWith("GET /a HTTP/1.1\r\n"), up);
                assertTrue(new String(both[1], StandardCharsets.ISO_8859_1).endsWith("first\n"));
            }
            String conversations = Tshark.run("-r", capture.toString(), "-q", "-z", "conv,tcp").text();
            assertTrue(conversations.contains("127.0.0.1:" + httpsPort), conversations);
        }
    }

    @Test
    void aPythonClientLogsInAndEachFailureGetsItsReplyCode() throws Exception {
        Python.assumeInstalled();
        Files.writeString(Files.createDirectories(dir.resolve("www")).resolve("a"), "first\n");
        int httpPort = Loopback.freePort();
        int closedPort = Loopback.freePort();
        Path script = Files.writeString(dir.resolve("client.py"), PYTHON_CLIENT);
        try (Nginx nginx = Nginx.start(dir, servers(httpPort, -1), httpPort);
                HeadlessWirelens w = HeadlessWirelens.start(dir, "--socks", "0", "--socks-auth", "alice:s3:cret")) {
            Commands.Result r = Commands.run(dir, List.of(Python.EXECUTABLE, script.toString(),
                    String.valueOf(w.socksPort()), String.valueOf(httpPort), String.valueOf(closedPort)));
            assertEquals(0, r.exit(), r.err());
            assertEquals(List.of(
                    "login ok: 200 first",
                    "wrong password: 01",
                    "no login offered: ff",
                    "refused port: 05",
                    "unresolvable name: 04",
                    "BIND: 07",
                    "UDP ASSOCIATE: 07",
                    "address type 9: 08",
                    "IPv6 to a closed port: 05"), r.text().lines().toList());
            w.awaitLine("#9 closed .*");
            String out = w.output();
            assertTrue(out.contains("#2 SOCKS5 login as alice \u2192 refused: wrong user name or password"), out);
            assertTrue(out.contains("#4 closed (SOCKS5 CONNECT 127.0.0.1:" + closedPort + " \u2192 connection refused: "),
                    out);
            assertTrue(out.contains("#5 closed (SOCKS5 CONNECT nowhere.invalid:80 \u2192 host unreachable: unknown host"),
                    out);
            assertFalse(w.errors().contains("s3:cret"), "the password is never logged");
            assertFalse(out.contains("s3:cret"), "nor printed");
            w.stop();
        }
    }

    @Test
    void socksUsageErrorsExitWithTwoAndSayWhatIsWrong() {
        String[][] cases = {
            {"--socks-auth goes with --socks", "--headless", "--socks-auth", "a:b", "--forward", "0:h:1"},
            {"--socks-auth: expected USER:PASS, got no colon", "--headless", "--socks", "0", "--socks-auth", "alice"},
            {"--socks-auth: expected USER:PASS, got no user", "--headless", "--socks", "0", "--socks-auth", ":pw"},
            {"--socks wants [BIND:]PORT", "--headless", "--socks", "a:b:c"},
            {"'99999' in '99999' is not a port number", "--headless", "--socks", "99999"}};
        for (String[] c : cases) {
            StringWriter err = new StringWriter();
            int code = Main.run(java.util.Arrays.copyOfRange(c, 1, c.length), new PrintWriter(new StringWriter(), true),
                    new PrintWriter(err, true));
            assertEquals(2, code, String.join(" ", c));
            assertTrue(err.toString().contains(c[0]), err.toString());
            assertFalse(err.toString().contains("at wirelens."), "no stack trace: " + err);
        }
    }

    /** nginx serving DIR/www over HTTP on {@code httpPort} and, unless it is -1, over TLS (DIR/cert.pem) on {@code httpsPort}. */
    private String servers(int httpPort, int httpsPort) {
        String http = """
                server {
                  listen 127.0.0.1:%d;
                  root %s;
                }
                """;
        String https = """
                server {
                  listen 127.0.0.1:%d ssl;
                  ssl_certificate %s/cert.pem;
                  ssl_certificate_key %s/key.pem;
                  root %s;
                }
                """;
        return "types { text/plain a; }\ndefault_type text/plain;\n" + http.formatted(httpPort, dir.resolve("www"))
                + (httpsPort < 0 ? "" : https.formatted(httpsPort, dir, dir, dir.resolve("www")));
    }

    private String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
        command.addAll(List.of(args));
        Commands.Result r = Commands.run(dir, command);
        assertEquals(0, r.exit(), String.join(" ", command) + ": " + r.err());
        return r.text();
    }

    private static Path printCa(Path caDir) throws Exception {
        StringWriter pem = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, Main.run(new String[] {"--print-ca", "--ca-dir", caDir.toString()}, new PrintWriter(pem, true),
                new PrintWriter(err, true)), err.toString());
        return Files.writeString(caDir.resolveSibling("wirelens-ca.pem"), pem.toString());
    }

    /** A SOCKS5 client written by hand: one line per case, the reply code it got, or the page it fetched. */
    private static final String PYTHON_CLIENT = """
            import socket, struct, sys

            proxy, web, closed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])

            def read(s, n):
                data = b""
                while len(data) < n:
                    more = s.recv(n - len(data))
                    if not more:
                        raise EOFError("closed after %d of %d bytes" % (len(data), n))
                    data += more
                return data

            def session(methods=b"\\x02", user=b"alice", password=b"s3:cret"):
                s = socket.create_connection(("127.0.0.1", proxy), timeout=30)
                s.sendall(b"\\x05" + bytes([len(methods)]) + methods)
                version, method = read(s, 2)
                if method != 2:
                    return s, "%02x" % method
                s.sendall(b"\\x01" + bytes([len(user)]) + user + bytes([len(password)]) + password)
                return s, "%02x" % read(s, 2)[1]

            def request(s, command, atyp, address, port):
                s.sendall(bytes([5, command, 0, atyp]) + address + struct.pack(">H", port))
                head = read(s, 4)
                rest = {1: 4, 4: 16}[head[3]] + 2
                read(s, rest)
                return "%02x" % head[1]

            def name(text):
                return bytes([len(text)]) + text

            s, status = session()
            code = request(s, 1, 3, name(b"localhost"), web)
            s.sendall(b"GET /a HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n")
            page = b""
            while True:
                more = s.recv(4096)
                if not more:
                    break
                page += more
            print("login ok:", page.split(b" ")[1].decode(), page.split(b"\\r\\n\\r\\n", 1)[1].decode().strip())

            s, status = session(password=b"guess")
            print("wrong password:", status)
            s, status = session(methods=b"\\x00")
            print("no login offered:", status)

            cases = [("refused port", 1, 1, socket.inet_aton("127.0.0.1"), closed),
                     ("unresolvable name", 1, 3, name(b"nowhere.invalid"), 80),
                     ("BIND", 2, 1, socket.inet_aton("127.0.0.1"), web),
                     ("UDP ASSOCIATE", 3, 1, socket.inet_aton("0.0.0.0"), 0),
                     ("address type 9", 1, 9, b"", 0),
                     ("IPv6 to a closed port", 1, 4, socket.inet_pton(socket.AF_INET6, "::1"), closed)]
            for label, command, atyp, address, port in cases:
                s, status = session()
                print(label + ":", request(s, command, atyp, address, port))
                s.close()
            """;
}
