package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import wirelens.testkit.EngineRig;
import wirelens.testkit.LoopbackServer;

/**
 * The seam between a socket and the session: a layer shaped like TLS, installed on both sides in the
 * middle of a connection (as STARTTLS does), carries a conversation through the unchanged relay, and
 * the session and the capture see only the plain bytes. On the target side nothing is queued when the
 * layer is installed, so it takes over at once; on the client side the bytes queued before go out
 * plain first.
 *
 * <p>The toy layer sends a one-byte hello each way before any data (the side that connected speaks
 * first, and the answering side runs a step of its handshake off the selector thread, then wakes the
 * connection), XORs every byte on the wire, reads ahead and hands the session at most
 * {@link XorLayer#MAX_READ} bytes per read (so it holds input the socket will not announce again),
 * and holds output of its own when the socket is full.
 */
class SideLayerTest {
    private static final byte[] GO = ascii("GO\n");
    private static final byte[] START = ascii("STARTXOR\n");
    /**
     * Plain bytes the session sends the client just before the go-ahead: more than the client's socket
     * buffers hold while it does not read, so they and the go-ahead still wait in the engine when the
     * layers are installed.
     */
    private static final byte[] BANNER = pattern(8 * 1024 * 1024, i -> 'a' + i % 26);
    private static final byte[] MESSAGE = pattern(300_000, i -> i * 7);
    private static final byte[] REPLY = pattern(200_000, i -> i * 13 + 1);

    private interface ByteAt {
        int at(int i);
    }

