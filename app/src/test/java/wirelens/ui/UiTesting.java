package wirelens.ui;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import org.testfx.util.WaitForAsyncUtils;

/** Helpers for window tests: run on the FX thread, wait for a condition, write screenshots, a test server. */
final class UiTesting {
    private UiTesting() {}

    static <T> T fx(Callable<T> action) throws Exception {
        return WaitForAsyncUtils.asyncFx(action).get(10, TimeUnit.SECONDS);
    }

    static void fxRun(Runnable action) throws Exception {
        fx(() -> {
            action.run();
            return null;
        });
    }

    /** Waits (at most 20 s) until the condition, checked on the FX thread, holds. */
    static void waitUntil(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Boolean.TRUE.equals(fx(condition))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new TimeoutException("timed out waiting until " + what);
    }

    /** Where tests put PNGs of the window: {@code screenshots/} at the repository root. */
    static Path screenshotDir() throws IOException {
        String repo = System.getProperty("wirelens.repo");
        Path base = repo != null && !repo.isBlank() ? Path.of(repo) : Path.of("..").toAbsolutePath().normalize();
        if (!Files.exists(base.resolve("app"))) {
            base = Path.of("").toAbsolutePath().getParent();
        }
        Path dir = base.resolve("screenshots");
        Files.createDirectories(dir);
        return dir;
    }

    /** Snapshots the scene on the FX thread and writes it as a PNG; returns the file. */
    static Path screenshot(Scene scene, String name) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage image = fx(() -> scene.snapshot(null));
        BufferedImage buffered = SwingFXUtils.fromFXImage(image, null);
        Path file = screenshotDir().resolve(name.toLowerCase(Locale.ROOT) + ".png");
        ImageIO.write(buffered, "png", file.toFile());
        return file;
    }

    /** A server on 127.0.0.1 that answers every read with the same bytes upper-cased (ASCII letters). */
    static final class UpperCaseEcho implements AutoCloseable {
        final ServerSocket socket;
        private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-echo");
            t.setDaemon(true);
            return t;
        });

        UpperCaseEcho() throws IOException {
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

        int port() {
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
    }

    /** A client that sends a line and reads exactly as many bytes back. */
    static byte[] roundTrip(Socket client, byte[] request) throws IOException {
        client.getOutputStream().write(request);
        client.getOutputStream().flush();
        byte[] reply = client.getInputStream().readNBytes(request.length);
        if (reply.length != request.length) {
            throw new IOException("short reply: " + reply.length + " of " + request.length + " bytes");
        }
        return reply;
    }
}
