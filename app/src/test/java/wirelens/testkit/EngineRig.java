package wirelens.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import wirelens.engine.Engine;
import wirelens.engine.EngineEvent;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;
import wirelens.intercept.BreakpointQueue;

/**
 * A started engine on a fresh event queue, with a consumer thread that drains the queue as the
 * capture does: it hands each event, in order, to the listeners given to {@link #onEvent} and keeps
 * it in {@link #events} (unless told not to, for transfers whose chunks would fill the heap). Tests
 * use the engine and the events on almost every line, so they are plain final fields.
 */
public final class EngineRig implements AutoCloseable {
    public final EventQueue queue = new EventQueue(16L * 1024 * 1024);
    public final Engine engine;
    /** Every event kept so far, in the order the engine published them. */
    public final List<EngineEvent> events = new CopyOnWriteArrayList<>();
    private final List<Consumer<EngineEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean keepEvents = true;
    private final Thread consumer;

    /** An engine with the default options. */
    public EngineRig() {
        this(EngineOptions.defaults());
    }

    public EngineRig(EngineOptions options) {
        this(queue -> new Engine(queue, options));
    }

    /** An engine the caller builds on the rig's queue, e.g. with a given number of selector loops. */
    public EngineRig(Function<EventQueue, Engine> newEngine) {
        engine = newEngine.apply(queue);
        engine.start();
        consumer = new Thread(this::consume, "test-events");
        consumer.setDaemon(true);
        consumer.start();
    }

    private void consume() {
        List<EngineEvent> batch = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.clear();
                queue.drainTo(batch, 1000, 100, TimeUnit.MILLISECONDS);
                for (EngineEvent e : batch) {
                    for (Consumer<EngineEvent> listener : listeners) {
                        listener.accept(e);
                    }
                }
                if (keepEvents) {
                    events.addAll(batch);
                }
                queue.consumed(batch);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Hands every later event to {@code listener} on the consumer thread, before the rig keeps it. */
    public EngineRig onEvent(Consumer<EngineEvent> listener) {
        listeners.add(listener);
        return this;
    }

    /** Whether later events are kept in {@link #events} (they are unless turned off). */
    public EngineRig keepEvents(boolean keep) {
        keepEvents = keep;
        return this;
    }

    /** Adds a forward listener {@code bind}:free port → {@code targetHost:targetPort}; returns its port. */
    public int forward(String bind, String targetHost, int targetPort) throws Exception {
        return listen(ListenerConfig.forward(bind, 0, targetHost, targetPort));
    }

    /** Adds a forward listener 127.0.0.1:free port → 127.0.0.1:targetPort; returns its port. */
    public int forward(int targetPort) throws Exception {
        return forward("127.0.0.1", "127.0.0.1", targetPort);
    }

    /** As {@link #forward(int)}, with a listener name (what the hooks and the hold queue see). */
    public int forward(int targetPort, String name) throws Exception {
        return listen(ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", targetPort).withName(name));
    }

    /** Adds an HTTP proxy listener on 127.0.0.1:free port; returns its port. */
    public int httpProxy() throws Exception {
        return listen(ListenerConfig.http("127.0.0.1", 0));
    }

    /**
     * A breakpoint queue on this engine, turned on: the engine's message hook, fed this rig's events (so
     * it learns of connections that end), resuming messages through the engine.
     */
    public BreakpointQueue breakpoints() {
        BreakpointQueue queue = new BreakpointQueue(engine::resumeMessage);
        onEvent(queue::onEngineEvent);
        engine.setMessageHook(queue);
        queue.setEnabled(true);
        return queue;
    }

    /** Adds any listener (bounded wait for the bind); returns the port it bound. */
    public int listen(ListenerConfig config) throws Exception {
        return engine.addListener(config).get(Wait.SECONDS, TimeUnit.SECONDS).address().getPort();
    }

    /** Waits (bounded) until a kept event of that type matches, and returns the first such event. */
    public <T extends EngineEvent> T await(Class<T> type, Predicate<T> match) throws Exception {
        if (!Wait.eventually(() -> first(type, match) != null)) {
            throw new AssertionError("no matching " + type.getSimpleName() + " event within " + Wait.SECONDS
                    + " s; got " + events.size() + " events");
        }
        return first(type, match);
    }

    private <T extends EngineEvent> T first(Class<T> type, Predicate<T> match) {
        for (EngineEvent e : events) {
            if (type.isInstance(e) && match.test(type.cast(e))) {
                return type.cast(e);
            }
        }
        return null;
    }

    /** The kept events of that type, in order. */
    public <T extends EngineEvent> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (EngineEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    @Override
    public void close() {
        engine.close();
        consumer.interrupt();
    }
}
