package wirelens.ui.intercept;

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
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import wirelens.engine.Engine;
import wirelens.engine.EngineEvent;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.intercept.HoldQueue;
import wirelens.testkit.Fx;

/**
 * A real engine on 127.0.0.1 with a hold queue fed by an event consumer thread, recording servers,
 * shared by the intercept and rules pane tests and the intercept window test.
 */
public final class InterceptTestRig implements AutoCloseable {
    public final EventQueue events = new EventQueue(16L * 1024 * 1024);
    public final Engine engine = new Engine(events, EngineOptions.defaults());
    public final HoldQueue queue = new HoldQueue(engine);
    public final List<EngineEvent> seen = new CopyOnWriteArrayList<>();
    private final Thread consumer;
    private final List<AutoCloseable> owned = new ArrayList<>();

    public InterceptTestRig() {
        engine.start();
        consumer = new Thread(() -> {
            List<EngineEvent> batch = new ArrayList<>();
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    batch.clear();
                    events.drainTo(batch, 1000, 100, TimeUnit.MILLISECONDS);
                    for (EngineEvent e : batch) {
                        queue.onEngineEvent(e);
                    }
                    seen.addAll(batch);
                    events.consumed(batch);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-intercept-events");
        consumer.setDaemon(true);
        consumer.start();
    }

    /** Adds a forward listener on 127.0.0.1 to the server; returns the port clients connect to. */
    public int forwardTo(RecordingServer server, String name) throws Exception {
        return engine.addListener(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", server.port()).withName(name))
                .get(10, TimeUnit.SECONDS).address().getPort();
    }

    public Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        owned.add(s);
        return s;
    }

    public RecordingServer server() throws IOException {
        RecordingServer s = new RecordingServer();
        owned.add(s);
        return s;
    }

    public <T extends EngineEvent> List<T> all(Class<T> type) {
        return seen.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : owned) {
            c.close();
        }
        engine.close();
        consumer.interrupt();
    }

    public static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static void send(Socket s, byte[] bytes) throws IOException {
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
    }

    /** Waits (at most 10 s) until the condition holds; the condition runs on this thread. */
    public static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Boolean.TRUE.equals(condition.call())) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("timed out after 10 s waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Waits until the condition, checked on the FX thread, holds. */
    public static void awaitFx(String what, Callable<Boolean> condition) throws Exception {
        await(what, () -> Fx.fx(condition));
    }

    /** Accepts one connection and records every byte; can answer; notices the client's EOF. */
    public static final class RecordingServer implements AutoCloseable {
        private final ServerSocket listening;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private volatile Socket socket;
        private volatile boolean eof;

        public RecordingServer() throws IOException {
            listening = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::run, "test-recording-server");
            t.setDaemon(true);
            t.start();
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
            } catch (IOException e) {
                // the test closed us; what was received is kept
            } finally {
                eof = true;
            }
        }

        public int port() {
            return listening.getLocalPort();
        }

        public byte[] received() {
            synchronized (received) {
                return received.toByteArray();
            }
        }

        public String receivedText() {
            return s(received());
        }

        public boolean sawEof() {
            return eof;
        }

        public void send(String text) throws Exception {
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
}
