package wirelens.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.ExchangeLog;
import wirelens.proto.http.MemoryByteSource;

/**
 * An engine with one HTTP proxy listener whose events feed an {@link ExchangeLog} per connection, as
 * the capture does; the first few MiB of each stream are kept in memory for reading bodies back.
 */
final class HttpProxyRig implements AutoCloseable {
    private static final long KEEP_BYTES = 4L * 1024 * 1024;

    /** What the rig learned about one client connection. */
    static final class Conn {
        final ExchangeLog log = new ExchangeLog();
        final MemoryByteSource c2s = new MemoryByteSource();
        final MemoryByteSource s2c = new MemoryByteSource();
        volatile String end;
        private boolean c2sFull;
        private boolean s2cFull;

        synchronized List<Exchange> exchanges() {
            return log.exchanges();
        }
    }

    final EventQueue queue = new EventQueue(16L * 1024 * 1024);
    final Engine engine;
    final int port;
    final Map<Long, Conn> connections = new ConcurrentHashMap<>();
    private final Thread consumer;

    HttpProxyRig(EngineOptions options) throws Exception {
        engine = new Engine(queue, options);
        engine.start();
        consumer = new Thread(this::consume, "test-http-events");
        consumer.setDaemon(true);
        consumer.start();
        port = engine.addListener(ListenerConfig.http("127.0.0.1", 0)).get(5, TimeUnit.SECONDS).address().getPort();
    }

    private void consume() {
        List<EngineEvent> batch = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.clear();
                queue.drainTo(batch, 1000, 100, TimeUnit.MILLISECONDS);
                for (EngineEvent e : batch) {
                    apply(e);
                }
                queue.consumed(batch);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void apply(EngineEvent event) {
        if (event instanceof EngineEvent.Opened o) {
            connections.put(o.connectionId(), new Conn());
        } else if (event instanceof EngineEvent.Chunk c && c.forwarded() != null) {
            Conn conn = connections.get(c.connectionId());
            synchronized (conn) {
                boolean up = c.direction() == Direction.CLIENT_TO_SERVER;
                conn.log.onBytes(up, c.forwarded(), c.timeNanos());
                MemoryByteSource keep = up ? conn.c2s : conn.s2c;
                if (up ? conn.c2sFull : conn.s2cFull) {
                    return;
                }
                if (keep.size() + c.forwarded().length > KEEP_BYTES) {
                    if (up) {
                        conn.c2sFull = true;
                    } else {
                        conn.s2cFull = true;
                    }
                } else {
                    keep.append(c.forwarded());
                }
            }
        } else if (event instanceof EngineEvent.HalfClosed h) {
            Conn conn = connections.get(h.connectionId());
            synchronized (conn) {
                conn.log.onEof(h.direction() == Direction.CLIENT_TO_SERVER, h.timeNanos());
            }
        } else if (event instanceof EngineEvent.Closed c) {
            connections.get(c.connectionId()).end = c.reset() ? "reset" : "closed";
        } else if (event instanceof EngineEvent.Failed f) {
            connections.get(f.connectionId()).end = "failed: " + f.message();
        }
    }

    /** Waits (bounded) until the condition holds; false if it never did. */
    static boolean await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    /** A finished command: exit code and what it printed on stdout and stderr. */
    record Run(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    /** Runs a command (curl, openssl) with a bounded wait; its stdout is collected in memory. */
    static Run run(Path dir, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Path errFile = dir.resolve("stderr-" + System.nanoTime() + ".txt");
        pb.redirectError(errFile.toFile());
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("command did not finish: " + command);
        }
        return new Run(p.exitValue(), out.toByteArray(), java.nio.file.Files.readString(errFile));
    }

    @Override
    public void close() {
        engine.close();
        consumer.interrupt();
    }
}
