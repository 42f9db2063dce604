package wirelens.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Watches the free space where the capture is written, for the recorder's writer thread: asks at most
 * once per interval (a {@code statfs}, cheap) and says when to warn, pause and resume. Resuming needs
 * more space than pausing left ({@link Limits#resumeAbove}), so a disk hovering at the limit does not
 * flap; a warning is given once per crossing.
 */
final class DiskWatch {
    /** How much the capture's file store still has for this user, in bytes. */
    @FunctionalInterface
    interface FreeSpace {
        long usableBytes() throws IOException;

        /** The file store {@code file} is on, looked up once (the look-up reads the mount table). */
        static FreeSpace of(Path file) {
            Path dir = file.toAbsolutePath().getParent();
            java.nio.file.FileStore[] store = new java.nio.file.FileStore[1];
            return () -> {
                if (store[0] == null) {
                    store[0] = Files.getFileStore(dir);
                }
                return store[0].getUsableSpace();
            };
        }
    }

    /**
     * @param warnBelow   below this, warn once (until space is back above it)
     * @param pauseBelow  below this, stop writing the capture (traffic flows on)
     * @param resumeAbove write again once free space is back above this
     */
    record Limits(long warnBelow, long pauseBelow, long resumeAbove) {
        static final Limits DEFAULT = new Limits(1L << 30, 256L << 20, 512L << 20);

        Limits {
            if (pauseBelow > warnBelow || resumeAbove < pauseBelow) {
                throw new IllegalArgumentException("disk limits out of order: " + this);
            }
        }
    }

    enum Change { NONE, LOW, PAUSE, RESUME }

    private final FreeSpace source;
    private final Limits limits;
    private final long intervalNanos;
    private long lastCheck;
    private boolean checkedOnce;
    private boolean low;
    private boolean paused;
    private long lastFree = -1;

    DiskWatch(FreeSpace source, Limits limits, long intervalNanos) {
        this.source = source;
        this.limits = limits;
        this.intervalNanos = intervalNanos;
    }

    Limits limits() {
        return limits;
    }

    boolean paused() {
        return paused;
    }

    /** Free bytes at the last check (-1 before the first, or when the store could not say). */
    long lastFree() {
        return lastFree;
    }

    /** Asks the file store if the interval has passed; says what changed. */
    Change check(long nowNanos) {
        if (checkedOnce && nowNanos - lastCheck < intervalNanos) {
            return Change.NONE;
        }
        checkedOnce = true;
        lastCheck = nowNanos;
        long free;
        try {
            free = source.usableBytes();
        } catch (IOException | RuntimeException e) {
            lastFree = -1;
            return Change.NONE; // a store that cannot say is no reason to stop recording; writing will tell
        }
        lastFree = free;
        if (!paused && free < limits.pauseBelow()) {
            paused = true;
            low = true;
            return Change.PAUSE;
        }
        if (paused) {
            if (free < limits.resumeAbove()) {
                return Change.NONE;
            }
            paused = false;
            low = free < limits.warnBelow();
            return Change.RESUME;
        }
        if (!low && free < limits.warnBelow()) {
            low = true;
            return Change.LOW;
        }
        if (low && free >= limits.warnBelow()) {
            low = false;
        }
        return Change.NONE;
    }
}
