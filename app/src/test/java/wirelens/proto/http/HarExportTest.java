package wirelens.proto.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.testkit.HarValidator;

class HarExportTest {

    static ExchangeLogTest.Conversation sampleConversation() throws IOException {
        ExchangeLogTest.Conversation c = new ExchangeLogTest.Conversation();
        byte[] json = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        byte[] gz = ExchangeLogTest.gzip(json);
        c.client("GET http://api.example/items?page=2&q=a%20b HTTP/1.1\r\nHost: api.example\r\nCookie: sid=1; t=2\r\n\r\n");
        c.server(ExchangeLogTest.concat("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                + "Set-Cookie: sid=3; Path=/\r\nContent-Length: " + gz.length + "\r\n\r\n", gz));
        c.client("POST /form HTTP/1.1\r\nHost: api.example\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 7\r\n\r\na=1&b=2");
        c.server("HTTP/1.1 302 Found\r\nLocation: /done\r\nContent-Length: 0\r\n\r\n");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
        c.client("GET /logo.png HTTP/1.1\r\nHost: api.example\r\n\r\n");
        c.server(ExchangeLogTest.concat("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 12\r\n\r\n", png));
        c.client("GET /never HTTP/1.1\r\nHost: api.example\r\n\r\n");
        c.log.onEof(false, c.time + 1);
        return c;
    }

    @Test
    void exportHoldsDecodedBodiesTimingsAndIsValidHar(@TempDir Path dir) throws Exception {
        ExchangeLogTest.Conversation c = sampleConversation();
        Path har = dir.resolve("out.har");
        try (OutputStream out = Files.newOutputStream(har)) {
            HarExport.write(List.of(new HarExport.Connection(7, "127.0.0.1", c.log.exchanges(), c.client, c.server)), out);
        }
        JsonNode log = new ObjectMapper().readTree(har.toFile()).get("log");
        assertEquals("1.2", log.get("version").asText());
        JsonNode entries = log.get("entries");
        assertEquals(4, entries.size());
        JsonNode first = entries.get(0);
        assertEquals("http://api.example/items?page=2&q=a%20b", first.at("/request/url").asText());
        assertEquals("a b", first.at("/request/queryString/1/value").asText());
        assertEquals("t", first.at("/request/cookies/1/name").asText());
        assertEquals("{\"ok\":true}", first.at("/response/content/text").asText());
        assertEquals("sid", first.at("/response/cookies/0/name").asText());
        assertTrue(first.at("/timings/wait").asDouble() > 0, first.at("/timings").toString());
        assertEquals("a=1&b=2", entries.get(1).at("/request/postData/text").asText());
        assertEquals("/done", entries.get(1).at("/response/redirectURL").asText());
        assertEquals("base64", entries.get(2).at("/response/content/encoding").asText());
        assertEquals("iVBORw0KGgoAAAAN", entries.get(2).at("/response/content/text").asText());
        assertEquals(0, entries.get(3).at("/response/status").asInt());

        HarValidator.validate(har);
    }
}
