/**
 * The command line: parses options (picocli), runs the engine headless or opens the window.
 *
 * <p>May import every package except ui's internals; it starts the window through {@code wirelens.ui.WirelensApp}.
 */
package wirelens.cli;
