package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.Recorder;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.HarValidator;

/**
 * Real traffic through the HTTP proxy, recorded to a capture file, exported with
 * {@code --read CAPTURE --export-har OUT.har}, and checked with npm's har-validator.
 */
class ExportHarTest {

    @TempDir
    Path dir;

    @Test
    void capturedProxyTrafficBecomesValidHar() throws Exception {
        String json = "{\"items\":[1,2,3],\"name\":\"wirelens\"}";
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        origin.createContext("/api", exchange -> {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
                z.write(json.getBytes(StandardCharsets.UTF_8));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, 0); // chunked
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(gz.toByteArray());
            }
        });
        origin.createContext("/form", exchange -> {
            byte[] got = exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(201, got.length);
            exchange.getResponseBody().write(got);
            exchange.close();
        });
        origin.start();

        Path capture = dir.resolve("http.pcapng");
        EventQueue queue = new EventQueue(1L << 26);
        Engine engine = new Engine(queue, EngineOptions.defaults());
        engine.start();
        Recorder recorder = Recorder.toFile(queue, capture);
        recorder.start();
        try {
            int port = engine.addListener(ListenerConfig.http("127.0.0.1", 0)).get(5, TimeUnit.SECONDS).address().getPort();
            String host = "127.0.0.1:" + origin.getAddress().getPort();
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("GET http://" + host + "/api?page=1 HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
                        + "POST http://" + host + "/form HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: "
                        + "application/x-www-form-urlencoded\r\nContent-Length: 7\r\nConnection: close\r\n\r\na=1&b=2")
                        .getBytes(StandardCharsets.US_ASCII));
                String replies = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(replies.contains("HTTP/1.1 201 Created"), replies);
            }
            for (int i = 0; i < 500 && recorder.index().connections().stream().anyMatch(c -> c.isOpen()); i++) {
                Thread.sleep(20);
            }
        } finally {
            engine.close();
            recorder.close();
            origin.stop(0);
        }

        Path har = dir.resolve("out.har");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--read", capture.toString(), "--export-har", har.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        assertEquals("wrote " + har + ": 2 exchange(s) from 1 HTTP connection(s) of 1\n", out.toString());

        JsonNode entries = new ObjectMapper().readTree(har.toFile()).at("/log/entries");
        assertEquals(2, entries.size());
        assertTrue(entries.get(0).at("/request/url").asText().endsWith("/api?page=1"));
        assertEquals(json, entries.get(0).at("/response/content/text").asText(), "gzip and chunked undone");
        assertEquals("a=1&b=2", entries.get(1).at("/request/postData/text").asText());
        assertEquals(201, entries.get(1).at("/response/status").asInt());
        assertEquals("127.0.0.1", entries.get(1).at("/serverIPAddress").asText());

        HarValidator.validate(har);
    }

    @Test
    void exportHarWithoutReadIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--export-har", "x.har"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertEquals(2, code);
        assertTrue(err.toString().startsWith("wirelens: --export-har needs --read CAPTURE"), err.toString());
    }
}
