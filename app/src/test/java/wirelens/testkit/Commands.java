package wirelens.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program to completion with a bounded wait. Its output goes to temporary files, read once it
 * has exited, so a program that hangs fails the test after the bound instead of blocking a pipe read.
 */
public final class Commands {
    /** The longest a command may run (curl moving 50 MB through the proxy on a busy machine is the slowest). */
    public static final long LIMIT_SECONDS = 180;

    private Commands() {}

    /** A finished command: its exit code, stdout (with stderr merged in, where so run) and stderr. */
    public record Result(int exit, byte[] out, String err) {
        /** Stdout as UTF-8 text. */
        public String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    /** Runs the command in {@code dir}, with stdout and stderr apart. */
    public static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        return run(dir, command, false);
    }

    /** Runs the command in the current directory with stderr merged into stdout ({@link Result#text()}). */
    /**
     * {@link #run(Path, List)} on another thread, for a client that waits on Wirelens while the test acts
     * (say, a curl whose request a breakpoint holds); a failure to run it fails the future.
     */
    public static java.util.concurrent.CompletableFuture<Result> start(Path dir, List<String> command) {
        List<String> copy = List.copyOf(command);
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return run(dir, copy);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    public static Result run(String... command) throws IOException, InterruptedException {
        return run(null, List.of(command), true);
    }

    /** Runs the command (stderr merged in) and returns its output; fails the test with it unless the exit code is 0. */
    public static String check(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + r.exit() + "\n" + r.text());
        }
        return r.text();
    }

    /** True if the command runs and exits with 0 within 30 s; false if it cannot even start. */
    public static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                stop(p);
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Skips the test, saying {@code reason}, unless the command works. */
    public static void assumeWorks(String reason, String... command) {
        assumeTrue(works(command), reason);
    }

    /** Skips the test unless the program is installed: "NAME is not installed: apt-get install PACKAGE". */
    public static void assumeInstalled(String executable, String debianPackage) {
        assumeTrue(Files.isExecutable(Path.of(executable)),
                Path.of(executable).getFileName() + " is not installed: apt-get install " + debianPackage);
    }

    private static Result run(Path dir, List<String> command, boolean merged) throws IOException, InterruptedException {
        Path out = Files.createTempFile("wirelens-test-cmd", ".out");
        Path err = Files.createTempFile("wirelens-test-cmd", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile());
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            if (merged) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(err.toFile());
            }
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                stop(p);
                throw new AssertionError("did not finish within " + LIMIT_SECONDS + " s: " + String.join(" ", command)
                        + "\n" + new String(Files.readAllBytes(out), StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readAllBytes(out), new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Ends a process by its id: SIGTERM, up to 10 s to go, then SIGKILL (and the same for any children it left). */
    static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
