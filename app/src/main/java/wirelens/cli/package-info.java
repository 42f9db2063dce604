/**
 * The command line: parses the options (picocli), then runs the engine headless, prints or exports a
 * saved capture, or opens the window.
 *
 * <p>May import every package; of {@code ui} only {@code wirelens.ui.WirelensApp}, which starts the window.
 *
 * <p>Why it is shaped so: a headless run's stdout is its output, lines that scripts read ({@code listening
 * ...}, {@code #1 open ...}, {@code #1 closed ...}, {@code capture ...}), so nothing else ever goes there.
 * What makes the command fail (a usage error, a port in use, a capture that cannot be read or written) is
 * its answer: one {@code wirelens: ...} line on stderr and exit status 2 or 1. Everything else Wirelens has
 * to say while it runs (engine notices, capture write failures, plugin failures, warnings) is a diagnostic
 * and goes through slf4j to stderr, at the level {@code --log-level} or {@code -v} sets. That level is set
 * as a system property before the first logger exists, so no class that runs before
 * {@link wirelens.cli.Main#configureLogging} may hold a static logger.
 */
package wirelens.cli;
