/**
 * The window's Flows list: every HTTP exchange across connections, one row each, live, filtered with the
 * filter language, beside the selected flow's request and response; copy as curl, copy URL, save a body,
 * export the selection as HAR, and "Edit and resend…" for the resend editor the window plugs in.
 *
 * <p><b>May import</b>: JavaFX, {@code wirelens.flows} (the rows, their filter and exports),
 * {@code wirelens.capture} (to read exchanges back from the file), {@code wirelens.proto.http},
 * {@code wirelens.filter}, {@code wirelens.ui.base} and {@code wirelens.ui.protocol} (the message panes and the
 * HTTP view's colours). The main window feeds it; it never reaches the engine.
 *
 * <p><b>Why it is shaped so.</b> Rows arrive summarised from {@link wirelens.flows.FlowFeed} once per pulse,
 * so the FX thread pays one list change per pulse however many requests flow; the table is virtualised, so
 * only the visible rows have cells. A filter answers from the rows at once; its text terms are searched in
 * the heads and bodies by a background queue that reports progress, and the list refines as verdicts come.
 */
package wirelens.ui.flows;
