package wirelens.capture;

import java.io.IOException;

/**
 * A chunk whose file the capture ring has deleted (to stay within its number of files): the index still
 * lists it, the bytes are gone. Views show the message instead of the bytes.
 */
public final class ChunkGoneException extends IOException {
    ChunkGoneException(String message) {
        super(message);
    }
}
