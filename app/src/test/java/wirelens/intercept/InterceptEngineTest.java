package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.testkit.Latin1.bytes;
import static wirelens.testkit.Latin1.text;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Loopback;
import wirelens.testkit.RecordingServer;
import wirelens.testkit.Wait;

/** Rules, hold, edit, drop and plugins through the real engine on loopback sockets. */
class InterceptEngineTest {

    private static void awaitReceived(RecordingServer srv, int length) throws Exception {
        Wait.until("the server to receive " + length + " bytes (has: '" + srv.receivedText() + "')",
                () -> srv.receivedBytes().length >= length);
    }

    @Test
    void rulesRewriteBothDirectionsAndTheCaptureKeepsTheOriginal() throws Exception {
        try (RecordingServer srv = new RecordingServer(); EngineRig rig = new EngineRig()) {
            rig.engine.setHooks(List.of(new RulesHook(List.of(
                    Rule.parse("both:text:|secret plan|public plan|"),
                    Rule.parse("s2c:hex:/0d0a/0a/")))));
            try (Socket c = Loopback.connect(rig.forward(srv.port(), "plans"))) {
                Loopback.send(c, bytes("the secret plan\r\n"));
                awaitReceived(srv, 17);
                assertEquals("the public plan\r\n", srv.receivedText());
                srv.send("ok secret plan\r\n");
                assertEquals("ok public plan\n", Loopback.read(c, 15));
            }
            EngineEvent.Chunk c2s = rig.await(EngineEvent.Chunk.class, e -> e.direction() == Direction.CLIENT_TO_SERVER);
            assertEquals("the secret plan\r\n", text(c2s.original()));
            assertEquals("the public plan\r\n", text(c2s.forwarded()));
            assertTrue(c2s.edited());
            EngineEvent.Chunk s2c = rig.await(EngineEvent.Chunk.class, e -> e.direction() == Direction.SERVER_TO_CLIENT);
            assertEquals("ok secret plan\r\n", text(s2c.original()));
            assertEquals("ok public plan\n", text(s2c.forwarded()));
        }
    }

    @Test
    void heldChunkIsEditedInTextAndLaterChunksFollowItUnchangedWhileTheOtherDirectionFlows() throws Exception {
        try (RecordingServer srv = new RecordingServer(); EngineRig rig = new EngineRig()) {
            HoldQueue queue = new HoldQueue(rig.engine);
            queue.setFilter(InterceptFilter.of(DirectionFilter.C2S));
            queue.setEnabled(true);
            rig.engine.setHooks(List.of(new InterceptHook(queue)));
            try (Socket c = Loopback.connect(rig.forward(srv.port(), "hold"))) {
                Loopback.send(c, bytes("HELLO"));
                Wait.until("the chunk to be held", () -> queue.size() == 1);
                Loopback.send(c, bytes("second"));
                Loopback.send(c, bytes("third"));

                // the other direction flows while the client's chunk is held
                srv.send("220 ready\r\n");
                assertEquals("220 ready\r\n", Loopback.read(c, 11));
                assertEquals("", srv.receivedText(), "nothing passes the held chunk");

                HoldQueue.HeldChunk held = queue.held().get(0);
                assertEquals("hold", held.listener());
                assertEquals(Direction.CLIENT_TO_SERVER, held.direction());
                assertEquals(5, held.size());
                // what the text editor does: show escaped text, let the user type, read it back
                String edited = Escapes.escapeForEditing(held.bytes()) + " WORLD";
                queue.setEnabled(false);
                assertTrue(queue.forward(held, Escapes.unescapeEdited(edited)));

                awaitReceived(srv, "HELLO WORLDsecondthird".length());
                assertEquals("HELLO WORLDsecondthird", srv.receivedText());
                assertEquals(0, queue.size());
            }
            EngineEvent.Chunk first = rig.await(EngineEvent.Chunk.class, e -> text(e.original()).equals("HELLO"));
            assertEquals("HELLO WORLD", text(first.forwarded()));
            java.util.function.Supplier<List<EngineEvent.Chunk>> later = () -> rig.all(EngineEvent.Chunk.class).stream()
                    .filter(e -> e.direction() == Direction.CLIENT_TO_SERVER && e != first).toList();
            // the event consumer runs on its own thread: wait for it to have seen the later chunks
            Wait.until("events of the later chunks", () -> later.get().stream().mapToInt(e -> e.original().length).sum() >= 11);
            assertEquals("secondthird", later.get().stream().map(e -> text(e.original())).reduce("", String::concat));
            assertTrue(later.get().stream().noneMatch(EngineEvent.Chunk::edited), "later chunks went on unchanged");
        }
    }

    @Test
    void binaryChunkEditedInHex() throws Exception {
        try (RecordingServer srv = new RecordingServer(); EngineRig rig = new EngineRig()) {
            HoldQueue queue = new HoldQueue(rig.engine);
            queue.setEnabled(true);
            rig.engine.setHooks(List.of(new InterceptHook(queue)));
            try (Socket c = Loopback.connect(rig.forward(srv.port(), "bin"))) {
                Loopback.send(c, new byte[] {0x00, 0x01, (byte) 0xfe, (byte) 0xff});
                Wait.until("the chunk to be held", () -> queue.size() == 1);
                HoldQueue.HeldChunk held = queue.held().get(0);
                String hex = Hex.format(held.bytes());
                assertEquals("00 01 fe ff", hex);
                // overwrite fe with 80, insert 7f before it, delete the 00, append 0d 0a
                String edited = hex.replace("fe", "7f 80").replaceFirst("^00 ", "") + "\n0d 0a";
                queue.forward(held, Hex.parse(edited));
                awaitReceived(srv, 6);
                assertArrayEquals(new byte[] {0x01, 0x7f, (byte) 0x80, (byte) 0xff, 0x0d, 0x0a}, srv.receivedBytes());
            }
        }
    }

