package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.proto.http.Header;
import wirelens.testkit.EngineRig;
import wirelens.testkit.HttpEchoServer;
import wirelens.testkit.Latin1;

/** Edit and resend on real sockets: through the engine's Resend listener to an origin that echoes what it read. */
class ResenderTest {

    @Test
    void aResentRequestWithAnEditedHeaderReachesTheOriginAndIsRelayedAsAConnectionOfTheResendListener() throws Exception {
        try (EngineRig rig = new EngineRig(); HttpEchoServer origin = new HttpEchoServer()) {
            Resender resender = new Resender(rig.engine, () -> null);
            Resender.Request request = new Resender.Request("POST", "http://127.0.0.1:" + origin.port() + "/api?x=1",
                    List.of(new Header("X-Edited", "yes \"quoted\""), new Header("Content-Length", "1")),
                    "body".getBytes(StandardCharsets.UTF_8));
            Resender.Sent sent = resender.send(request);
            assertEquals(200, sent.head().status());
            String atOrigin = origin.requests.get(0);
            assertTrue(atOrigin.startsWith("POST /api?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + origin.port() + "\r\n"), atOrigin);
            assertTrue(atOrigin.contains("\r\nX-Edited: yes \"quoted\"\r\nContent-Length: 4\r\n\r\nbody"), atOrigin);
            assertEquals(atOrigin, Latin1.text(sent.body()), "the response read back is the origin's");

            Resender.Sent again = resender.send(request);
            assertEquals(2, origin.requests.size(), "Send again sends it again");
            assertEquals(Latin1.text(sent.body()), Latin1.text(again.body()));

            EngineEvent.Opened opened = rig.await(EngineEvent.Opened.class, o -> o.listener().name().equals(Resender.LISTENER_NAME));
            rig.await(EngineEvent.Chunk.class, c -> c.connectionId() == opened.connectionId()
                    && c.direction() == Direction.CLIENT_TO_SERVER && Latin1.text(c.original()).contains("X-Edited: yes"));
            assertEquals(2, rig.all(EngineEvent.Opened.class).size(), "one connection per send, one listener bound once");
        }
    }

    @Test
    void aBadUrlOrHttpsWithoutInterceptionIsAClearError() throws Exception {
        try (EngineRig rig = new EngineRig()) {
            Resender resender = new Resender(rig.engine, () -> null);
            assertEquals("the URL must be absolute, http:// or https://, with a host: /relative",
                    assertThrows(IllegalArgumentException.class, () -> resender.send(
                            new Resender.Request("GET", "/relative", List.of(), new byte[0]))).getMessage());
            assertEquals("resending https needs TLS interception on (TLS menu)",
                    assertThrows(java.io.IOException.class, () -> resender.send(
                            new Resender.Request("GET", "https://127.0.0.1:1/", List.of(), new byte[0]))).getMessage());
        }
    }
}
