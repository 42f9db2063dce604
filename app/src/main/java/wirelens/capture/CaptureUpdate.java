package wirelens.capture;

import wirelens.engine.EngineEvent;

/**
 * What the {@link Recorder} tells its subscribers, in batches, on its writer thread, after the batch is
 * in the file and in the index. Subscribers must be quick and must not keep the byte arrays of
 * {@link ChunkAdded}: they are there for immediate use (e.g. appending to a live view) and are
 * otherwise read back from the file.
 */
public sealed interface CaptureUpdate {

    /** A listener started, failed to start, or stopped: the engine's event as it came. */
    record ListenerChanged(EngineEvent event) implements CaptureUpdate {}

    /** Something the user should hear about (the engine's {@link EngineEvent.Notice}); not recorded in the file. */
    record Notice(EngineEvent.Notice notice) implements CaptureUpdate {}

    /** A client was accepted. */
    record ConnectionOpened(ConnectionInfo connection) implements CaptureUpdate {}

    /** The target got connected (address now known) or one side half-closed. */
    record ConnectionChanged(ConnectionInfo connection) implements CaptureUpdate {}

    /** The connection ended: closed, reset or failed (see {@link ConnectionInfo#end()}). */
    record ConnectionEnded(ConnectionInfo connection) implements CaptureUpdate {}

    /**
     * A chunk was recorded. {@code connection} is the connection after counting it. {@code original}
     * and {@code forwarded} are the chunk's bytes ({@code forwarded} is null when dropped) — for
     * immediate use only.
     */
    record ChunkAdded(ChunkInfo chunk, ConnectionInfo connection, byte[] original, byte[] forwarded)
            implements CaptureUpdate {}

    /**
     * Writing the capture file failed (e.g. disk full). Traffic keeps flowing and the index keeps
     * growing, but nothing more goes to the file; what was written before stays readable.
     */
    record WriteFailed(String message) implements CaptureUpdate {}
}
