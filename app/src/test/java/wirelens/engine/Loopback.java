package wirelens.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Test peers on loopback: simple blocking servers with a handler per connection, and an event log. */
final class Loopback {
    private Loopback() {}

    interface Handler {
        void handle(Socket s) throws IOException;
    }

    /** A server on 127.0.0.1 (or ::1) that runs a handler per accepted connection. */
    static final class Server implements AutoCloseable {
        final ServerSocket socket;
        private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-server");
            t.setDaemon(true);
            return t;
        });
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        Server(String host, Handler handler) throws IOException {
            socket = new ServerSocket(0, 1024, InetAddress.getByName(host));
            pool.execute(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        s.setSoTimeout(20_000);
                        pool.execute(() -> {
                            try (s) {
                                handler.handle(s);
                            } catch (IOException | RuntimeException e) {
                                failures.add(e);
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        static Server echo() throws IOException {
            return new Server("127.0.0.1", Loopback::echo);
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            pool.shutdownNow();
        }
    }

    static void echo(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[32 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        s.shutdownOutput();
    }

    static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    /** An engine on a fresh queue whose events are collected by a consumer thread. */
    static final class Rig implements AutoCloseable {
        final EventQueue queue = new EventQueue(16L * 1024 * 1024);
        final Engine engine;
        final List<EngineEvent> events = new CopyOnWriteArrayList<>();
        private final Thread consumer;

        Rig(EngineOptions options) {
            this(options, 0);
        }

        /** An engine with {@code loops} selector threads (0: the engine's default). */
        Rig(EngineOptions options, int loops) {
            engine = loops == 0 ? new Engine(queue, options) : new Engine(queue, options, loops);
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

        Rig() {
            this(EngineOptions.defaults());
        }

        int forward(String bind, String targetHost, int targetPort) throws Exception {
            return engine.addListener(ListenerConfig.forward(bind, 0, targetHost, targetPort))
                    .get(5, TimeUnit.SECONDS).address().getPort();
        }

        int forward(int targetPort) throws Exception {
            return forward("127.0.0.1", "127.0.0.1", targetPort);
        }

        /** Waits (bounded) until an event matching the predicate has arrived, and returns it. */
        <T extends EngineEvent> T await(Class<T> type, Predicate<T> match) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                for (EngineEvent e : events) {
                    if (type.isInstance(e) && match.test(type.cast(e))) {
                        return type.cast(e);
                    }
                }
                Thread.sleep(10);
            }
            throw new AssertionError("no " + type.getSimpleName() + " event within 10 s; got " + events.size() + " events");
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
}
