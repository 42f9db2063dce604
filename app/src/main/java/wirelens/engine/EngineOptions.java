package wirelens.engine;

/**
 * Tunables of the engine.
 *
 * @param connectTimeoutMillis how long an upstream connect may take before the client is closed
 * @param bufferBytes          read size and the most a direction holds unsent before reading pauses
 * @param recordChunks         whether chunk bytes are copied into events (off when nobody records them)
 * @param eventBudgetBytes     how far the event consumer may fall behind before reading pauses
 * @param responseTimeoutMillis how long a session may wait for the target to answer (HTTP: then 504)
 * @param busyPollMicros       how long a loop polls for the answer in a conversation before it blocks (0 = never)
 */
public record EngineOptions(int connectTimeoutMillis, int bufferBytes, boolean recordChunks, long eventBudgetBytes,
        int responseTimeoutMillis, int busyPollMicros) {

    public static EngineOptions defaults() {
        return new EngineOptions(10_000, Integer.getInteger("wirelens.bufferBytes", 256 * 1024), true, 32L * 1024 * 1024,
                60_000, Integer.getInteger("wirelens.busyPollMicros", 50));
    }

    public EngineOptions withRecordChunks(boolean record) {
        return new EngineOptions(connectTimeoutMillis, bufferBytes, record, eventBudgetBytes, responseTimeoutMillis,
                busyPollMicros);
    }

    public EngineOptions withConnectTimeoutMillis(int millis) {
        return new EngineOptions(millis, bufferBytes, recordChunks, eventBudgetBytes, responseTimeoutMillis,
                busyPollMicros);
    }

    public EngineOptions withBusyPollMicros(int micros) {
        return new EngineOptions(connectTimeoutMillis, bufferBytes, recordChunks, eventBudgetBytes, responseTimeoutMillis,
                micros);
    }

    public EngineOptions withResponseTimeoutMillis(int millis) {
        return new EngineOptions(connectTimeoutMillis, bufferBytes, recordChunks, eventBudgetBytes, millis,
                busyPollMicros);
    }
}
