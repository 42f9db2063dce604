/**
 * What every part of the window shares: the window's one {@link wirelens.ui.base.Pulse}, the one
 * {@link wirelens.ui.base.Background} pool for work off the FX thread, the style class names
 * ({@link wirelens.ui.base.Styles}, looks in {@code wirelens.css}), where the window tells the user
 * something ({@link wirelens.ui.base.Notifier}), how it asks for files
 * ({@link wirelens.ui.base.FileDialogs}, replaced by tests) and its look ({@link wirelens.ui.base.Theme}:
 * AtlantaFX light or dark for every window at once, the user's choice kept in the config directory), and
 * the rows of a list whose items change as they go on ({@link wirelens.ui.base.KeyedRows}: Flows, Messages).
 *
 * <p>May import: the JDK, JavaFX, AtlantaFX (only in Theme), slf4j, {@code wirelens.base} and
 * {@code wirelens.engine} (directions). Every ui package imports it; it imports no other ui package.
 *
 * <p>Why it is shaped so: followers register with one pulse instead of each running a timer, so the
 * window decides once per frame whether it is behind and everything redraws at most once per frame;
 * background work runs on a few named daemon threads shared by every window and view, never a thread
 * per connection or per view, and a view keeps at most one step in flight (or a serial queue) where
 * order matters.
 */
package wirelens.ui.base;
