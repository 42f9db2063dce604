package wirelens.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;

/**
 * Not a test: pushes a lot of traffic through the engine with capture on and reports heap, file size,
 * throughput and how long reopening the file takes. Run it with a small heap to show the heap holds
 * only the index, e.g.
 * {@code java -Xmx256m -cp app/target/classes:app/target/test-classes wirelens.capture.CaptureHeapBench 2048 4}
 * (MiB to send, connections; half of them send client to server, half server to client).
 */
public final class CaptureHeapBench {
    private CaptureHeapBench() {}

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 2048;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path file = args.length > 2 ? Path.of(args[2]) : Files.createTempFile("wirelens-bench-", ".pcapng");
        long perConnection = (mib << 20) / connections;
        AtomicLong received = new AtomicLong();

        EventQueue queue = new EventQueue(32L << 20);
        Recorder recorder = Recorder.toFile(queue, file);
        recorder.onWriteFailure(m -> System.err.println("write failed: " + m));
        recorder.start();
        long start;
        try (Engine engine = new Engine(queue, EngineOptions.defaults());
                ServerSocket backend = new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"))) {
            engine.start();
            InetSocketAddress proxy = engine.addListener(
                    ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", backend.getLocalPort()))
                    .get(10, TimeUnit.SECONDS).address();
            List<Thread> threads = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                for (int i = 0; i < connections; i++) {
                    try {
                        Socket s = backend.accept();
                        boolean upload = i % 2 == 0;
                        Thread t = new Thread(() -> run(s, !upload, perConnection, received));
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.start();
            start = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                Socket s = new Socket();
                s.connect(proxy, 10_000);
                boolean upload = i % 2 == 0;
                Thread t = new Thread(() -> run(s, upload, perConnection, received));
                t.start();
                threads.add(t);
                Thread.sleep(20); // keep accept order equal to connect order
            }
            long peakSample = 0;
            for (Thread t : threads) {
                while (t.isAlive()) {
                    t.join(200);
                    Runtime rt = Runtime.getRuntime();
                    peakSample = Math.max(peakSample, rt.totalMemory() - rt.freeMemory());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("sent %d MiB over %d connections in %.1f s: %.0f MB/s through the proxy%n",
                    received.get() >> 20, connections, seconds, received.get() / seconds / 1e6);
            System.out.printf("heap: max %d MiB, peak used (pools) %d MiB, largest sample %d MiB%n",
                    Runtime.getRuntime().maxMemory() >> 20, peakHeap() >> 20, peakSample >> 20);
        }
        recorder.close();
        long chunks = recorder.index().connections().stream().mapToLong(ConnectionInfo::chunkCount).sum();
        System.out.printf("capture %s: %d MiB, %d chunks, %d connections, bytes per traffic byte %.4f%n", file,
                Files.size(file) >> 20, chunks, recorder.index().connectionCount(),
                (double) Files.size(file) / received.get());
        long t0 = System.nanoTime();
        try (CaptureFile read = CaptureFile.open(file)) {
            System.out.printf("reopened in %.2f s: %d connections, %d chunks, skipped %s%n",
                    (System.nanoTime() - t0) / 1e9, read.index().connectionCount(),
                    read.index().connections().stream().mapToLong(ConnectionInfo::chunkCount).sum(), read.skipped());
        }
        if (args.length <= 2) {
            Files.delete(file);
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** Sends {@code bytes} then closes, or reads until EOF, counting what arrives. */
    private static void run(Socket s, boolean send, long bytes, AtomicLong received) {
        try (s) {
            if (send) {
                byte[] block = new byte[256 * 1024];
                OutputStream out = s.getOutputStream();
                for (long left = bytes; left > 0; left -= block.length) {
                    out.write(block, 0, (int) Math.min(block.length, left));
                }
                s.shutdownOutput();
                s.getInputStream().readAllBytes();
            } else {
                InputStream in = s.getInputStream();
                byte[] block = new byte[256 * 1024];
                int n;
                while ((n = in.read(block)) > 0) {
                    received.addAndGet(n);
                }
            }
        } catch (IOException e) {
            System.err.println("connection failed: " + e);
        }
    }
}
