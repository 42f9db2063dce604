package wirelens.engine;

/**
 * Tunables of the engine.
 *
 * @param connectTimeoutMillis how long an upstream connect may take before the client is closed
 * @param bufferBytes          read size and the most a direction holds unsent before reading pauses
 * @param recordChunks         whether chunk bytes are copied into events (off when nobody records them)
 * @param eventBudgetBytes     how far the event consumer may fall behind before reading pauses
 * @param responseTimeoutMillis how long a session may wait for the target to answer (HTTP: then 504)
 */
public record EngineOptions(int connectTimeoutMillis, int bufferBytes, boolean recordChunks, long eventBudgetBytes,
        int responseTimeoutMillis) {

    public static EngineOptions defaults() {
        return new EngineOptions(10_000, Integer.getInteger("wirelens.bufferBytes", 256 * 1024), true, 32L * 1024 * 1024,
                60_000);
    }

    public EngineOptions withRecordChunks(boolean record) {
        return new EngineOptions(connectTimeoutMillis, bufferBytes, record, eventBudgetBytes, responseTimeoutMillis);
    }

    public EngineOptions withConnectTimeoutMillis(int millis) {
        return new EngineOptions(millis, bufferBytes, recordChunks, eventBudgetBytes, responseTimeoutMillis);
    }

    public EngineOptions withResponseTimeoutMillis(int millis) {
        return new EngineOptions(connectTimeoutMillis, bufferBytes, recordChunks, eventBudgetBytes, millis);
    }
}
