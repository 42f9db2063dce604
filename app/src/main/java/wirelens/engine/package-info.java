/**
 * The forwarding engine: listeners, the selector loop, and the per-connection relays.
 *
 * <p>Owns every socket channel and buffer. A few selector threads (loops) do all I/O; each owns its
 * own connections from accept to close, never blocks, never touches disk or the UI. Other threads talk
 * to them through {@link wirelens.engine.Engine}'s public methods, which enqueue a task and wake the
 * selector. Everything it observes leaves as an
 * {@link wirelens.engine.EngineEvent} through a bounded {@link wirelens.engine.EventQueue}.
 *
 * <p>May import: the JDK and the sans-IO protocol logic in {@code wirelens.proto}. Never capture, ui or cli.
 */
package wirelens.engine;
