/**
 * Intercept: the match-and-replace rules ({@code --replace}, {@code --rules}, the window's Rules tab), the
 * plugins ({@code --plugin}), and the hold queue from which the user edits, forwards or drops chunks. Each
 * is a {@link wirelens.engine.ChunkHook}; the chain runs rules, then plugins, then the intercept hold, so
 * the user edits what would have been sent.
 *
 * The breakpoints on whole HTTP messages ({@link wirelens.intercept.BreakpointQueue}, the engine's
 * {@link wirelens.engine.MessageHook}) keep the messages held for the user the same way, and edit and resend
 * ({@link wirelens.intercept.Resender}) sends an edited request through a listener of the engine's own
 * (named Resend), so the resent exchange is relayed and recorded like any other; it is a blocking client
 * for a background thread, never for an engine thread.
 *
 * <p>May import: {@code wirelens.engine} (the hook API and its records), {@code wirelens.proto.http} (the
 * heads of held messages), {@code wirelens.filter} (which messages a breakpoint holds), {@code wirelens.base}
 * and Jackson (saved rules). Never capture, ui or cli.
 *
 * <p>Why it is shaped so:
 * <ul>
 * <li>Hooks run on an engine selector thread for every chunk, so nothing here may block or take long. A
 *     rule is parsed and compiled once, when it is made (a rule that exists compiles). A regex runs on a
 *     {@link wirelens.intercept.BoundedText} that counts the characters it reads and gives up past a budget
 *     proportional to the chunk: a pattern that backtracks catastrophically costs one chunk its rules and a
 *     notice, never the engine's thread. A plugin that throws is skipped for that chunk and reported, the
 *     first time in full and then every 1000th time, so a plugin failing on every chunk cannot flood the
 *     log.
 * <li>Rules match within one chunk and never hold bytes back. Matching across chunk boundaries would mean
 *     delaying bytes until the next read, which changes the timing the user came to observe; line protocols
 *     write a command at a time, so rules usually see whole lines. Holding is for intercept alone.
 * <li>Regexes run on the bytes read as ISO-8859-1 (one char per byte), so every byte round-trips and
 *     {@code .} is one byte; non-ASCII characters the user types stand for their UTF-8 bytes.
 * <li>A held chunk pauses reading on that side of that connection only: at most one chunk per connection
 *     and direction is held, order is kept, memory stays bounded, and everything else flows on.
 *     {@link wirelens.intercept.HoldQueue} is thread-safe; its listeners are called on the thread that
 *     made the change (the selector thread for a new hold), so they must return at once (the window
 *     batches them); chunks of connections that ended leave the queue on the engine's events.
 * <li>The rule list is replaced whole (an immutable copy behind a volatile field): a chunk sees the old
 *     list or the new one, never a mix, and the engine thread never takes a lock.
 * <li>Rules live on disk in two forms: a text file in the {@code --replace} syntax for the command line,
 *     and versioned JSON for the window, which also keeps each rule's listener and enabled flag.
 * </ul>
 */
package wirelens.intercept;
