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
import java.util.concurrent.TimeUnit;

/**
 * Runs short-lived connections through a throwaway engine on loopback before the real listeners open,
 * so that the JIT has compiled the accept → connect → relay → close path before the first client
 * arrives. A fresh JVM otherwise interprets that path for its first few thousand connections while
 * its compiler threads take CPU from it.
 *
 * <p>Everything stays on 127.0.0.1 with ephemeral ports: a throwaway engine (its own event queue, so
 * nothing reaches the capture, the log or the connection ids), a forward listener on port 0, and an
 * echo server on port 0 on its own thread. Each warm-up connection sends 64 bytes, reads them back,
 * half-closes, and is then reset by the echo server (SO_LINGER 0), which the engine passes on as a
 * reset: no socket is left open or in TIME_WAIT. It stops at its time budget or connection count, and
 * any failure only ends it early — it never stops the real start.
 */
public final class WarmUp {
    private static final int MESSAGE_BYTES = 64;
    /** Every so many connections also carries this much each way, so bulk relaying (partial writes) is warm too. */
    private static final int BULK_EVERY = 16;
    private static final int BULK_BYTES = 1 << 20;
    private static final int SOCKET_TIMEOUT_MILLIS = 1000;

    /**
     * What a warm-up did: connections completed, how long it took, why it stopped early (or null), and
     * the two loopback ports it used (0 if none), so that a test can check nothing is left on them.
     */
    public record Result(int connections, long millis, String stoppedBecause, int listenerPort, int echoPort) {}

    private WarmUp() {}

    /** Runs up to {@code maxConnections} warm-up connections within about {@code budgetMillis}. */
    public static Result run(EngineOptions options, long budgetMillis, int maxConnections) {
        if (budgetMillis <= 0 || maxConnections <= 0) {
            return new Result(0, 0, null, 0, 0);
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int done = 0;
        String stopped = null;
        int listenerPort = 0;
        int echoPort = 0;
        EventQueue events = new EventQueue(options.eventBudgetBytes());
        List<EngineEvent> drained = new ArrayList<>();
        try (ServerSocket echoServer = new ServerSocket(0, 50, loopback);
                Engine engine = new Engine(events, options)) {
            Thread echo = new Thread(() -> serveEcho(echoServer), "wirelens-warmup-echo");
            echo.setDaemon(true);
            echo.start();
            engine.start();
            Engine.Bound bound = engine.addListener(ListenerConfig.forward(loopback.getHostAddress(), 0,
                    loopback.getHostAddress(), echoServer.getLocalPort())).get(budgetMillis, TimeUnit.MILLISECONDS);
            InetSocketAddress proxy = bound.address();
            listenerPort = proxy.getPort();
            echoPort = echoServer.getLocalPort();
            byte[] message = new byte[MESSAGE_BYTES];
            byte[] reply = new byte[MESSAGE_BYTES];
            byte[] bulk = new byte[64 * 1024];
            int failures = 0;
            while (done < maxConnections && System.nanoTime() < deadline && failures < 3) {
                try {
                    message[0] = (byte) (done % BULK_EVERY == BULK_EVERY - 1 ? 1 : 0);
                    oneConnection(proxy, message, reply, bulk);
                    done++;
                } catch (IOException e) {
                    failures++;
                    stopped = e.toString();
                }
                // nobody records the throwaway engine's events: let them go as they come
                drained.clear();
                events.drainTo(drained, Integer.MAX_VALUE, 0, TimeUnit.MILLISECONDS);
                events.consumed(drained);
            }
            if (failures < 3) {
                stopped = null;
            }
            echoServer.close();
            echo.join(SOCKET_TIMEOUT_MILLIS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            stopped = e.toString();
        }
        return new Result(done, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), stopped, listenerPort,
                echoPort);
    }

    /**
     * One client: connect, 64 bytes there and back (then {@link #BULK_BYTES} each way if the first byte
     * is 1), half-close, then wait for the reset.
     */
    private static void oneConnection(InetSocketAddress proxy, byte[] message, byte[] reply, byte[] bulk)
            throws IOException {
        try (Socket s = new Socket()) {
            s.setSoLinger(true, 0);
            s.setTcpNoDelay(true);
            s.connect(proxy, SOCKET_TIMEOUT_MILLIS);
            s.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            s.getOutputStream().write(message);
            readFully(s.getInputStream(), reply);
            if (message[0] == 1) {
                writeBulk(s.getOutputStream(), bulk);
                readBulk(s.getInputStream(), bulk);
            }
            s.shutdownOutput();
            try {
                while (s.getInputStream().read(reply) >= 0) {
                    // the echo server sends nothing more; the engine ends this connection with a reset
                }
            } catch (IOException reset) {
                // expected: the reset that ends the connection without a TIME_WAIT
            }
        }
    }

    /**
     * Echoes each connection's first 64 bytes (and takes then sends the bulk bytes if asked), waits for
     * its EOF, then resets it (no TIME_WAIT).
     */
    private static void serveEcho(ServerSocket server) {
        byte[] buffer = new byte[MESSAGE_BYTES];
        byte[] bulk = new byte[64 * 1024];
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoLinger(true, 0);
                s.setTcpNoDelay(true);
                s.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                readFully(in, buffer);
                out.write(buffer);
                if (buffer[0] == 1) {
                    readBulk(in, bulk);
                    writeBulk(out, bulk);
                }
                while (in.read(buffer) >= 0) {
                    // until the engine passes on the client's half-close
                }
            } catch (IOException e) {
                // the server socket was closed (the warm-up is over), or one connection went wrong
            }
        }
    }

    private static void writeBulk(OutputStream out, byte[] chunk) throws IOException {
        for (int sent = 0; sent < BULK_BYTES; sent += chunk.length) {
            out.write(chunk, 0, Math.min(chunk.length, BULK_BYTES - sent));
        }
    }

    private static void readBulk(InputStream in, byte[] chunk) throws IOException {
        int got = 0;
        while (got < BULK_BYTES) {
            int r = in.read(chunk, 0, Math.min(chunk.length, BULK_BYTES - got));
            if (r < 0) {
                throw new IOException("closed after " + got + " bulk bytes");
            }
            got += r;
        }
    }

    private static void readFully(InputStream in, byte[] into) throws IOException {
        int n = 0;
        while (n < into.length) {
            int r = in.read(into, n, into.length - n);
            if (r < 0) {
                throw new IOException("closed after " + n + " bytes");
            }
            n += r;
        }
    }
}
