package wirelens.capture;

import java.io.IOException;

/**
 * A capture file cannot be read: it is not pcapng, not written by Wirelens, truncated or damaged.
 * The message is meant for the user and names the file and what is wrong, e.g.
 * "x.pcapng: not a pcapng file (starts with 0x7f454c46)". It is an {@link IOException} so that callers
 * catch one type for "cannot read this file"; it never carries a stack trace worth printing.
 */
public final class CaptureFormatException extends IOException {
    public CaptureFormatException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
