package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static wirelens.intercept.Peers.b;
import static wirelens.intercept.Peers.s;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;

/** Rules, hold, edit, drop and plugins through the real engine on loopback sockets. */
class InterceptEngineTest {

    private static void write(Socket s, byte[] bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    private static void awaitReceived(Peers.RecordingServer srv, int length) throws InterruptedException {
        Peers.await("the server to receive " + length + " bytes (has: '" + srv.received() + "')",
                () -> srv.receivedBytes().length >= length);
    }

    @Test
    void rulesRewriteBothDirectionsAndTheCaptureKeepsTheOriginal() throws Exception {
        try (Peers.RecordingServer srv = new Peers.RecordingServer(); Peers.Rig rig = new Peers.Rig()) {
            rig.engine.setHooks(List.of(new RulesHook(List.of(
                    Rule.parse("both:text:|secret plan|public plan|"),
                    Rule.parse("s2c:hex:/0d0a/0a/")))));
            try (Socket c = Peers.connect(rig.forwardTo(srv.port(), "plans"))) {
                write(c, b("the secret plan\r\n"));
                awaitReceived(srv, 17);
                assertEquals("the public plan\r\n", srv.received());
                srv.send("ok secret plan\r\n");
                assertEquals("ok public plan\n", Peers.read(c, 15));
            }
            EngineEvent.Chunk c2s = rig.await(EngineEvent.Chunk.class, e -> e.direction() == Direction.CLIENT_TO_SERVER);
            assertEquals("the secret plan\r\n", s(c2s.original()));
            assertEquals("the public plan\r\n", s(c2s.forwarded()));
            assertTrue(c2s.edited());
            EngineEvent.Chunk s2c = rig.await(EngineEvent.Chunk.class, e -> e.direction() == Direction.SERVER_TO_CLIENT);
            assertEquals("ok secret plan\r\n", s(s2c.original()));
            assertEquals("ok public plan\n", s(s2c.forwarded()));
        }
    }

    @Test
    void heldChunkIsEditedInTextAndLaterChunksFollowItUnchangedWhileTheOtherDirectionFlows() throws Exception {
        try (Peers.RecordingServer srv = new Peers.RecordingServer(); Peers.Rig rig = new Peers.Rig()) {
            HoldQueue queue = new HoldQueue(rig.engine);
            queue.setFilter(InterceptFilter.of(DirectionFilter.C2S));
            queue.setEnabled(true);
            rig.engine.setHooks(List.of(new InterceptHook(queue)));
            try (Socket c = Peers.connect(rig.forwardTo(srv.port(), "hold"))) {
                write(c, b("HELLO"));
                Peers.await("the chunk to be held", () -> queue.size() == 1);
                write(c, b("second"));
                write(c, b("third"));

                // the other direction flows while the client's chunk is held
                srv.send("220 ready\r\n");
                assertEquals("220 ready\r\n", Peers.read(c, 11));
                assertEquals("", srv.received(), "nothing passes the held chunk");

                HoldQueue.HeldChunk held = queue.held().get(0);
                assertEquals("hold", held.listener());
                assertEquals(Direction.CLIENT_TO_SERVER, held.direction());
                assertEquals(5, held.size());
                // what the text editor does: show escaped text, let the user type, read it back
                String edited = Escapes.escapeForEditing(held.bytes()) + " WORLD";
                queue.setEnabled(false);
                assertTrue(queue.forward(held, Escapes.unescapeEdited(edited)));

                awaitReceived(srv, "HELLO WORLDsecondthird".length());
                assertEquals("HELLO WORLDsecondthird", srv.received());
                assertEquals(0, queue.size());
            }
            EngineEvent.Chunk first = rig.await(EngineEvent.Chunk.class, e -> s(e.original()).equals("HELLO"));
            assertEquals("HELLO WORLD", s(first.forwarded()));
            java.util.function.Supplier<List<EngineEvent.Chunk>> later = () -> rig.all(EngineEvent.Chunk.class).stream()
                    .filter(e -> e.direction() == Direction.CLIENT_TO_SERVER && e != first).toList();
            // the event consumer runs on its own thread: wait for it to have seen the later chunks
            Peers.await("events of the later chunks", () -> later.get().stream().mapToInt(e -> e.original().length).sum() >= 11);
            assertEquals("secondthird", later.get().stream().map(e -> s(e.original())).reduce("", String::concat));
            assertTrue(later.get().stream().noneMatch(EngineEvent.Chunk::edited), "later chunks went on unchanged");
        }
    }

    @Test
    void binaryChunkEditedInHex() throws Exception {
        try (Peers.RecordingServer srv = new Peers.RecordingServer(); Peers.Rig rig = new Peers.Rig()) {
            HoldQueue queue = new HoldQueue(rig.engine);
            queue.setEnabled(true);
            rig.engine.setHooks(List.of(new InterceptHook(queue)));
            try (Socket c = Peers.connect(rig.forwardTo(srv.port(), "bin"))) {
                write(c, new byte[] {0x00, 0x01, (byte) 0xfe, (byte) 0xff});
                Peers.await("the chunk to be held", () -> queue.size() == 1);
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
        try (Peers.RecordingServer srv = new Peers.RecordingServer(); Peers.Rig rig = new Peers.Rig()) {
            HoldQueue queue = new HoldQueue(rig.engine);
            queue.setFilter(new InterceptFilter(DirectionFilter.C2S, null, Rule.Kind.TEXT, "secret"));
            queue.setEnabled(true);
            rig.engine.setHooks(List.of(new InterceptHook(queue)));
            try (Socket c = Peers.connect(rig.forwardTo(srv.port(), "drop"))) {
                write(c, b("first "));
                awaitReceived(srv, 6);
                write(c, b("my secret"));
                Peers.await("the chunk to be held", () -> queue.size() == 1);
                assertTrue(queue.drop(queue.held().get(0)));
                write(c, b("next"));
                awaitReceived(srv, 10);
                assertEquals("first next", srv.received());
            }
            EngineEvent.Chunk dropped = rig.await(EngineEvent.Chunk.class, e -> s(e.original()).equals("my secret"));
            assertTrue(dropped.dropped());
        }
    }

    @Test
    void closeConnectionFromTheQueueEndsItWithoutSendingTheHeldChunk() throws Exception {
        try (Peers.RecordingServer srv = new Peers.RecordingServer(); Peers.Rig rig = new Peers.Rig()) {
            HoldQueue queue = new HoldQueue(rig.engine);
            queue.setEnabled(true);
            rig.engine.setHooks(List.of(new InterceptHook(queue)));
            try (Socket c = Peers.connect(rig.forwardTo(srv.port(), "close"))) {
                write(c, b("never sent"));
                Peers.await("the chunk to be held", () -> queue.size() == 1);
                long id = queue.held().get(0).connectionId();
                queue.closeConnection(id);
                assertEquals(0, queue.size());
                rig.await(EngineEvent.Closed.class, e -> e.connectionId() == id);
                Peers.await("the server to see the connection end", srv::sawEof);
                assertEquals("", srv.received());
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
        try (Peers.RecordingServer srv = new Peers.RecordingServer(); Peers.Rig rig = new Peers.Rig()) {
            List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
            rig.engine.setHooks(List.of(new PluginHook(PluginHook.load(jar), warnings::add)));
            try (Socket c = Peers.connect(rig.forwardTo(srv.port(), "plugin"))) {
                write(c, b("hello "));
                awaitReceived(srv, 6);
                write(c, b("a BOOM b "));
                awaitReceived(srv, 15);
                write(c, b("bye"));
                awaitReceived(srv, 18);
                assertEquals("HELLO a BOOM b BYE", srv.received());
                srv.send("reply");
                assertEquals("reply", Peers.read(c, 5));
            }
            assertEquals(1, warnings.size(), warnings.toString());
            rig.await(EngineEvent.Closed.class, e -> true); // the connection ended normally, not in Failed
            assertFalse(rig.all(EngineEvent.Failed.class).iterator().hasNext(), "no connection failed");
            EngineEvent.Chunk boom = rig.await(EngineEvent.Chunk.class, e -> s(e.original()).equals("a BOOM b "));
            assertSame(boom.original(), boom.forwarded());
        }
    }

    @Test
    void aRegexThatBacktracksTooMuchIsReportedAndTheChunkFlowsOn() throws Exception {
        try (Peers.RecordingServer srv = new Peers.RecordingServer(); Peers.Rig rig = new Peers.Rig()) {
            rig.engine.setHooks(List.of(new RulesHook(List.of(Rule.parse("c2s:regex:/(.*a){20}b/x/")))));
            try (Socket c = Peers.connect(rig.forwardTo(srv.port(), "slow"))) {
                String evil = "a".repeat(28);
                write(c, b(evil));
                awaitReceived(srv, 28);
                write(c, b(" and on"));
                awaitReceived(srv, 35);
                assertEquals(evil + " and on", srv.received());
            }
            EngineEvent.Notice notice = rig.await(EngineEvent.Notice.class, n -> n.message().contains("backtracks too much"));
            assertTrue(notice.message().contains("(.*a){20}b"), notice.message());
        }
    }
}
