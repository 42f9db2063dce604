/**
 * The listener pane: add and edit (in a dialog, {@link wirelens.ui.listeners.ListenerForm}), remove, start
 * and stop forward listeners, HTTP proxies and SOCKS5 proxies (each with its own TLS interception on/off and
 * passthrough list; a SOCKS5 one with an optional user and password), and the settings file they are saved
 * in ({@code listeners.json} in the user's config directory, readable by its owner only, as it holds SOCKS5
 * passwords), started again next time. A file written before listeners had TLS options loads with
 * interception on and nothing passed through.
 *
 * <p>May import: {@code wirelens.engine}, {@code wirelens.base}, {@code wirelens.ui.base} and Jackson
 * (the settings file). The window imports it.
 *
 * <p>Why it is shaped so: binding a port happens on the engine's thread and answers later, so a row
 * shows "starting" until the engine says; a port in use or a listener reachable from other machines is
 * a notification, never a dialog or a stack trace. The form is a dialog because the list rarely changes:
 * always open, it took a third of the window's width from the traffic.
 */
package wirelens.ui.listeners;
