package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.Direction;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.Tshark;

/**
 * A real session through the real engine, recorded, then checked with real tshark and the reader:
 * several connections, both directions, chunks over 64 KiB, a reset, a half-close, IPv4 and IPv6.
 */
class RecordedSessionTest {
    @TempDir
    Path dir;

    /** What one connection carried, as the peers saw it. */
    record Exchange(int clientPort, byte[] clientSent, byte[] serverSent, ConnectionEnd expectedEnd) {}

    interface ServerSide {
        byte[] run(Socket s) throws IOException;
    }

    interface ClientSide {
        byte[] run(Socket s) throws IOException;
    }

    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-peer");
        t.setDaemon(true);
        return t;
    });

    private Exchange exchange(ServerSocket server, InetSocketAddress proxy, ClientSide client, ServerSide serverSide,
            ConnectionEnd end) throws Exception {
        Future<byte[]> served = pool.submit(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(20_000);
                return serverSide.run(s);
            }
        });
        Socket s = new Socket();
        s.setSoTimeout(20_000);
        s.connect(proxy, 10_000);
        int port = s.getLocalPort();
        byte[] sent = client.run(s);
        byte[] serverSent = served.get(30, TimeUnit.SECONDS);
        return new Exchange(port, sent, serverSent, end);
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("short read: " + b.length + " of " + n);
        }
        return b;
    }

    @Test
    void tsharkFollowMatchesWhatThePeersSentAndTheReaderAgrees() throws Exception {
        Tshark.assumeInstalled();
        Path file = dir.resolve("session.pcapng");
        EventQueue queue = new EventQueue(32L << 20);
        Recorder recorder = Recorder.toFile(queue, file);
        recorder.start();
        List<Exchange> exchanges = new ArrayList<>();
        try (Engine engine = new Engine(queue, EngineOptions.defaults());
                ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            engine.start();
            InetSocketAddress proxy = engine.addListener(
                    ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", server.getLocalPort())).get(10, TimeUnit.SECONDS)
                    .address();

            // big both ways, the server finishes first
            byte[] up = random(1, 300_000);
            byte[] down = random(2, 200_000);
            exchanges.add(exchange(server, proxy, s -> {
                s.getOutputStream().write(up);
                s.getOutputStream().flush();
                s.getInputStream().readAllBytes();
                s.close();
                return up;
            }, s -> {
                readExactly(s.getInputStream(), up.length);
                s.getOutputStream().write(down);
                s.shutdownOutput();
                s.getInputStream().readAllBytes();
                return down;
            }, ConnectionEnd.CLOSED));

            // half-close: the client sends its request and EOF, the server answers afterwards
            byte[] request = random(3, 1000);
            byte[] response = random(4, 100_000);
            exchanges.add(exchange(server, proxy, s -> {
                s.getOutputStream().write(request);
                s.shutdownOutput();
                s.getInputStream().readAllBytes();
                s.close();
                return request;
            }, s -> {
                s.getInputStream().readAllBytes();
                s.getOutputStream().write(response);
                return response;
            }, ConnectionEnd.CLOSED));

            // reset by the client after an exchange
            exchanges.add(exchange(server, proxy, s -> {
                s.getOutputStream().write("hello".getBytes());
                readExactly(s.getInputStream(), 4);
                s.setSoLinger(true, 0);
                s.close();
                return "hello".getBytes();
            }, s -> {
                readExactly(s.getInputStream(), 5);
                s.getOutputStream().write("bye\n".getBytes());
                try {
                    s.getInputStream().readAllBytes();
                } catch (IOException expected) {
                    // the reset arrives here
                }
                return "bye\n".getBytes();
            }, ConnectionEnd.RESET));

            // many small chunks each way, like an SMTP dialogue
            exchanges.add(exchange(server, proxy, s -> {
                ByteArrayOutputStream sent = new ByteArrayOutputStream();
                for (int i = 0; i < 20; i++) {
                    byte[] line = ("LINE " + i + "\r\n").getBytes();
                    s.getOutputStream().write(line);
                    sent.writeBytes(line);
                    readExactly(s.getInputStream(), 5);
                }
                s.shutdownOutput();
                s.getInputStream().readAllBytes();
                s.close();
                return sent.toByteArray();
            }, s -> {
                ByteArrayOutputStream sent = new ByteArrayOutputStream();
                InputStream in = s.getInputStream();
                for (int i = 0; i < 20; i++) {
                    String expected = "LINE " + i + "\r\n";
                    readExactly(in, expected.length());
                    byte[] ok = "250\r\n".getBytes();
                    s.getOutputStream().write(ok);
                    sent.writeBytes(ok);
                }
                in.readAllBytes();
                return sent.toByteArray();
            }, ConnectionEnd.CLOSED));

            // IPv6 on both sides, when this machine has ::1
            ServerSocket server6 = ipv6Server();
            if (server6 != null) {
                try (server6) {
                    InetSocketAddress proxy6 = engine.addListener(
                            ListenerConfig.forward("::1", 0, "::1", server6.getLocalPort())).get(10, TimeUnit.SECONDS)
                            .address();
                    byte[] up6 = random(5, 70_000);
                    byte[] down6 = random(6, 90_000);
                    exchanges.add(exchange(server6, proxy6, s -> {
                        s.getOutputStream().write(up6);
                        s.shutdownOutput();
                        s.getInputStream().readAllBytes();
                        s.close();
                        return up6;
                    }, s -> {
                        s.getInputStream().readAllBytes();
                        s.getOutputStream().write(down6);
                        return down6;
                    }, ConnectionEnd.CLOSED));
                }
            }

            awaitEnded(recorder, exchanges.size());
        }
        recorder.close();

        Map<Integer, Integer> streams = Tshark.streamsByClientPort(file);
        try (CaptureFile read = CaptureFile.open(file)) {
            assertEquals(List.of(), read.skipped());
            assertEquals(exchanges.size(), read.index().connectionCount());
            for (Exchange e : exchanges) {
                ConnectionInfo c = read.index().connections().stream()
                        .filter(x -> x.client().getPort() == e.clientPort()).findFirst().orElseThrow();
                assertEquals(e.expectedEnd(), c.end(), "end of connection " + c.id());
                byte[][] follow = Tshark.follow(file, streams.get(e.clientPort()));
                assertArrayEquals(e.clientSent(), follow[0], "tshark client to server, connection " + c.id());
                assertArrayEquals(e.serverSent(), follow[1], "tshark server to client, connection " + c.id());
                assertArrayEquals(e.clientSent(), forwarded(read, c.id(), Direction.CLIENT_TO_SERVER));
                assertArrayEquals(e.serverSent(), forwarded(read, c.id(), Direction.SERVER_TO_CLIENT));
            }
            ConnectionInfo halfClosed = read.index().connections().get(1);
            assertTrue(halfClosed.clientFinished());
            assertTrue(read.index().chunks(read.index().connections().get(0).id()).stream()
                    .anyMatch(ch -> ch.forwardedLength() > 65_536), "some chunk is over 64 KiB");
        }
    }

    private static ServerSocket ipv6Server() {
        try {
            return new ServerSocket(0, 50, InetAddress.getByName("::1"));
        } catch (IOException e) {
            return null; // no IPv6 loopback here
        }
    }

    static byte[] forwarded(CaptureFile file, long id, Direction d) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ChunkInfo chunk : file.index().chunks(id)) {
            if (chunk.direction() == d) {
                out.writeBytes(file.forwarded(chunk));
            }
        }
        return out.toByteArray();
    }

    static void awaitEnded(Recorder recorder, int count) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            long ended = recorder.index().connections().stream().filter(c -> !c.isOpen()).count();
            if (ended >= count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("connections did not end within 10 s: " + recorder.index().connections());
    }
}
