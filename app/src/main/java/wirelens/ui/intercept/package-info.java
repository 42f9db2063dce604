/**
 * Intercept and rules in the window: the intercept pane (the hold filter, the held chunks oldest
 * first, a text and a hex editor, forward / forward original / drop / close connection, inject), the
 * rules pane (match-and-replace rules, ordered, enabled one by one, saved), the compare pane that
 * shows an edited chunk's original and forwarded bytes side by side, the breakpoints pane (whole HTTP
 * messages held, edited as a head and a body, continued, dropped or answered) and the edit-and-resend
 * window, which share one whole-message editor.
 *
 * <p>May import: {@code wirelens.intercept}, {@code wirelens.engine}, {@code wirelens.capture},
 * {@code wirelens.proto.http} (message heads and bodies) and {@code wirelens.ui.base}. The window imports it, and so do the stream views (the compare pane).
 *
 * <p>Why it is shaped so: the hold queue calls back on an engine thread, where the pane only sets a
 * flag; the pane catches up on the window's pulse, and only while it is shown. A held chunk pauses only
 * its direction of its connection, so the user may take their time.
 */
package wirelens.ui.intercept;
