/**
 * The command line: parses the options (picocli), then runs the engine headless, works on a saved capture
 * ({@code --read} with {@code --dump}, {@code --export-eml}, {@code --export-har}, {@code --flows}, {@code --curl}),
 * or opens the window.
 *
 * <p>May import: {@code wirelens.engine}, {@code wirelens.capture}, {@code wirelens.intercept},
 * {@code wirelens.proto}, {@code wirelens.tls} (the CA, and the TLS options {@link wirelens.tls.TlsSettings}
 * that headless and the window share), {@code wirelens.base}, {@code wirelens.flows} (the rows of {@code --flows}), picocli and slf4j. Of ui only the one entry
 * point, {@code wirelens.ui.WirelensApp.launchWindow}.
 *
 * <p>Why it is shaped so:
 * <ul>
 * <li>{@link wirelens.cli.Main} is the jar's main class and does not extend JavaFX's {@code Application}:
 *     a shaded jar whose main class does cannot start. A usage error exits 2 with one line and a hint, a
 *     failure to run (a port in use, no display) exits 1 with one line, never a stack trace.
 * <li>The headless lines on stdout ({@code listening …} with the real port, {@code #1 open …},
 *     {@code #1 closed …}, {@code capture …}) are the program's output: scripts and tests wait for them, so
 *     their wording is kept exactly and nothing else goes there. What makes the command fail (a usage
 *     error, a port in use, a capture that cannot be read or written) is its answer: one
 *     {@code wirelens: …} line on stderr. Everything else Wirelens says while it runs (engine notices,
 *     capture write failures, plugin failures, warnings) is a diagnostic, through slf4j to stderr at the
 *     level {@code --log-level} or {@code -v} sets; that level is applied before the first logger exists
 *     (slf4j-simple reads it once), so no class that runs before {@link wirelens.cli.Main#configureLogging}
 *     may hold a static logger.
 * <li>SIGINT and SIGTERM end a headless run with status 0 ({@link wirelens.cli.Signals}); the handler is
 *     installed before the warm-up and the listeners, since a SIGTERM that came before it would end the JVM
 *     with 143, even right after the {@code listening} line a script waits for.
 * <li>{@link wirelens.cli.IdleMemory} lets G1 give back, once the traffic stops, the heap a burst of
 *     connections grew (TLS handshakes make much short-lived garbage), in the window as headless.
 * <li>Headless runs the engine's JIT warm-up (why: see {@code wirelens.engine}) before any listener opens,
 *     so the {@code listening} line comes up to 4 s late ({@code -Dwirelens.warmupMillis=0} turns it off,
 *     {@code -Dwirelens.warmupReport=true} says what it did). Its part here: the real engine is started
 *     first, as each selector's first blocking select takes a path no later one does; the warm-up's events
 *     go to a throwaway recorder of the same kind as the real one (a temporary file when capturing) that
 *     calls a printer of the real one's class, printing nothing, so the first real batch meets code already
 *     compiled for it; and a full collection afterwards gives the warm-up's heap growth and pooled direct
 *     buffers back to the system.
 * </ul>
 */
package wirelens.cli;
