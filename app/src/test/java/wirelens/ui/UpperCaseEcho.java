package wirelens.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A server on 127.0.0.1 that answers every read with the same bytes upper-cased (ASCII letters). */
public final class UpperCaseEcho implements AutoCloseable {
    public final ServerSocket socket;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-echo");
        t.setDaemon(true);
        return t;
    });

    public UpperCaseEcho() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.execute(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    s.setSoTimeout(30_000);
                    pool.execute(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    public int port() {
        return socket.getLocalPort();
    }

    private static void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] >= 'a' && buffer[i] <= 'z') {
                        buffer[i] -= 32;
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away; nothing to check here
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        pool.shutdownNow();
    }

    /** A client that sends a line and reads exactly as many bytes back. */
    public static byte[] roundTrip(Socket client, byte[] request) throws IOException {
        client.getOutputStream().write(request);
        client.getOutputStream().flush();
        byte[] reply = client.getInputStream().readNBytes(request.length);
        if (reply.length != request.length) {
            throw new IOException("short reply: " + reply.length + " of " + request.length + " bytes");
        }
        return reply;
    }
}
