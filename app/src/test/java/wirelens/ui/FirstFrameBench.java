package wirelens.ui;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not a test: how long {@code java -jar app/target/wirelens.jar} takes to draw its first window, as a new
 * user starts it (a fresh config folder, the default HTTP proxy), on a real X display (its own Xvfb). Each
 * run reads the lines the app logs once its first frame is drawn ("first frame N ms after the JVM
 * started", the window saying it is starting) and once the whole window is ("window ready N ms ..."),
 * and also times, from outside, the launch of {@code java} to the first line. Build the jar first
 * ({@code mvn -o -q package -DskipTests}), then, from the repository root:
 * <pre>
 * java -cp app/target/test-classes wirelens.ui.FirstFrameBench [RUNS]
 * </pre>
 * It needs nothing else on its class path. Target: at most 2 s.
 */
public final class FirstFrameBench {
    private static final Pattern FIRST_FRAME = Pattern.compile(".*first frame (\\d+) ms after the JVM started.*");
    private static final Pattern READY = Pattern.compile(".*window ready (\\d+) ms after the JVM started.*");
    private static final long LIMIT_SECONDS = 60;

    private FirstFrameBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path jar = Path.of("app/target/wirelens.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn -o -q package -DskipTests first");
        }
        int display = freeDisplay();
        Process xvfb = new ProcessBuilder("Xvfb", ":" + display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Path socket = Path.of("/tmp/.X11-unix/X" + display);
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            List<Long> first = new ArrayList<>();
            List<Long> outside = new ArrayList<>();
            List<Long> ready = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                long[] r = once(jar, display);
                first.add(r[0]);
                outside.add(r[1]);
                ready.add(r[2]);
                System.out.printf("run %d: first frame %d ms after the JVM started (%d ms after java was launched),"
                        + " window ready at %d ms%n", run + 1, r[0], r[1], r[2]);
            }
            System.out.printf("median of %d: first frame %d ms after the JVM started (%d ms after java was launched),"
                    + " window ready at %d ms (load average %s)%n", runs, median(first), median(outside), median(ready),
                    loadAverage());
        } finally {
            stop(xvfb);
        }
    }

    /** One start with a fresh config folder: {first frame as the app logs it, the same measured from here, ready}. */
    private static long[] once(Path jar, int display) throws Exception {
        Path config = Files.createTempDirectory("wirelens-first-frame");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dwirelens.config.dir=" + config, "-jar", jar.toString());
        pb.environment().put("DISPLAY", ":" + display);
        pb.redirectErrorStream(true);
        long launched = System.nanoTime();
        Process app = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
            StringBuilder seen = new StringBuilder();
            long[] times = {-1, -1, -1};
            String line;
            while (times[2] < 0 && System.nanoTime() < deadline && (line = out.readLine()) != null) {
                Matcher first = FIRST_FRAME.matcher(line);
                Matcher ready = READY.matcher(line);
                if (first.matches()) {
                    times[0] = Long.parseLong(first.group(1));
                    times[1] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched);
                } else if (ready.matches()) {
                    times[2] = Long.parseLong(ready.group(1));
                }
                seen.append(line).append('\n');
            }
            if (times[0] < 0 || times[2] < 0) {
                throw new IllegalStateException("no first-frame and ready lines within " + LIMIT_SECONDS + " s:\n" + seen);
            }
            return times;
        } finally {
            stop(app);
        }
    }

    /** SIGTERM, up to 10 s to go, then SIGKILL. */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freeDisplay() {
        for (int d = 91; d < 140; d++) {
            if (!Files.exists(Path.of("/tmp/.X11-unix/X" + d)) && !Files.exists(Path.of("/tmp/.X" + d + "-lock"))) {
                return d;
            }
        }
        throw new IllegalStateException("no free X display number in :91-:139");
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
