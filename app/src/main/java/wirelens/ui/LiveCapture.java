package wirelens.ui;

import java.io.IOException;
import java.nio.file.Path;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.capture.Recorder;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;

/**
 * A live session: the engine, the recorder that consumes its events (to a file the user chose, or a
 * temporary one deleted on close), and the feed the window drains once per pulse.
 */
final class LiveCapture implements AutoCloseable {
    private static final long EVENT_BUDGET_BYTES = 32L << 20;

    final Engine engine;
    final Recorder recorder;
    final CaptureFeed feed = new CaptureFeed();
    /** Why the capture has no file (e.g. the temp dir is not writable), or null. */
    final String problem;

    private LiveCapture(Engine engine, Recorder recorder, String problem) {
        this.engine = engine;
        this.recorder = recorder;
        this.problem = problem;
    }

    /** Starts the engine and recorder; {@code recordTo} null means a temporary file. */
    static LiveCapture start(Path recordTo) {
        EventQueue events = new EventQueue(EVENT_BUDGET_BYTES);
        Recorder recorder;
        String problem = null;
        try {
            recorder = recordTo == null ? Recorder.toTemporaryFile(events) : Recorder.toFile(events, recordTo);
        } catch (IOException e) {
            problem = "cannot create the capture file" + (recordTo == null ? "" : " " + recordTo) + ": "
                    + e.getMessage() + "; traffic is shown in the table but bytes cannot be viewed or saved";
            recorder = Recorder.withoutFile(events);
        }
        Engine engine = new Engine(events, EngineOptions.defaults());
        LiveCapture live = new LiveCapture(engine, recorder, problem);
        recorder.subscribe(live.feed);
        recorder.start();
        engine.start();
        return live;
    }

    CaptureIndex index() {
        return recorder.index();
    }

    CaptureFile file() {
        return recorder.file().orElse(null);
    }

    /** Stops listeners and connections, writes what is left, deletes a temporary capture file. */
    @Override
    public void close() throws IOException {
        engine.close();
        recorder.close();
    }
}
