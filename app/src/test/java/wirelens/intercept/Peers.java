package wirelens.intercept;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import wirelens.engine.Engine;
import wirelens.engine.EngineEvent;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;

/** Real loopback peers and a running engine for the intercept's socket tests. */
final class Peers {
    private Peers() {}

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Waits (bounded, 10 s) until the condition holds; fails the test otherwise. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 10 s waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** A server that accepts one connection and records every byte it receives. */
    static final class RecordingServer implements AutoCloseable {
        final ServerSocket listening;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private volatile Socket socket;
        private volatile boolean eof;
        private final Thread thread;

        RecordingServer() throws IOException {
            listening = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            thread = new Thread(this::run, "test-recording-server");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try (Socket s = listening.accept()) {
                socket = s;
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (received) {
                        received.write(buf, 0, n);
                    }
                }
                eof = true;
                s.shutdownOutput();
            } catch (IOException e) {
                eof = true;
            }
        }

        int port() {
            return listening.getLocalPort();
        }

        String received() {
            synchronized (received) {
                return new String(received.toByteArray(), StandardCharsets.ISO_8859_1);
            }
        }

        byte[] receivedBytes() {
            synchronized (received) {
                return received.toByteArray();
            }
        }

        boolean sawEof() {
            return eof;
        }

        void send(String text) throws Exception {
            await("the server's connection", () -> socket != null);
            socket.getOutputStream().write(b(text));
            socket.getOutputStream().flush();
        }

        @Override
        public void close() throws IOException {
            listening.close();
            Socket s = socket;
            if (s != null) {
                s.close();
            }
        }
    }

    /** An engine with a consumer thread that collects its events. */
    static final class Rig implements AutoCloseable {
        final EventQueue queue = new EventQueue(16L * 1024 * 1024);
        final Engine engine = new Engine(queue, EngineOptions.defaults());
        final List<EngineEvent> events = new CopyOnWriteArrayList<>();
        private final Thread consumer;

        Rig() {
            engine.start();
            consumer = new Thread(() -> {
                List<EngineEvent> batch = new ArrayList<>();
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        batch.clear();
                        queue.drainTo(batch, 1000, 100, TimeUnit.MILLISECONDS);
                        events.addAll(batch);
                        queue.consumed(batch);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "test-events");
            consumer.setDaemon(true);
            consumer.start();
        }

        int forwardTo(int targetPort, String name) throws Exception {
            return engine.addListener(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", targetPort).withName(name))
                    .get(10, TimeUnit.SECONDS).address().getPort();
        }

        <T extends EngineEvent> List<T> all(Class<T> type) {
            List<T> out = new ArrayList<>();
            for (EngineEvent e : events) {
                if (type.isInstance(e)) {
                    out.add(type.cast(e));
                }
            }
            return out;
        }

        <T extends EngineEvent> T await(Class<T> type, Predicate<T> match) throws InterruptedException {
            Peers.await("a matching " + type.getSimpleName() + " event",
                    () -> all(type).stream().anyMatch(match));
            return all(type).stream().filter(match).findFirst().orElseThrow();
        }

        @Override
        public void close() {
            engine.close();
            consumer.interrupt();
        }
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    static String read(Socket s, int length) throws IOException {
        return new String(s.getInputStream().readNBytes(length), StandardCharsets.ISO_8859_1);
    }
}
