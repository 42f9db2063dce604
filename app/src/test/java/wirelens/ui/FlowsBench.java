package wirelens.ui;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javafx.application.Platform;
import javafx.stage.Stage;
import wirelens.engine.ListenerConfig;
import wirelens.testkit.Fx;
import wirelens.testkit.Loopback;
import wirelens.testkit.Nginx;
import wirelens.testkit.Wait;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.flows.FlowsView;
import wirelens.ui.listeners.ListenerSettings;

/**
 * Not a test: the Flows benchmark. Paced keep-alive clients send absolute-form GETs through the
 * HTTP proxy listener to nginx serving 1 KiB, at RATE requests a second for SECONDS (default 2,000 for 60 s,
 * 120,000 flows): first with no window (engine, recorder and both feeds drained by a plain thread), then with
 * the window open on the Flows list, following. Reports the requests answered per second of both, the
 * longest gap between FX pulses and the peak heap while the traffic flows, then how long a filter typed over
 * all the flows takes on the FX thread (rows only) and how long the background search of heads and bodies
 * takes to finish. Run as {@link LiveViewBench} says, e.g.
 * <pre>
 * java -Xmx512m -cp app/target/classes:app/target/test-classes:$(cat app/target/cp.txt) wirelens.ui.FlowsBench 2000 60
 * </pre>
 */
public final class FlowsBench {
    private static final int CLIENTS = 8;
    private static final int BODY_BYTES = 1024;

    private FlowsBench() {}

    record Load(long answered, double seconds, long errors) {
        double rate() {
            return answered / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        setIfAbsent("glass.platform", "Monocle");
        setIfAbsent("monocle.platform", "Headless");
        setIfAbsent("prism.order", "sw");
        Path config = Files.createTempDirectory("wirelens-flows-bench-config");
        System.setProperty(ListenerSettings.CONFIG_DIR_PROPERTY, config.toString());
        // the list keeps every flow of the run (the default keeps the latest 100,000)
        Files.writeString(config.resolve("window.properties"), "keepConnections=all\n");
        Path www = Files.createTempDirectory("wirelens-flows-bench-www");
        www.toFile().setReadable(true, false);
        Files.write(www.resolve("kib.txt"), "0123456789abcdef".repeat(BODY_BYTES / 16).getBytes(StandardCharsets.US_ASCII));
        int originPort = Loopback.freePort();
        try (Nginx nginx = Nginx.start(Files.createTempDirectory("wirelens-flows-bench-nginx"), """
                server {
                  listen 127.0.0.1:%d;
                  access_log off;
                  keepalive_requests 10000000;
                  keepalive_timeout 600s;
                  root %s;
                }
                """.formatted(originPort, www), originPort)) {
            LiveViewBench.PeakHeap heap = new LiveViewBench.PeakHeap();
            Load headless = headless(rate, seconds, originPort);
            long headlessPeak = heap.peakAndReset();
            System.out.printf(Locale.ROOT, "window closed: %.0f req/s answered (%d errors), peak heap %d MiB%n",
                    headless.rate(), headless.errors(), headlessPeak >> 20);
            System.gc();
            heap.peakAndReset();
            withWindow(rate, seconds, originPort, headless, heap);
        }
        Platform.exit();
        System.exit(0);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static Load headless(int rate, int seconds, int originPort) throws Exception {
        try (LiveCapture live = LiveCapture.start(null)) {
            int port = live.engine.addListener(ListenerConfig.http("127.0.0.1", 0)).get(10, TimeUnit.SECONDS)
                    .address().getPort();
            AtomicLong flows = new AtomicLong();
            Thread drainer = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    live.feed.drain();
                    flows.addAndGet(live.flows.drain().size());
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-drain");
            drainer.setDaemon(true);
            drainer.start();
            Load load = load(port, originPort, rate, seconds);
            drainer.interrupt();
            return load;
        }
    }

    private static void withWindow(int rate, int seconds, int originPort, Load headless, LiveViewBench.PeakHeap heap)
            throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        AtomicReference<MainWindow> window = new AtomicReference<>();
        CompletableFuture<Void> shown = new CompletableFuture<>();
        Platform.runLater(() -> {
            Stage stage = new Stage();
            window.set(WirelensApp.live(stage, List.of(ListenerConfig.http("127.0.0.1", 0)), null,
                    ListenerSettings.inUserConfigDir(), FileDialogs.NATIVE, p -> {}));
            window.get().showFlows();
            stage.show();
            shown.complete(null);
        });
        shown.get(60, TimeUnit.SECONDS);
        int port = Wait.value(600, () -> {
            var rows = window.get().listenerPane().rows();
            return rows.isEmpty() || rows.get(0).bound() == null ? null : rows.get(0).bound().getPort();
        });
        FlowsView flows = window.get().flows();
        long[] gapsFrom = {0};
        LiveViewBench.PulseGaps gaps = new LiveViewBench.PulseGaps();
        List<String> late = java.util.Collections.synchronizedList(new ArrayList<>());
        long[] lastPulse = {0};
        javafx.animation.AnimationTimer lateOnes = new javafx.animation.AnimationTimer() {
            @Override
            public void handle(long now) {
                if (gaps.measuring && lastPulse[0] != 0 && now - lastPulse[0] > 100_000_000L) {
                    late.add(String.format(Locale.ROOT, "%.0f ms at %.1f s", (now - lastPulse[0]) / 1e6,
                            (now - gapsFrom[0]) / 1e9));
                }
                lastPulse[0] = now;
            }
        };
        Platform.runLater(() -> {
            gaps.start();
            lateOnes.start();
        });
        Wait.value(600, () -> gaps.seen >= 10 ? Boolean.TRUE : null);
        // the list's first rows (cold code, the cells' first CSS and layout) are the cost of showing the list,
        // measured on their own, not a stall the traffic causes
        long warmFrom = System.nanoTime();
        Load warm = load(port, originPort, 200, 1);
        Wait.value(600, () -> Fx.fx(120, () -> flows.all().size() >= warm.answered() ? Boolean.TRUE : null));
        long pulsesNow = gaps.seen;
        Wait.value(600, () -> gaps.seen >= pulsesNow + 10 ? Boolean.TRUE : null);
        System.out.printf(Locale.ROOT, "warm-up: %d flows shown, the list settled %.0f ms after the first request%n",
                warm.answered(), (System.nanoTime() - warmFrom) / 1e6);
        gapsFrom[0] = System.nanoTime();
        gaps.measureFrom(gapsFrom[0]);
        Load load = load(port, originPort, rate, seconds);
        gaps.measuring = false;
        long peak = heap.peakAndReset();
        long expected = load.answered() + warm.answered();
        long caughtUpFrom = System.nanoTime();
        Wait.value(600, () -> Fx.fx(120, () -> flows.all().size() >= expected ? Boolean.TRUE : null));
        double catchUp = (System.nanoTime() - caughtUpFrom) / 1e9;
        int total = Fx.fx(120, () -> flows.all().size());
        System.out.printf(Locale.ROOT, "window open on the Flows list, following: %.0f req/s answered (%d errors; %.2fx"
                + " the window closed), peak heap %d MiB of -Xmx%d MiB%n", load.rate(), load.errors(),
                load.rate() / headless.rate(), peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "FX thread while the traffic flows: longest pulse gap %.1f ms (%.0f ms into it),"
                + " %d pulses, %d gaps over 50 ms, %d over 100 ms; the list had every flow %.2f s after the last%n",
                gaps.longest / 1e6, gaps.longestAt / 1e6, gaps.pulses, gaps.over50, gaps.over100, catchUp);
        if (!late.isEmpty()) {
            System.out.println("gaps over 100 ms: " + String.join(", ", late));
        }

        for (String filter : List.of("status:404", "path:/kib method:GET status:2xx", "host:127.0.0.1 !type:json", "")) {
            long before = gaps.seen;
            double fxMillis = Fx.fx(120, () -> {
                long t0 = System.nanoTime();
                flows.filter().setText(filter);
                return (System.nanoTime() - t0) / 1e6;
            });
            long t1 = System.nanoTime();
            Wait.value(600, () -> gaps.seen >= before + 2 ? Boolean.TRUE : null);
            int rows = Fx.fx(120, () -> flows.shown().size());
            System.out.printf(Locale.ROOT, "filter '%s' over %,d flows: %.0f ms on the FX thread, shown by the"
                    + " second pulse after (%.0f ms), %,d rows%n", filter, total, fxMillis, fxMillis
                    + (System.nanoTime() - t1) / 1e6, rows);
        }
        long t0 = System.nanoTime();
        double fxMillis = Fx.fx(120, () -> {
            long s = System.nanoTime();
            flows.filter().setText("\"no such text\"");
            return (System.nanoTime() - s) / 1e6;
        });
        List<String> progress = new ArrayList<>();
        Wait.value(600, () -> Fx.fx(120, () -> {
            String status = flows.searchStatus().getText();
            if (progress.isEmpty() || !progress.get(progress.size() - 1).equals(status)) {
                progress.add(status);
            }
            return status.startsWith("searched") ? Boolean.TRUE : null;
        }));
        System.out.printf(Locale.ROOT, "filter '\"no such text\"' over %,d flows: %.0f ms on the FX thread, then heads"
                + " and bodies searched in the background in %.1f s (%d progress reports seen, the last '%s')%n",
                total, fxMillis, (System.nanoTime() - t0) / 1e9, progress.size(), progress.get(progress.size() - 1));
        Platform.runLater(() -> window.get().stage().hide());
    }

