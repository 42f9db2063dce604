package wirelens.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A blocking server on a loopback address that runs a handler on each accepted connection, each on a
 * thread of its own; what a handler throws is kept in {@link #failures} for the test to check.
 */
public final class LoopbackServer implements AutoCloseable {

    /** What the server does with one accepted connection; the socket is closed when it returns. */
    @FunctionalInterface
    public interface Handler {
        void handle(Socket s) throws IOException;
    }

    private final ServerSocket socket;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-server");
        t.setDaemon(true);
        return t;
    });
    /** What the handlers threw so far. */
    public final List<Throwable> failures = new CopyOnWriteArrayList<>();

    /** Listens on {@code host} ("127.0.0.1" or "::1"), on a free port; reads time out after 20 s. */
    public LoopbackServer(String host, Handler handler) throws IOException {
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

    /** On 127.0.0.1. */
    public LoopbackServer(Handler handler) throws IOException {
        this("127.0.0.1", handler);
    }

    /** Sends back every byte it receives, and half-closes after the client's EOF. */
    public static LoopbackServer echo() throws IOException {
        return echo("127.0.0.1");
    }

    public static LoopbackServer echo(String host) throws IOException {
        return new LoopbackServer(host, s -> echoUntilEof(s, false));
    }

    /**
     * As {@link #echo()}, with ASCII letters upper-cased: a window test tells the reply from the request
     * in what the view shows.
     */
    public static LoopbackServer upperCaseEcho() throws IOException {
        return new LoopbackServer(s -> echoUntilEof(s, true));
    }

    /** Reads everything the client sends and throws it away. */
    public static LoopbackServer sink() throws IOException {
        return new LoopbackServer(s -> s.getInputStream().transferTo(OutputStream.nullOutputStream()));
    }

    private static void echoUntilEof(Socket s, boolean upperCase) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[32 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (upperCase) {
                upperCaseAscii(buf, n);
            }
            out.write(buf, 0, n);
        }
        s.shutdownOutput();
    }

    private static void upperCaseAscii(byte[] buf, int length) {
        for (int i = 0; i < length; i++) {
            if (buf[i] >= 'a' && buf[i] <= 'z') {
                buf[i] -= 'a' - 'A';
            }
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        pool.shutdownNow();
    }
}
