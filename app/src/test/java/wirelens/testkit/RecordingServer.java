package wirelens.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A server on 127.0.0.1 that accepts one connection and records every byte it receives until the
 * client's EOF (then it half-closes and closes); it can answer with {@link #send(String)}.
 */
public final class RecordingServer implements AutoCloseable {
    private final ServerSocket listening;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile Socket socket;
    private volatile boolean eof;

    public RecordingServer() throws IOException {
        listening = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(this::run, "test-recording-server");
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
            s.shutdownOutput();
        } catch (IOException e) {
            // the test closed the server or the connection broke: what was received is kept
        } finally {
            eof = true;
        }
    }

    public int port() {
        return listening.getLocalPort();
    }

    public byte[] receivedBytes() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    public String receivedText() {
        return Latin1.text(receivedBytes());
    }

    /** True once the connection has ended (the client's EOF, a reset, or {@link #close()}). */
    public boolean sawEof() {
        return eof;
    }

    /** Sends text (Latin-1) to the client, waiting (bounded) for its connection first. */
    public void send(String text) throws Exception {
        Wait.until("the server's connection", () -> socket != null);
        Loopback.send(socket, Latin1.bytes(text));
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
