package wirelens.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.stage.Stage;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.Fx;
import wirelens.testkit.LoopbackServer;
import wirelens.testkit.Wait;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Theme;
import wirelens.ui.connections.ConnectionRow;
import wirelens.ui.listeners.ListenerSettings;
import wirelens.ui.stream.StreamView;

/**
 * Not a test: pushes N MiB (default 1024) at full speed through one connection, first headless (engine
 * and recorder, a thread draining the feed as the window would), then with the window open and the
 * connection's text view following the stream. Reports throughput of both, the longest gap between
 * FX pulses while the traffic flows (an AnimationTimer measures it; the traffic starts once the opened
 * view is on screen, and how long that took is reported apart), and the peak heap. With
 * {@code -Dbench.prewarm=true} the window first relays 256 MiB and rests 4 s before the measured push,
 * to compare with a JVM that has run a while (the JIT done with the view's and the renderer's code). Run headless
 * on Monocle (the default) or under xvfb-run with {@code -Dglass.platform=gtk}, e.g.
 * <pre>
 * mvn -B -ntp -o -pl app test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx512m -cp app/target/classes:app/target/test-classes:$(cat app/target/cp.txt) wirelens.ui.LiveViewBench 1024
 * </pre>
 * The second argument is the view ({@code text} or {@code hex}), the third the theme ({@code light} or {@code dark}).
 */
public final class LiveViewBench {
    private LiveViewBench() {}

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        String mode = args.length > 1 ? args[1] : "text";
        String theme = args.length > 2 ? args[2] : "light";
        System.setProperty(Theme.PROPERTY, theme);
        setIfAbsent("glass.platform", "Monocle");
        setIfAbsent("monocle.platform", "Headless");
        setIfAbsent("prism.order", "sw");
        Path config = Files.createTempDirectory("wirelens-bench-config");
        System.setProperty(ListenerSettings.CONFIG_DIR_PROPERTY, config.toString());
        long bytes = mib << 20;

        PeakHeap heap = new PeakHeap();
        double headless = headless(bytes);
        long headlessPeak = heap.peakAndReset();
        System.out.printf(Locale.ROOT, "headless: %.1f MiB/s, peak heap %d MiB%n", headless, headlessPeak >> 20);
        System.gc();
        heap.peakAndReset();
        Result window = withWindow(bytes, "hex".equals(mode));
        long windowPeak = heap.peakAndReset();

        System.out.printf(Locale.ROOT, "%d MiB through one connection, -Xmx%d MiB%n", mib,
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "headless (engine + recorder):  %7.1f MiB/s   peak heap %4d MiB%n", headless,
                headlessPeak >> 20);
        System.out.printf(Locale.ROOT, "window (%s theme), %s view following:    %7.1f MiB/s   peak heap %4d MiB   (%.2fx headless)%n",
                theme, mode, window.mibPerSecond, windowPeak >> 20, window.mibPerSecond / headless);
        System.out.printf(Locale.ROOT, "FX thread while the traffic flows: longest pulse gap %.1f ms (%.0f ms into it; "
                + "the FX thread ran %.0f ms of it, the renderer %.0f ms), %d pulses, %d gaps over 50 ms, %d over 100 ms%n",
                window.longestGapMillis, window.longestGapAtMillis, window.longestGapFxMillis,
                window.longestGapRenderMillis, window.pulses, window.gapsOver50, window.gapsOver100);
        System.out.printf(Locale.ROOT, "view on screen %.0f ms after it was opened; caught up %.2f s after the last "
                + "byte (%d lines)%n", window.openMillis, window.catchUpSeconds, window.lines);
        Platform.exit();
        System.exit(0);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    record Result(double mibPerSecond, double longestGapMillis, double longestGapAtMillis, double longestGapFxMillis,
            double longestGapRenderMillis, long pulses, long gapsOver50,
            long gapsOver100, double openMillis, double catchUpSeconds, int lines) {}

