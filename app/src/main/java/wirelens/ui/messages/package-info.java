/**
 * The window's Messages list: every mail transaction across connections beside the chosen message's
 * MIME view; export as .eml.
 *
 * <p><b>May import</b>: JavaFX, {@code wirelens.mail} (the rows and their filter), {@code wirelens.capture}
 * (to read a message back from the file), {@code wirelens.proto.smtp}, {@code wirelens.ui.base} and
 * {@code wirelens.ui.protocol} (the MIME view). The main window feeds it; it never reaches the engine.
 *
 * <p><b>Why it is shaped so.</b> The rows arrive already summarised from {@link wirelens.mail.MailFeed} in
 * one batch per pulse, so a busy mail server costs the FX thread one list change per pulse; a message's
 * bytes are read from the capture only when it is shown or exported.
 */
package wirelens.ui.messages;