    @Test
    void droppedChunkNeverReachesTheServerAndTheNextOneFlows() throws Exception {
        try (RecordingServer srv = new RecordingServer(); EngineRig rig = new EngineRig()) {
            HoldQueue queue = new HoldQueue(rig.engine);
            queue.setFilter(new InterceptFilter(DirectionFilter.C2S, null, Rule.Kind.TEXT, "secret"));
            queue.setEnabled(true);
            rig.engine.setHooks(List.of(new InterceptHook(queue)));
            try (Socket c = Loopback.connect(rig.forward(srv.port(), "drop"))) {
                Loopback.send(c, bytes("first "));
                awaitReceived(srv, 6);
                Loopback.send(c, bytes("my secret"));
                Wait.until("the chunk to be held", () -> queue.size() == 1);
                assertTrue(queue.drop(queue.held().get(0)));
                Loopback.send(c, bytes("next"));
                awaitReceived(srv, 10);
                assertEquals("first next", srv.receivedText());
            }
            EngineEvent.Chunk dropped = rig.await(EngineEvent.Chunk.class, e -> text(e.original()).equals("my secret"));
            assertTrue(dropped.dropped());
        }
    }

    @Test
    void closeConnectionFromTheQueueEndsItWithoutSendingTheHeldChunk() throws Exception {
        try (RecordingServer srv = new RecordingServer(); EngineRig rig = new EngineRig()) {
            HoldQueue queue = new HoldQueue(rig.engine);
            queue.setEnabled(true);
            rig.engine.setHooks(List.of(new InterceptHook(queue)));
            try (Socket c = Loopback.connect(rig.forward(srv.port(), "close"))) {
                Loopback.send(c, bytes("never sent"));
                Wait.until("the chunk to be held", () -> queue.size() == 1);
                long id = queue.held().get(0).connectionId();
                queue.closeConnection(id);
                assertEquals(0, queue.size());
                rig.await(EngineEvent.Closed.class, e -> e.connectionId() == id);
                Wait.until("the server to see the connection end", srv::sawEof);
                assertEquals("", srv.receivedText());
                int n;
                try {
                    n = c.getInputStream().read();
                } catch (IOException reset) {
                    n = -1;
                }
                assertEquals(-1, n, "the client sees its connection end");
            }
        }
    }

    @Test
    void pluginFromAJarRewritesAndItsExceptionsLeaveChunksUnchanged(@TempDir Path dir) throws Exception {
        Path jar = PluginJars.shoutingPlugin(dir);
        try (RecordingServer srv = new RecordingServer(); EngineRig rig = new EngineRig()) {
            List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
            rig.engine.setHooks(List.of(new PluginHook(PluginHook.load(jar), warnings::add)));
            try (Socket c = Loopback.connect(rig.forward(srv.port(), "plugin"))) {
                Loopback.send(c, bytes("hello "));
                awaitReceived(srv, 6);
                Loopback.send(c, bytes("a BOOM b "));
                awaitReceived(srv, 15);
                Loopback.send(c, bytes("bye"));
                awaitReceived(srv, 18);
                assertEquals("HELLO a BOOM b BYE", srv.receivedText());
                srv.send("reply");
                assertEquals("reply", Loopback.read(c, 5));
            }
            assertEquals(1, warnings.size(), warnings.toString());
            rig.await(EngineEvent.Closed.class, e -> true); // the connection ended normally, not in Failed
            assertFalse(rig.all(EngineEvent.Failed.class).iterator().hasNext(), "no connection failed");
            EngineEvent.Chunk boom = rig.await(EngineEvent.Chunk.class, e -> text(e.original()).equals("a BOOM b "));
            assertSame(boom.original(), boom.forwarded());
        }
    }

    @Test
    void aRegexThatBacktracksTooMuchIsReportedAndTheChunkFlowsOn() throws Exception {
        try (RecordingServer srv = new RecordingServer(); EngineRig rig = new EngineRig()) {
            rig.engine.setHooks(List.of(new RulesHook(List.of(Rule.parse("c2s:regex:/(.*a){20}b/x/")))));
            try (Socket c = Loopback.connect(rig.forward(srv.port(), "slow"))) {
                String evil = "a".repeat(28);
                Loopback.send(c, bytes(evil));
                awaitReceived(srv, 28);
                Loopback.send(c, bytes(" and on"));
                awaitReceived(srv, 35);
                assertEquals(evil + " and on", srv.receivedText());
            }
            EngineEvent.Notice notice = rig.await(EngineEvent.Notice.class, n -> n.message().contains("backtracks too much"));
            assertTrue(notice.message().contains("(.*a){20}b"), notice.message());
        }
    }
}