    /** CLIENTS keep-alive connections, each sending its share of {@code rate} a second, paced, for {@code seconds}. */
    private static Load load(int proxyPort, int originPort, int rate, int seconds) throws Exception {
        AtomicLong answered = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long periodNanos = 1_000_000_000L * CLIENTS / rate;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        byte[] request = ("GET http://127.0.0.1:" + originPort + "/kib.txt HTTP/1.1\r\nHost: 127.0.0.1:" + originPort
                + "\r\nUser-Agent: flows-bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            long offset = periodNanos * c / CLIENTS;
            Thread t = new Thread(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxyPort)) {
                    s.setSoTimeout(30_000);
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
                    long next = start + offset;
                    while (next < end) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        out.write(request);
                        out.flush();
                        readResponse(in);
                        answered.incrementAndGet();
                        next += periodNanos;
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
            }, "bench-client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Load(answered.get(), (System.nanoTime() - start) / 1e9, errors.get());
    }

    /** Reads one response with a Content-Length body. */
    private static void readResponse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        long length = -1;
        boolean first = true;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the proxy closed the connection");
            }
            if (b == '\n') {
                String l = line.toString().strip();
                line.setLength(0);
                if (l.isEmpty()) {
                    break;
                }
                if (first && !l.startsWith("HTTP/1.1 200")) {
                    throw new IOException("unexpected response: " + l);
                }
                first = false;
                if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Long.parseLong(l.substring(15).strip());
                }
            } else {
                line.append((char) b);
            }
        }
        if (length < 0) {
            throw new IOException("no Content-Length");
        }
        long skipped = 0;
        while (skipped < length) {
            long n = in.skip(length - skipped);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new IOException("short body");
                }
                n = 1;
            }
            skipped += n;
        }
    }
}
