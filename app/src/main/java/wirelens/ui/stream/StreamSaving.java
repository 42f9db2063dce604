package wirelens.ui.stream;

import java.io.IOException;
import java.nio.file.Path;
import javafx.application.Platform;
import wirelens.base.AtomicFiles;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.capture.ChunkInfo;
import wirelens.engine.Direction;
import wirelens.ui.base.Background;
import wirelens.ui.base.Notifier;

/** A stream view's "Save": the forwarded bytes of one direction, or both interleaved, written to a file. */
final class StreamSaving {
    private StreamSaving() {}

    /**
     * Writes the forwarded bytes of the first {@code count} chunks of connection {@code connectionId},
     * of one direction (null: both, interleaved in order), to {@code target} on a background thread, then
     * tells {@code notifier} on the FX thread.
     */
    static void save(CaptureIndex index, CaptureFile file, long connectionId, int count, Path target,
            Direction direction, Notifier notifier) {
        Background.execute(() -> {
            String result;
            boolean ok = false;
            try {
                long written = write(index, file, connectionId, count, target, direction);
                result = "Saved " + written + " bytes (" + (direction == null ? "both directions"
                        : direction == Direction.CLIENT_TO_SERVER ? "client \u2192 server" : "server \u2192 client")
                        + ") to " + target;
                ok = true;
            } catch (IOException e) {
                result = "Cannot save to " + target + ": " + e.getMessage();
            }
            String message = result;
            boolean success = ok;
            Platform.runLater(() -> {
                if (success) {
                    notifier.info(message);
                } else {
                    notifier.error(message);
                }
            });
        });
    }

    private static long write(CaptureIndex index, CaptureFile file, long connectionId, int count, Path target,
            Direction direction) throws IOException {
        return AtomicFiles.write(target, out -> {
            long written = 0;
            for (int from = 0; from < count; from += 1024) {
                for (ChunkInfo c : index.chunks(connectionId, from, Math.min(1024, count - from))) {
                    if (direction == null || c.direction() == direction) {
                        byte[] b = file.forwarded(c);
                        out.write(b);
                        written += b.length;
                    }
                }
            }
            return written;
        });
    }
}
