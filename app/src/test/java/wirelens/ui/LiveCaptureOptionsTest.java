package wirelens.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import wirelens.engine.EngineOptions;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.Loopback;

/** The window's capture runs its engine with the options given on the command line, not the defaults. */
class LiveCaptureOptionsTest {

    @Test
    void theWindowsHttpProxyAnswers504AfterTheResponseTimeoutItWasGiven() throws Exception {
        // an origin that accepts and reads but never answers: only the response timeout ends the wait
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
                LiveCapture live = LiveCapture.start(null, List.of(), List.of(),
                        EngineOptions.defaults().withResponseTimeoutMillis(500))) {
            int proxyPort = live.engine.addListener(ListenerConfig.http("127.0.0.1", 0))
                    .get(10, TimeUnit.SECONDS).address().getPort();
            try (Socket client = Loopback.connect(proxyPort)) {
                // the default timeout is 60 s: without the option the read below gives up first
                client.setSoTimeout(20_000);
                client.getOutputStream().write(("GET http://127.0.0.1:" + silent.getLocalPort() + "/ HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + silent.getLocalPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String status = statusLine(client.getInputStream());
                assertTrue(status.startsWith("HTTP/1.1 504"), status);
            }
        }
    }

    private static String statusLine(InputStream in) throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n' && line.size() < 1000; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).trim();
    }
}
