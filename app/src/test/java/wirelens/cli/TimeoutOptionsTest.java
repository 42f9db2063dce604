package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.helpers.NOPLogger;
import wirelens.engine.EngineEvent;
import wirelens.testkit.HeadlessWirelens;
import wirelens.testkit.Latin1;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;
import wirelens.testkit.Wait;

/** {@code --idle-timeout} and {@code --request-head-timeout} on the real command line, and how their ends read. */
class TimeoutOptionsTest {
    @TempDir
    Path dir;

    @Test
    void headlessSaysWhyAConnectionWasClosedAndTheCaptureKeepsIt() throws Exception {
        Path capture = dir.resolve("timeouts.pcapng");
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        origin.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write(Latin1.bytes("ok"));
            exchange.close();
        });
        origin.start();
        try (LoopbackServer echo = LoopbackServer.echo();
                HeadlessWirelens w = HeadlessWirelens.start(dir, "--forward", "0:127.0.0.1:" + echo.port(),
                        "--http-proxy", "0", "--idle-timeout", "1500ms", "--request-head-timeout", "0.4",
                        "--capture", capture.toString())) {
            try (Socket quiet = Loopback.connect(w.forwardPort(0)); Socket silent = Loopback.connect(w.proxyPort());
                    Socket keptAlive = Loopback.connect(w.proxyPort())) {
                String authority = "127.0.0.1:" + origin.getAddress().getPort();
                Loopback.send(keptAlive, Latin1.bytes("GET http://" + authority + "/ HTTP/1.1\r\nHost: " + authority
                        + "\r\n\r\n"));
                Loopback.roundTrip(quiet, Latin1.bytes("hello"));
                assertEquals(-1, quiet.getInputStream().read());
                String answer = Latin1.text(silent.getInputStream().readAllBytes());
                assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
                String response = Latin1.text(keptAlive.getInputStream().readAllBytes()); // to the idle close
                assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n") && response.endsWith("\r\n\r\nok"), response);
            } finally {
                origin.stop(0);
            }
            w.awaitLine("#\\d+ closed \\(idle timeout 1500ms\\) c2s=5 s2c=5 bytes in \\d+\\.\\d+s");
            w.awaitLine("#\\d+ closed \\(request head timeout 400ms\\) c2s=0 s2c=\\d+ bytes in \\d+\\.\\d+s");
            Wait.until("the forward and the kept-alive proxy client both closed for idleness", () -> w.output().lines()
                    .filter(l -> l.matches("#\\d+ closed \\(idle timeout 1500ms\\) c2s=\\d+ s2c=\\d+ bytes in .*"))
                    .count() == 2);
            w.stop();
        }
        StringWriter out = new StringWriter();
        assertEquals(0, Main.run(new String[] {"--read", capture.toString()}, new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true)));
        assertTrue(out.toString().contains("closed: idle timeout 1500ms"), out.toString());
        assertTrue(out.toString().contains("closed: request head timeout 400ms"), out.toString());
    }

    @Test
    void withoutACaptureTheEndLineSaysWhyToo() {
        StringWriter text = new StringWriter();
        HeadlessPrinter printer = new HeadlessPrinter(new PrintWriter(text, true), NOPLogger.NOP_LOGGER, false);
        printer.print(new EngineEvent.Closed(7, 0, 12, 34, false, "idle timeout 5m"));
        printer.print(new EngineEvent.Closed(8, 0, 1, 2, false));
        assertEquals("#7 closed (idle timeout 5m) c2s=12 s2c=34 bytes in 0.000s\n#8 closed c2s=1 s2c=2 bytes in 0.000s\n",
                text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void aDurationThatIsNoneIsAUsageErrorNamingTheOption() {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--headless", "--http-proxy", "0", "--idle-timeout", "5 minutes"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("wirelens: --idle-timeout: '5 minutes' is not a duration"), err.toString());
        err.getBuffer().setLength(0);
        code = Main.run(new String[] {"--headless", "--http-proxy", "0", "--request-head-timeout", "200h"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("wirelens: --request-head-timeout must be at most a week"), err.toString());
    }
}
