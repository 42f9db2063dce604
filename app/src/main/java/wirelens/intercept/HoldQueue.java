package wirelens.intercept;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import wirelens.engine.ChunkHook.ChunkContext;
import wirelens.engine.Direction;
import wirelens.engine.Engine;
import wirelens.engine.EngineEvent;
import wirelens.engine.EpochClock;

/**
 * The intercept model the window shows: whether intercept is on, which chunks it holds (the filter),
 * and the chunks held right now, oldest first. Every method is thread-safe. The engine side
 * ({@link InterceptHook}) adds chunks on the selector thread; the user's actions remove them and
 * tell the engine what to do with each.
 *
 * <p>While a chunk is held, the engine reads nothing more from that side of that connection, so at
 * most one chunk per connection and direction is held; the other direction and every other
 * connection flow on.
 *
 * <p>Listeners ({@link #addListener}) are called after every change, on the thread that made it
 * (the selector thread for new holds): they must return quickly and never block; the window
 * batches them. The owner must pass engine events to {@link #onEngineEvent} (or call
 * {@link #connectionEnded}) so chunks of closed connections leave the queue.
 */
public final class HoldQueue {
    private static final System.Logger LOG = System.getLogger(HoldQueue.class.getName());

    /** What the queue needs from the engine. */
    public interface EngineControl {
        /** Forwards {@code bytes} in place of the held chunk of that direction, or drops it on {@code null}. */
        void release(long connectionId, Direction direction, byte[] bytes);

        void closeConnection(long connectionId);

        static EngineControl of(Engine engine) {
            return new EngineControl() {
                @Override
                public void release(long connectionId, Direction direction, byte[] bytes) {
                    engine.release(connectionId, direction, bytes);
                }

                @Override
                public void closeConnection(long connectionId) {
                    engine.closeConnection(connectionId);
                }
            };
        }
    }

    /**
     * One held chunk.
     *
     * @param id            unique within this queue, for the UI's selection
     * @param listener      the listener's name, or {@code null}
     * @param sequence      the chunk's number within its connection and direction (from 0)
     * @param heldAtNanos   when it was held ({@link EpochClock} nanoseconds; age = now - this)
     * @param bytes         the chunk as it reached the intercept (after the rules); a copy each call
     */
    public record HeldChunk(long id, long connectionId, String listener, Direction direction, long sequence,
            long heldAtNanos, byte[] bytes) {
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public int size() {
            return bytes.length;
        }

        /** How long it has been held, in nanoseconds. */
        public long ageNanos() {
            return EpochClock.nowNanos() - heldAtNanos;
        }
    }

    private final EngineControl engine;
    private final List<HeldChunk> held = new ArrayList<>(); // guarded by this
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean enabled;
    private volatile InterceptFilter.Matcher filter = InterceptFilter.ALL.compile();
    private long nextId = 1; // guarded by this

    public HoldQueue(EngineControl engine) {
        this.engine = engine;
    }

    public HoldQueue(Engine engine) {
        this(EngineControl.of(engine));
    }

    // ---- state ---------------------------------------------------------------------------------

    public boolean isEnabled() {
        return enabled;
    }

    /** Turns intercept on or off. Off holds nothing new; chunks already held stay until acted on. */
    public void setEnabled(boolean on) {
        synchronized (this) {
            if (enabled == on) {
                return;
            }
            enabled = on;
        }
        changed();
    }

    public InterceptFilter filter() {
        return filter.filter();
    }

    /** Applies to chunks read from now on. */
    public void setFilter(InterceptFilter newFilter) {
        filter = newFilter.compile();
        changed();
    }

    /** The held chunks, oldest first (a snapshot). */
    public synchronized List<HeldChunk> held() {
        return List.copyOf(held);
    }

    public synchronized int size() {
        return held.size();
    }

    /** True while this chunk is still held (not yet forwarded, dropped or gone with its connection). */
    public synchronized boolean isHeld(HeldChunk chunk) {
        return held.contains(chunk);
    }

    public void addListener(Runnable onChange) {
        listeners.add(onChange);
    }

    public void removeListener(Runnable onChange) {
        listeners.remove(onChange);
    }

    // ---- the user's actions ----------------------------------------------------------------

    /**
     * Forwards {@code bytes} (the edited chunk; may be empty) instead of the held chunk.
     *
     * @return false if the chunk was no longer held (already acted on, or its connection ended)
     */
    public boolean forward(HeldChunk chunk, byte[] bytes) {
        return release(chunk, bytes.clone());
    }

    /** Forwards the chunk as it was held. */
    public boolean forwardOriginal(HeldChunk chunk) {
        return release(chunk, chunk.bytes);
    }

    /** Drops the chunk: the peer receives nothing of it; the capture keeps it as dropped. */
    public boolean drop(HeldChunk chunk) {
        return release(chunk, null);
    }

    private boolean release(HeldChunk chunk, byte[] bytes) {
        synchronized (this) {
            if (!held.remove(chunk)) {
                return false;
            }
            // inside the lock, so two releases of one direction reach the engine in queue order
            engine.release(chunk.connectionId, chunk.direction, bytes);
        }
        changed();
        return true;
    }

    /** Turns intercept off, then forwards every held chunk unchanged, oldest first. */
    public void forwardAllAndDisable() {
        synchronized (this) {
            enabled = false; // under the lock: no hold can slip in after the queue is emptied
            for (HeldChunk c : held) {
                engine.release(c.connectionId, c.direction, c.bytes);
            }
            held.clear();
        }
        changed();
    }

    /** Closes both sides of a connection; its held chunks are discarded (never sent). */
    public void closeConnection(long connectionId) {
        synchronized (this) {
            removeConnection(connectionId);
            engine.closeConnection(connectionId);
        }
        changed();
    }

    /** The connection ended (closed or failed): its held chunks leave the queue. */
    public void connectionEnded(long connectionId) {
        boolean removed;
        synchronized (this) {
            removed = removeConnection(connectionId);
        }
        if (removed) {
            changed();
        }
    }

    /** Feed every engine event here (from the event consumer): ended connections leave the queue. */
    public void onEngineEvent(EngineEvent event) {
        if (event instanceof EngineEvent.Closed c) {
            connectionEnded(c.connectionId());
        } else if (event instanceof EngineEvent.Failed f) {
            connectionEnded(f.connectionId());
        }
    }

    private boolean removeConnection(long connectionId) {
        boolean removed = false;
        for (Iterator<HeldChunk> it = held.iterator(); it.hasNext();) {
            if (it.next().connectionId == connectionId) {
                it.remove();
                removed = true;
            }
        }
        return removed;
    }

    // ---- the engine side -------------------------------------------------------------------

    /** Holds the chunk if intercept is on and it matches the filter; called on the selector thread. */
    boolean holdIfMatching(ChunkContext context, byte[] data) {
        if (!enabled) {
            return false;
        }
        String listener = context.listener() == null ? null : context.listener().name();
        if (!filter.matches(listener, context.direction(), data)) {
            return false;
        }
        synchronized (this) {
            if (!enabled) {
                return false;
            }
            held.add(new HeldChunk(nextId++, context.connectionId(), listener, context.direction(),
                    context.sequence(), EpochClock.nowNanos(), data.clone()));
        }
        changed();
        return true;
    }

    private void changed() {
        for (Runnable r : listeners) {
            try {
                r.run();
            } catch (RuntimeException x) {
                LOG.log(Level.WARNING, "an intercept queue listener failed", x);
            }
        }
    }
}
