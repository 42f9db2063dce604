package wirelens.capture;

import wirelens.engine.EngineEvent;

/**
 * What the {@link Recorder} tells its subscribers, in batches, on its writer thread, after the batch is
 * in the file and in the index. Subscribers must be quick and may use the bytes of a
 * {@link ChunkAdded} only during the call (e.g. to feed a decoder); views read bytes back from the file.
 */
public sealed interface CaptureUpdate {

    /** A listener started, failed to start, or stopped: the engine's event as it came. */
    record ListenerChanged(EngineEvent event) implements CaptureUpdate {}

    /** Something the user should hear about (the engine's {@link EngineEvent.Notice}); not recorded in the file. */
    record Notice(EngineEvent.Notice notice) implements CaptureUpdate {}

    /** TLS on one leg of a connection (the engine's {@link EngineEvent.Tls}). */
    record Tls(EngineEvent.Tls event) implements CaptureUpdate {}

    /** A client was accepted. */
    /** A proxy connection's handshake with its client (the engine's {@link EngineEvent.ProxyHandshake}). */
    record ProxyHandshake(EngineEvent.ProxyHandshake event) implements CaptureUpdate {}

    record ConnectionOpened(ConnectionInfo connection) implements CaptureUpdate {}

    /** The target got connected (address now known) or one side half-closed. */
    record ConnectionChanged(ConnectionInfo connection) implements CaptureUpdate {}

    /** An HTTP proxy connection's requests go to another origin ({@link ConnectionInfo#origin()}). */
    record OriginChosen(ConnectionInfo connection) implements CaptureUpdate {}

    /** The connection ended: closed, reset or failed (see {@link ConnectionInfo#end()}). */
    record ConnectionEnded(ConnectionInfo connection) implements CaptureUpdate {}

    /**
     * A chunk was recorded. {@code connection} is the connection after counting it. The chunk's bytes
     * ({@link #original()}, {@link #forwarded()}) are for immediate use only, inside the subscriber
     * call: after it they are given back to the engine and read back from the file instead. Asking for
     * them costs a copy of a large chunk, so subscribers ask only when they need them.
     */
    record ChunkAdded(ChunkInfo chunk, ConnectionInfo connection, EngineEvent.Chunk event) implements CaptureUpdate {
        public byte[] original() {
            return event.original();
        }

        /** Null when the chunk was dropped. */
        public byte[] forwarded() {
            return event.forwarded();
        }
    }

    /**
     * Writing the capture file failed (e.g. disk full). Traffic keeps flowing and the index keeps
     * growing, but nothing more goes to the file; what was written before stays readable.
     */
    record WriteFailed(String message) implements CaptureUpdate {}

    /** How free disk space stands for the capture. */
    enum DiskSpaceState {
        /** Below the warning limit (1 GiB by default): capture goes on. */
        LOW,
        /** Below the pause limit (256 MiB by default): nothing more is written, traffic flows on. */
        PAUSED,
        /** Space came back: capture goes on, the file marks what was not recorded. */
        RESUMED
    }

    /** Free disk space crossed a limit; {@code message} says so for people. */
    record DiskSpace(DiskSpaceState state, String message) implements CaptureUpdate {}
}