    private static byte[] pattern(int length, ByteAt f) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) f.at(i);
        }
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] xor(byte[] data) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (byte) (data[i] ^ XorLayer.KEY);
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A toy layer with the shape of TLS (see the class comment). */
    static final class XorLayer implements SideLayer {
        static final byte HELLO = 0x16;
        static final int KEY = 0x5A;
        static final int MAX_READ = 1000;
        private final boolean connectingSide;
        /** Bytes read from the socket, not yet handed on (write mode). */
        private final ByteBuffer netIn = ByteBuffer.allocate(8192);
        /** Bytes for the socket, not yet written (read mode). */
        private final ByteBuffer netOut = ByteBuffer.allocate(4096).flip();
        private Runnable wake;
        private boolean helloSent;
        private boolean helloReceived;
        private volatile boolean taskDone;
        private boolean peerEnded;
        private boolean shutdownWanted;
        private boolean shut;
        final AtomicInteger wakes = new AtomicInteger();

        XorLayer(boolean connectingSide) {
            this.connectingSide = connectingSide;
        }

        private boolean handshaking() {
            return !(helloSent && helloReceived);
        }

        private void queue(byte b) {
            netOut.compact().put(b).flip();
        }

        private void flushOut(SocketChannel ch) throws IOException {
            while (netOut.hasRemaining() && ch.write(netOut) > 0) {
                // as much as the socket takes
            }
        }

        private void fill(SocketChannel ch) throws IOException {
            if (!peerEnded && netIn.hasRemaining() && ch.read(netIn) < 0) {
                peerEnded = true;
            }
        }

        @Override
        public void start(Runnable wake) {
            this.wake = wake;
            if (connectingSide) {
                queue(HELLO);
                helloSent = true;
            }
        }

        @Override
        public void advance(SocketChannel ch) throws IOException {
            flushOut(ch);
            if (!helloReceived) {
                fill(ch);
                netIn.flip();
                if (netIn.hasRemaining()) {
                    if (netIn.get() != HELLO) {
                        throw new IOException("no hello");
                    }
                    helloReceived = true;
                    if (!connectingSide) {
                        answerOffTheLoop();
                    }
                }
                netIn.compact();
                if (!helloReceived && peerEnded) {
                    throw new IOException("the peer ended before its hello");
                }
            }
            if (!connectingSide && helloReceived && !helloSent && taskDone) {
                queue(HELLO);
                helloSent = true;
                flushOut(ch);
            }
            if (shutdownWanted && !shut && !netOut.hasRemaining()) {
                ch.shutdownOutput();
                shut = true;
            }
        }

        /** Stands for TLS's delegated tasks: work the selector thread must not do. */
        private void answerOffTheLoop() {
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
                taskDone = true;
                wakes.incrementAndGet();
                wake.run();
            }, "test-layer-task");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public int read(SocketChannel ch, ByteBuffer dst) throws IOException {
            advance(ch);
            if (handshaking()) {
                return 0;
            }
            if (netIn.position() == 0) {
                fill(ch);
            }
            if (netIn.position() == 0) {
                return peerEnded ? -1 : 0;
            }
            netIn.flip();
            int n = Math.min(MAX_READ, Math.min(dst.remaining(), netIn.remaining()));
            for (int i = 0; i < n; i++) {
                dst.put((byte) (netIn.get() ^ KEY));
            }
            netIn.compact();
            return n;
        }

        @Override
        public int write(SocketChannel ch, ByteBuffer src) throws IOException {
            flushOut(ch);
            if (handshaking() || netOut.hasRemaining()) {
                return 0;
            }
            netOut.compact();
            int n = Math.min(src.remaining(), netOut.remaining());
            for (int i = 0; i < n; i++) {
                netOut.put((byte) (src.get() ^ KEY));
            }
            netOut.flip();
            flushOut(ch);
            return n;
        }

        @Override
        public void shutdownOutput(SocketChannel ch) throws IOException {
            shutdownWanted = true;
            advance(ch);
        }

        @Override
        public int interestOps(int wanted) {
            int own = netOut.hasRemaining() ? SelectionKey.OP_WRITE : 0;
            if (handshaking()) {
                return own | (helloReceived ? 0 : SelectionKey.OP_READ);
            }
            return wanted | own;
        }

        @Override
        public boolean holdsOutput() {
            return netOut.hasRemaining();
        }

        @Override
        public boolean holdsInput() {
            return !handshaking() && netIn.position() > 0;
        }
    }

    /**
     * Relays as a forward listener does; when the target says GO, sends the client a banner, then the
     * GO, and switches both sides to the XOR layer.
     */
    static final class StartXorSession implements Session {
        private final ForwardSession relay;
        private final List<XorLayer> installed;
        private int matched;
        private boolean switched;

        StartXorSession(int targetPort, List<XorLayer> installed) {
            this.relay = new ForwardSession("127.0.0.1", targetPort);
            this.installed = installed;
        }

        @Override
        public void handle(SessionEvent event, SessionOutput out) {
            boolean goAhead = !switched && event instanceof SessionEvent.Received r && r.from() == Side.TARGET
                    && endsWithGo(r.data().duplicate());
            if (goAhead) {
                out.send(Side.CLIENT, ByteBuffer.wrap(BANNER));
            }
            relay.handle(event, out);
            if (goAhead) {
                // the go-ahead itself was sent plain, before the switch
                switched = true;
                XorLayer toClient = new XorLayer(false);
                XorLayer toServer = new XorLayer(true);
                installed.add(toClient);
                installed.add(toServer);
                out.installLayer(Side.CLIENT, toClient);
                out.installLayer(Side.TARGET, toServer);
            }
        }

        private boolean endsWithGo(ByteBuffer data) {
            while (data.hasRemaining()) {
                byte b = data.get();
                matched = b == GO[matched] ? matched + 1 : b == GO[0] ? 1 : 0;
                if (matched == GO.length) {
                    return !data.hasRemaining();
                }
            }
            return false;
        }
    }

    @Test
    void aLayerInstalledMidConnectionOnBothSidesCarriesTheConversation() throws Exception {
        AtomicReference<byte[]> serverGot = new AtomicReference<>();
        LoopbackServer.Handler server = s -> {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] start = new byte[START.length];
            in.readFully(start);
            out.write(GO);
            if (in.read() != XorLayer.HELLO) {
                throw new IOException("the engine sent no hello");
            }
            out.write(XorLayer.HELLO);
            byte[] message = new byte[MESSAGE.length];
            in.readFully(message);
            serverGot.set(xor(message));
            out.write(xor(REPLY));
            s.shutdownOutput();
            if (in.read() != -1) {
                throw new IOException("more bytes after the client's message");
            }
        };
        List<XorLayer> layers = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream[] recorded = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
        BlockingQueue<EngineEvent> ends = new LinkedBlockingQueue<>();
        try (LoopbackServer srv = new LoopbackServer("127.0.0.1", server);
                EngineRig rig = new EngineRig(queue -> new Engine(queue, EngineOptions.defaults(), 1,
                        config -> new StartXorSession(srv.port(), layers)))) {
            rig.keepEvents(false).onEvent(e -> record(e, recorded, ends));
            int port = rig.forward(srv.port());
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(64 * 1024); // fixed, so that the banner cannot all fit in the kernel
                s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                s.setSoTimeout(20_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write(START);
                Thread.sleep(300); // the banner piles up in the engine meanwhile
                byte[] plain = new byte[BANNER.length + GO.length];
                in.readFully(plain);
                assertArrayEquals(concat(BANNER, GO), plain, "the bytes before the switch arrive plain");
                out.write(XorLayer.HELLO);
                assertEquals(XorLayer.HELLO, in.read(), "the engine's layer answers the hello");
                out.write(xor(MESSAGE));
                byte[] reply = new byte[REPLY.length];
                in.readFully(reply);
                assertArrayEquals(REPLY, xor(reply));
                s.shutdownOutput();
                assertEquals(-1, in.read(), "the server's end of sending arrives through the layer");
            }
            assertTrue(srv.failures.isEmpty(), srv.failures.toString());
            assertArrayEquals(MESSAGE, serverGot.get());
            EngineEvent end = ends.poll(10, TimeUnit.SECONDS);
            EngineEvent.Closed closed = assertInstanceOf(EngineEvent.Closed.class, end);
            assertEquals(START.length + MESSAGE.length, closed.bytesClientToServer());
            assertEquals(GO.length + REPLY.length, closed.bytesServerToClient()); // the banner is not the server's
            // the capture saw what the session saw: plain bytes, no hellos
            assertArrayEquals(concat(START, MESSAGE), recorded[0].toByteArray());
            assertArrayEquals(concat(GO, REPLY), recorded[1].toByteArray());
            assertEquals(2, layers.size());
            assertEquals(1, layers.get(0).wakes.get(), "the client side's layer woke its connection once");
        }
    }

    /** Keeps the forwarded bytes of each chunk per direction, and each connection's end. */
    private static void record(EngineEvent e, ByteArrayOutputStream[] recorded, BlockingQueue<EngineEvent> ends) {
        if (e instanceof EngineEvent.Chunk c) {
            recorded[c.direction().ordinal()].writeBytes(c.forwarded());
            c.release();
        } else if (e instanceof EngineEvent.Closed || e instanceof EngineEvent.Failed) {
            ends.add(e);
        }
    }
}
