package wirelens.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A test's client side on loopback: connecting, sending, reading a known length, finding a free port. */
public final class Loopback {
    private Loopback() {}

    /** A connected socket to 127.0.0.1:port (5 s to connect; reads give up after 10 s). */
    public static Socket connect(int port) throws IOException {
        return connect("127.0.0.1", port);
    }

    /** As {@link #connect(int)}, to a loopback address of choice ("127.0.0.1" or "::1"). */
    public static Socket connect(String host, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(10_000);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    public static void send(Socket s, byte[] bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes);
        out.flush();
    }

    /** Reads exactly {@code length} bytes (fewer only at EOF) as Latin-1 text. */
    public static String read(Socket s, int length) throws IOException {
        return Latin1.text(s.getInputStream().readNBytes(length));
    }

    /**
     * Sends {@code request} and reads exactly as many bytes back, what an echo server answers; fails
     * the test if the reply ends short.
     */
    public static byte[] roundTrip(Socket s, byte[] request) throws IOException {
        send(s, request);
        byte[] reply = s.getInputStream().readNBytes(request.length);
        if (reply.length != request.length) {
            throw new AssertionError("short reply: " + reply.length + " of " + request.length + " bytes");
        }
        return reply;
    }

    /**
     * Reads one line (Latin-1, without its CRLF) a byte at a time, so that nothing after it is taken from
     * the stream (a TLS handshake may follow); null at EOF.
     */
    public static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toString().replaceAll("\r$", "");
            }
            line.append((char) b);
        }
        return line.isEmpty() ? null : line.toString();
    }

    /** A port nothing listens on at the moment (a peer started next binds it, or a test expects a refusal). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** True if something accepts a connection on 127.0.0.1:port within 200 ms. */
    public static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