    /** Engine and recorder to a temp file, the feed drained 60 times a second by a plain thread. */
    private static double headless(long bytes) throws Exception {
        try (Sink sink = new Sink(); LiveCapture live = LiveCapture.start(null)) {
            int port = live.engine.addListener(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", sink.port()))
                    .get(10, TimeUnit.SECONDS).address().getPort();
            Thread drainer = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    live.feed.drain();
                    try {
                        Thread.sleep(16);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-drain");
            drainer.setDaemon(true);
            drainer.start();
            double rate = push(port, bytes, sink);
            drainer.interrupt();
            return rate;
        }
    }

    private static Result withWindow(long bytes, boolean hex) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        try (Sink sink = new Sink()) {
            AtomicReference<MainWindow> window = new AtomicReference<>();
            CompletableFuture<Void> shown = new CompletableFuture<>();
            Platform.runLater(() -> {
                try {
                    Stage stage = new Stage();
                    window.set(WirelensApp.live(stage, List.of(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1",
                            sink.port())), null, ListenerSettings.inUserConfigDir(), FileDialogs.NATIVE, p -> {}));
                    stage.show();
                    shown.complete(null);
                } catch (RuntimeException e) {
                    shown.completeExceptionally(e);
                }
            });
            shown.get(60, TimeUnit.SECONDS);
            int port = Wait.value(300, () -> {
                var rows = window.get().listenerPane().rows();
                return rows.isEmpty() || rows.get(0).bound() == null ? null : rows.get(0).bound().getPort();
            });

            PulseGaps gaps = new PulseGaps();
            Platform.runLater(gaps::start);
            Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
            OutputStream out = client.getOutputStream();
            out.write(new byte[] {'h', 'i', '\n'});
            out.flush();
            Wait.value(300, () -> {
                ConnectionRow row = window.get().connections().row(1);
                return row != null && row.info().chunkCount() > 0 ? row : null;
            });
            CompletableFuture<Void> opened = new CompletableFuture<>();
            long openNanos = System.nanoTime();
            Platform.runLater(() -> {
                window.get().openStream(window.get().connections().row(1));
                if (hex) {
                    window.get().view(1).setMode(StreamView.Mode.HEX);
                }
                opened.complete(null);
            });
            opened.get(10, TimeUnit.SECONDS);
            // the traffic starts once the view is on screen: its first frames (cold code, the tab's
            // first CSS and layout) are the cost of opening a view, reported on their own, not a stall
            // that the traffic causes
            long pulsesAtOpen = gaps.seen;
            Wait.value(300, () -> gaps.seen >= pulsesAtOpen + 3 ? Boolean.TRUE : null);
            double openMillis = (System.nanoTime() - openNanos) / 1e6;
            Wait.value(300, () -> sink.received.get() >= 3 ? Boolean.TRUE : null);
            long before = 3;
            if (Boolean.getBoolean("bench.prewarm")) {
                push(out, 256L << 20, sink);
                before += 256L << 20;
                Thread.sleep(4000);
            }
            long total = before + bytes;
            gaps.measureFrom(System.nanoTime());
            double rate = push(out, bytes, sink);
            long doneNanos = System.nanoTime();
            gaps.measuring = false;
            // how long until the view has laid out every chunk
            int expectedChunks = Wait.value(300, () -> {
                ConnectionRow row = window.get().connections().row(1);
                return row == null || row.info().bytesClientToServer() < total ? null : row.info().chunkCount();
            });
            int lines = Wait.value(300, () -> Fx.fx(30, () -> {
                StreamView v = window.get().view(1);
                return v.chunkCount() == expectedChunks && v.lastVisibleLine() == v.lineCount() - 1
                        ? v.lineCount() : null;
            }));
            double catchUp = (System.nanoTime() - doneNanos) / 1e9;
            client.close();
            Platform.runLater(() -> window.get().stage().hide());
            return new Result(rate, gaps.longest / 1e6, gaps.longestAt / 1e6, gaps.longestCpu / 1e6,
                    gaps.longestRenderCpu / 1e6, gaps.pulses, gaps.over50, gaps.over100, openMillis, catchUp, lines);
        }
    }


