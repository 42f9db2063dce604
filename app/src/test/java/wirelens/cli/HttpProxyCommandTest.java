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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code --headless --http-proxy PORT} in a child JVM: its listening line and a request through it. */
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
    void badProxySpecIsAUsageError() {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new String[] {"--headless", "--http-proxy", "80:80:80"}, new java.io.PrintWriter(
                new java.io.StringWriter()), new java.io.PrintWriter(err, true));
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("wirelens: --http-proxy wants [BIND:]PORT, got '80:80:80'"), err.toString());
    }
}
