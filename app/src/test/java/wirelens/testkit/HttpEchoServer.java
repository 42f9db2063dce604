package wirelens.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import wirelens.proto.http.HttpDecoder;
import wirelens.proto.http.HttpEvent;

/**
 * An HTTP/1.1 origin on 127.0.0.1 that answers every request with {@code 200 OK} and, as a text/plain body,
 * the request exactly as it arrived (head and body); keep-alive. It keeps every request it received
 * ({@link #requests}), so a test sees what reached the origin.
 */
public final class HttpEchoServer implements AutoCloseable {
    private final LoopbackServer server;
    /** Every request received so far, whole, as Latin-1 text, in order. */
    public final List<String> requests = new CopyOnWriteArrayList<>();

    public HttpEchoServer() throws IOException {
        server = new LoopbackServer(this::serve);
    }

    public int port() {
        return server.port();
    }

    private void serve(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        HttpDecoder decoder = new HttpDecoder(HttpDecoder.Role.REQUEST);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        List<HttpEvent> events = new ArrayList<>();
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            int off = 0;
            while (off < n) {
                events.clear();
                int used = decoder.feed(buf, off, n - off, events);
                request.write(buf, off, used);
                off += used;
                if (events.stream().anyMatch(e -> e instanceof HttpEvent.Error)) {
                    return;
                }
                if (events.stream().anyMatch(e -> e instanceof HttpEvent.End)) {
                    byte[] whole = request.toByteArray();
                    request.reset();
                    requests.add(Latin1.text(whole));
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + whole.length
                            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(whole);
                    out.flush();
                }
                if (used == 0) {
                    return; // CONNECT or Upgrade: not for this server
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
