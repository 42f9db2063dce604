package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.testkit.Commands;
import wirelens.testkit.HeadlessWirelens;
import wirelens.testkit.Loopback;

/**
 * {@code --headless --http-proxy PORT} in a child JVM: its listening line, a request through it, and the
 * lines that say where requests went.
 */
class HttpProxyCommandTest {

    @Test
    void printsListeningHttpAndProxiesARequest() throws Exception {
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        origin.createContext("/hello", exchange -> {
            byte[] body = ("hello from " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        origin.start();
        Process p = HeadlessProcessTest.start("--headless", "--quiet", "--http-proxy", "0");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            Matcher m = Pattern.compile("listening http 127\\.0\\.0\\.1:(\\d+)").matcher(String.valueOf(line));
            assertTrue(m.matches(), String.valueOf(line));
            int port = Integer.parseInt(m.group(1));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                String target = "127.0.0.1:" + origin.getAddress().getPort();
                s.getOutputStream().write(("GET http://" + target + "/hello?x=1 HTTP/1.1\r\nHost: " + target
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
                assertTrue(response.endsWith("\r\n\r\nhello from /hello?x=1"), response);
            }
        } finally {
            origin.stop(0);
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }

    @Test
    void theLinesNameEachOriginAndAFailedOriginConnectIsAnError(@TempDir Path dir) throws Exception {
        Commands.assumeInstalled("/usr/bin/curl", "curl");
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        origin.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        origin.start();
        int closed = Loopback.freePort();
        try (HeadlessWirelens w = HeadlessWirelens.start(dir, "--http-proxy", "0")) {
            String proxy = "http://127.0.0.1:" + w.proxyPort();
            Commands.Result ok = Commands.run("curl", "-sS", "--max-time", "20", "-w", "%{http_code}", "-x", proxy,
                    "http://localhost:" + origin.getAddress().getPort() + "/");
            assertEquals("204", ok.text());
            Commands.Result refused = Commands.run("curl", "-sS", "--max-time", "20", "-o", "/dev/null",
                    "-w", "%{http_code}", "-x", proxy, "http://127.0.0.1:" + closed + "/");
            assertEquals("502", refused.text());
            w.awaitLine("#1 origin localhost:" + origin.getAddress().getPort());
            w.awaitLine("#2 origin 127\\.0\\.0\\.1:" + closed);
            w.awaitLine("#2 error connect to 127\\.0\\.0\\.1:" + closed
                    + " failed: connection refused c2s=\\d+ s2c=\\d+ bytes in .*");
            w.stop();
        } finally {
            origin.stop(0);
        }
    }

    @Test
    void badProxySpecIsAUsageError() {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new String[] {"--headless", "--http-proxy", "80:80:80"}, new java.io.PrintWriter(
                new java.io.StringWriter()), new java.io.PrintWriter(err, true));
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("wirelens: --http-proxy wants [BIND:]PORT, got '80:80:80'"), err.toString());
    }
}