    private static double push(int port, long bytes, Sink sink) throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return push(client.getOutputStream(), bytes, sink);
        }
    }

    /** Writes {@code bytes} and waits until the sink has them all; returns MiB/s. */
    private static double push(OutputStream out, long bytes, Sink sink) throws Exception {
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i % 64 == 63 ? '\n' : 'a' + i % 26);
        }
        long goal = sink.received.get() + bytes;
        long start = System.nanoTime();
        long sent = 0;
        while (sent < bytes) {
            int n = (int) Math.min(block.length, bytes - sent);
            out.write(block, 0, n);
            sent += n;
        }
        out.flush();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (sink.received.get() < goal && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return (bytes / 1048576.0) / seconds;
    }

    /** Measures the gaps between FX pulses. */
    static final class PulseGaps extends AnimationTimer {
        volatile boolean measuring;
        private volatile long from;
        private long last;
        volatile long seen;
        volatile long longest;
        volatile long longestAt;
        volatile long pulses;
        volatile long over50;
        volatile long over100;

        /** Measures the gaps of pulses from {@code nanos} (System.nanoTime) on. */
        void measureFrom(long nanos) {
            from = nanos;
            measuring = true;
        }

        private final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        private long lastCpu;
        private long renderId;
        private long lastRcpu;
        /**
         * How much of the longest gap the FX thread and the render thread ran: the rest they waited for
         * each other or for a core.
         */
        volatile long longestCpu;
        volatile long longestRenderCpu;

        @Override
        public void handle(long now) {
            seen++;
            long cpu = threads.getCurrentThreadCpuTime();
            if (renderId == 0) { // looked up once, at the first pulse (before the traffic): -1 if not found
                renderId = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("QuantumRenderer")).mapToLong(Thread::getId)
                        .findFirst().orElse(-1);
            }
            long rcpu = renderId < 0 ? 0 : threads.getThreadCpuTime(renderId);
            if (measuring && last != 0) {
                long gap = now - Math.max(last, from);
                if (gap > longest) {
                    longest = gap;
                    longestAt = now - from;
                    longestCpu = cpu - lastCpu;
                    longestRenderCpu = rcpu - lastRcpu;
                }
                pulses++;
                over50 += gap > 50_000_000L ? 1 : 0;
                over100 += gap > 100_000_000L ? 1 : 0;
            }
            last = now;
            lastCpu = cpu;
            lastRcpu = rcpu;
        }
    }

    /** Samples the used heap every 5 ms and keeps the peak; also reads the pools' own peaks. */
    static final class PeakHeap {
        private final AtomicLong peak = new AtomicLong();

        PeakHeap() {
            Thread t = new Thread(() -> {
                var memory = ManagementFactory.getMemoryMXBean();
                while (true) {
                    long used = memory.getHeapMemoryUsage().getUsed();
                    peak.accumulateAndGet(used, Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-heap");
            t.setDaemon(true);
            t.start();
        }

        long peakAndReset() {
            long pools = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pools += pool.getPeakUsage().getUsed();
                    pool.resetPeakUsage();
                }
            }
            return Math.max(peak.getAndSet(0), Math.min(pools, Runtime.getRuntime().maxMemory()));
        }
    }

    /** A server on 127.0.0.1 that reads and counts everything. */
    private static final class Sink implements AutoCloseable {
        final AtomicLong received = new AtomicLong();
        private final LoopbackServer server;

        Sink() throws IOException {
            server = new LoopbackServer(s -> {
                s.setSoTimeout(0); // the first line waits while the window opens its view, however long that takes
                byte[] buffer = new byte[256 * 1024];
                InputStream in = s.getInputStream();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    received.addAndGet(n);
                }
            });
        }

        int port() {
            return server.port();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
