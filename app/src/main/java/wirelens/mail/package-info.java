/**
 * Mail messages across connections: the rows of the window's Messages list and of {@code --messages},
 * one per SMTP transaction (sender, recipients, subject, size, the reply that decided it, TLS, AUTH user).
 *
 * <p><b>May import</b>: {@code wirelens.capture} (the recorded connections and their live updates),
 * {@code wirelens.proto.smtp} (the decoder), {@code wirelens.filter} (the filter language) and
 * {@code wirelens.engine}'s event records; never ui or cli, which show these rows.
 *
 * <p><b>Why it is shaped so.</b> A row is a small record; the message itself stays in the capture file
 * and is decoded again when the user opens it, so a day of mail costs the heap a few hundred bytes per
 * message. Live rows come from a decoder per open SMTP connection that keeps only each message's head
 * (enough for its Subject) and is dropped when the connection ends.
 */
package wirelens.mail;
