package wirelens.engine;

/**
 * Tunables of the engine.
 *
 * @param connectTimeoutMillis     how long an upstream connect may take before the client is closed
 * @param bufferBytes              read size and the most a direction holds unsent before reading pauses
 * @param recordChunks             whether chunk bytes are copied into events (off when nobody records them)
 * @param eventBudgetBytes         how far the event consumer may fall behind before reading pauses
 * @param responseTimeoutMillis    how long a session may wait for the target to answer (HTTP: then 504)
 * @param busyPollMicros           how long a loop polls for the answer in a conversation before it blocks (0 = never)
 * @param requestHeadTimeoutMillis how long an HTTP proxy client may take over a request head (then 408; 0 = no limit)
 * @param httpIdleTimeoutMillis    an HTTP proxy connection with no bytes either way this long is closed (0 = never)
 * @param forwardIdleTimeoutMillis the same for a forward listener's connections (0 = never)
 */
public record EngineOptions(int connectTimeoutMillis, int bufferBytes, boolean recordChunks, long eventBudgetBytes,
        int responseTimeoutMillis, int busyPollMicros, long requestHeadTimeoutMillis, long httpIdleTimeoutMillis,
        long forwardIdleTimeoutMillis) {

    public EngineOptions {
        if (requestHeadTimeoutMillis < 0 || httpIdleTimeoutMillis < 0 || forwardIdleTimeoutMillis < 0) {
            throw new IllegalArgumentException("a timeout cannot be negative");
        }
    }

    /**
     * Forward listeners have no idle limit by default: long SMTP, database and WebSocket sessions that
     * say nothing for minutes are normal there.
     */
    public static EngineOptions defaults() {
        return new EngineOptions(10_000, Integer.getInteger("wirelens.bufferBytes", 256 * 1024), true, 32L * 1024 * 1024,
                60_000, Integer.getInteger("wirelens.busyPollMicros", 50), 60_000, 300_000, 0);
    }

    public EngineOptions withRecordChunks(boolean record) {
        return new EngineOptions(connectTimeoutMillis, bufferBytes, record, eventBudgetBytes, responseTimeoutMillis,
                busyPollMicros, requestHeadTimeoutMillis, httpIdleTimeoutMillis, forwardIdleTimeoutMillis);
    }

    public EngineOptions withConnectTimeoutMillis(int millis) {
        return new EngineOptions(millis, bufferBytes, recordChunks, eventBudgetBytes, responseTimeoutMillis,
                busyPollMicros, requestHeadTimeoutMillis, httpIdleTimeoutMillis, forwardIdleTimeoutMillis);
    }

    public EngineOptions withBusyPollMicros(int micros) {
        return new EngineOptions(connectTimeoutMillis, bufferBytes, recordChunks, eventBudgetBytes, responseTimeoutMillis,
                micros, requestHeadTimeoutMillis, httpIdleTimeoutMillis, forwardIdleTimeoutMillis);
    }

    public EngineOptions withResponseTimeoutMillis(int millis) {
        return new EngineOptions(connectTimeoutMillis, bufferBytes, recordChunks, eventBudgetBytes, millis,
                busyPollMicros, requestHeadTimeoutMillis, httpIdleTimeoutMillis, forwardIdleTimeoutMillis);
    }

    public EngineOptions withRequestHeadTimeoutMillis(long millis) {
        return new EngineOptions(connectTimeoutMillis, bufferBytes, recordChunks, eventBudgetBytes, responseTimeoutMillis,
                busyPollMicros, millis, httpIdleTimeoutMillis, forwardIdleTimeoutMillis);
    }

    /** The same idle timeout for every listener (0 = never). */
    public EngineOptions withIdleTimeoutMillis(long millis) {
        return new EngineOptions(connectTimeoutMillis, bufferBytes, recordChunks, eventBudgetBytes, responseTimeoutMillis,
                busyPollMicros, requestHeadTimeoutMillis, millis, millis);
    }

    /** The idle timeout of a listener of that kind, 0 for none. */
    public long idleTimeoutMillis(ListenerKind kind) {
        return kind == ListenerKind.HTTP ? httpIdleTimeoutMillis : forwardIdleTimeoutMillis;
    }
}
