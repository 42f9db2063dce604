package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;

/** The hook chain on real sockets: rewrite, drop, hold and release, and a hook that throws. */
class EngineHookTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A server that reports each read it makes, and answers "ok:" + the bytes. */
    private static LoopbackServer recordingEcho(BlockingQueue<String> seen) throws Exception {
        return new LoopbackServer("127.0.0.1", s -> {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                seen.add(text);
                s.getOutputStream().write(ascii("ok:" + text));
            }
        });
    }

    private static String readText(InputStream in, int length) throws Exception {
        return new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    @Test
    void rewriteAndDropAreForwardedAndRecorded() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (LoopbackServer srv = recordingEcho(seen); EngineRig rig = new EngineRig()) {
            rig.engine.setHooks(List.of((ctx, data) -> {
                String text = new String(data, StandardCharsets.ISO_8859_1);
                if (ctx.direction() != Direction.CLIENT_TO_SERVER) {
                    return ChunkHook.Verdict.forward(data);
                }
                if (text.equals("secret")) {
                    return ChunkHook.Verdict.DROP;
                }
                return ChunkHook.Verdict.forward(ascii(text.replace("plan", "PLAN")));
            }));
            try (Socket s = Loopback.connect(rig.forward(srv.port()))) {
                s.getOutputStream().write(ascii("my plan"));
                assertEquals("my PLAN", seen.poll(10, TimeUnit.SECONDS));
                assertEquals("ok:my PLAN", readText(s.getInputStream(), 10));
                s.getOutputStream().write(ascii("secret"));
                Thread.sleep(100); // give a wrongly forwarded chunk time to show up at the server
                s.getOutputStream().write(ascii("next"));
                assertEquals("next", seen.poll(10, TimeUnit.SECONDS), "the dropped chunk never reached the server");
            }
            EngineEvent.Chunk edited = rig.await(EngineEvent.Chunk.class, c -> new String(c.original()).equals("my plan"));
            assertTrue(edited.edited());
            assertArrayEquals(ascii("my PLAN"), edited.forwarded());
            EngineEvent.Chunk dropped = rig.await(EngineEvent.Chunk.class, c -> new String(c.original()).equals("secret"));
            assertTrue(dropped.dropped());
            EngineEvent.Chunk reply = rig.await(EngineEvent.Chunk.class, c -> c.direction() == Direction.SERVER_TO_CLIENT);
            assertTrue(reply.forwarded() == reply.original(), "an unchanged chunk is not marked edited");
        }
    }

    @Test
    void heldChunkKeepsItsPlaceWhileTheOtherDirectionFlows() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        BlockingQueue<ChunkHook.ChunkContext> held = new LinkedBlockingQueue<>();
        LoopbackServer.Handler server = s -> {
            s.getOutputStream().write(ascii("banner"));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                all.write(buf, 0, n);
                seen.add(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                if (all.toString(StandardCharsets.ISO_8859_1).contains("ping")) {
                    s.getOutputStream().write(ascii("pong"));
                }
            }
        };
        try (LoopbackServer srv = new LoopbackServer("127.0.0.1", server); EngineRig rig = new EngineRig()) {
            rig.engine.setHooks(List.of((ctx, data) -> {
                if (ctx.direction() == Direction.CLIENT_TO_SERVER && new String(data).startsWith("HELLO")) {
                    held.add(ctx);
                    return ChunkHook.Verdict.HOLD;
                }
                return ChunkHook.Verdict.forward(data);
            }));
            try (Socket s = Loopback.connect(rig.forward(srv.port()))) {
                assertEquals("banner", readText(s.getInputStream(), 6));
                s.getOutputStream().write(ascii("HELLO"));
                ChunkHook.ChunkContext ctx = held.poll(10, TimeUnit.SECONDS);
                s.getOutputStream().write(ascii(" and after"));
                Thread.sleep(100);
                assertNull(seen.peek(), "nothing passes a held chunk of the same direction");
                rig.engine.inject(ctx.connectionId(), Direction.SERVER_TO_CLIENT, ascii("[injected]"));
                assertEquals("[injected]", readText(s.getInputStream(), 10), "the other direction still flows");
                rig.engine.release(ctx.connectionId(), Direction.CLIENT_TO_SERVER, ascii("HELLO WORLD"));
                StringBuilder got = new StringBuilder();
                while (got.length() < "HELLO WORLD and after".length()) {
                    got.append(seen.poll(10, TimeUnit.SECONDS));
                }
                assertEquals("HELLO WORLD and after", got.toString());
                s.getOutputStream().write(ascii("ping"));
                assertEquals("pong", readText(s.getInputStream(), 4));
            }
            EngineEvent.Chunk released = rig.await(EngineEvent.Chunk.class, c -> new String(c.original()).equals("HELLO"));
            assertArrayEquals(ascii("HELLO WORLD"), released.forwarded());
        }
    }

    @Test
    void aThrowingHookIsBypassedAndReported() throws Exception {
        try (LoopbackServer echo = LoopbackServer.echo(); EngineRig rig = new EngineRig()) {
            rig.engine.setHooks(List.of((ctx, data) -> {
                throw new IllegalStateException("plugin bug");
            }));
            try (Socket s = Loopback.connect(rig.forward(echo.port()))) {
                s.getOutputStream().write(ascii("still flows"));
                assertEquals("still flows", readText(s.getInputStream(), 11));
            }
            EngineEvent.Notice notice = rig.await(EngineEvent.Notice.class, n -> n.message().contains("plugin bug"));
            assertTrue(notice.message().contains("bypassed"));
        }
    }
}
