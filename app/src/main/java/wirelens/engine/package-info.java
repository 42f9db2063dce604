/**
 * The forwarding engine: listeners, the selector loops, and the relay of each connection.
 *
 * <p><b>Owns</b> every socket channel and every buffer bytes pass through. {@link wirelens.engine.Engine}
 * is the public, thread-safe face: its methods hand a task to a loop and return at once, and everything
 * the engine observes leaves as an {@link wirelens.engine.EngineEvent} through a bounded
 * {@link wirelens.engine.EventQueue}; the user hears about trouble through
 * {@link wirelens.engine.EngineEvent.Notice}s. <b>May import</b>: the JDK, {@code wirelens.base} (how
 * durations read), the sans-IO protocol decoders in {@code wirelens.proto}, and {@code wirelens.tls}
 * (certificates, the sans-IO TLS layer, the ClientHello reader); never capture, intercept, ui or cli
 * (they import the engine).
 *
 * <h2>How it is shaped, and why</h2>
 *
 * <p><b>Loops.</b> A few {@link wirelens.engine.SelectorLoop}s (one per core, at most four) do all
 * I/O. Each owns its connections from accept to close, never blocks, and never touches disk or the
 * window. Every listener is one socket on the first loop, which keeps a new client unless it holds
 * {@link wirelens.engine.SelectorLoop#SPREAD_MARGIN} more connections than the least busy loop. Clients
 * that come one after another (a mail client, a script, short HTTP requests) so stay on the loop that
 * is awake already: the end of one connection and the start of the next cost one thread wake-up, not
 * two, which a kernel spreading clients over one socket per loop ({@code SO_REUSEPORT}) would cost.
 * Clients that stay and work at the same time are spread over the loops.
 *
 * <p><b>Sessions and relays.</b> The protocol logic of a connection is a sans-IO state machine
 * ({@link wirelens.engine.ForwardSession}, {@link wirelens.engine.HttpProxySession}: events in,
 * commands out), tested with scripts and no sockets. Each connection's session is chosen when it starts:
 * a forward listener's (and a SOCKS5 one's once its target is connected) is the plain relay, or while
 * breakpoints are on the HTTP proxy's session in its forward mode (below). The HTTP proxy's is in
 * parts, each one thing: the connection's modes ({@code HttpProxySession}), its HTTP exchanges ({@code ProxyExchanges}), the
 * connection to origins ({@code Upstream}), the relay after a CONNECT or an Upgrade ({@code ProxyTunnel}),
 * the heads it writes ({@code ProxyHeads}), the breakpoints of its exchanges ({@code ExchangeBreakpoints}) and a message held at one ({@code HttpBreakpoint}). {@link wirelens.engine.Connection} translates
 * socket readiness into those events and carries out the commands; it reaches its loop only through
 * the loop's few methods for connections (emit, the read buffer, timers, the event budget, polling,
 * name resolution, closing). A chunk read goes to the session one way, hooks or not, so bytes, turns
 * and polling are counted alike; only without hooks are the bytes forwarded straight from the read
 * buffer (nothing can change them then). With hooks, {@link wirelens.engine.ConnectionHooks} runs them on
 * the connection's bytes and records what they did.
 *
 * <p><b>Breakpoints on HTTP messages.</b> A {@link wirelens.engine.MessageHook} ({@link
 * wirelens.engine.Engine#setMessageHook}) is asked about each request and final response head the HTTP
 * proxy reads; a message it wants is collected whole in the session (a body over 16 MiB passes with a
 * notice) and held, which pauses only its connection, until {@link wirelens.engine.Engine#resumeMessage}
 * reaches the session as an event: Continue (the bytes, checked on the caller's thread, go on as one
 * write), Drop (a 502, or the connection closed) or Answer (a typed response; the request never leaves).
 * The capture records a held message as the chunk-level intercept records a chunk: when it goes on, as
 * one chunk whose original is what the peer sent and whose forwarded bytes are what went on (edited, or
 * nothing when dropped or answered; the answer is an injected chunk). For that, while a hook is on, a read
 * is recorded only once the session has handled it ({@link wirelens.engine.PendingReads}), and the session
 * holds the recording of each head back from its first byte until no breakpoint wants it
 * ({@link wirelens.engine.SessionOutput#holdRecording}); whatever a hold keeps when the connection ends is
 * recorded as read. Held at the session, not as
 * chunks: a message is the unit a user edits, and only the session knows where one ends. Decrypted
 * HTTPS gets the same: once both TLS legs of a CONNECT tunnel are up the session is told ({@link
 * wirelens.engine.SessionEvent.TunnelDecrypted}), and a client whose first bytes inside are an HTTP/1.x
 * request has its requests handled as HTTP to the tunnel's one origin ({@link
 * wirelens.engine.TunnelOrigin}: an edited request may not name another host, as the TLS leg is to this
 * one); anything else in the tunnel (HTTP/2, other protocols) is relayed as it is. Forward and SOCKS5
 * connections get the same while a hook is installed when they start ({@link
 * wirelens.engine.HttpProxySession#forward}): a tunnel to the one target from the start, looked at the
 * same way (after TLS, where it is intercepted; {@code TunnelDecrypted} comes on those connections too), its
 * HTTP handled as exchanges with an {@code http://} or {@code https://} origin, heads as they came (the
 * listener is transparent); a server that speaks first, or a client that does not open with a request,
 * makes it the plain relay from the first byte. Without a hook they are the plain relay, and nothing looks
 * at their bytes.
 *
 * <p><b>The per-side layer.</b> Every byte read from or written to a socket passes that side's
 * {@link wirelens.engine.SideLayer}: socket ↔ side layer ↔ session. For plain TCP it is the identity
 * (one implementation, so the JIT inlines it away). Every layer is closed once its socket is, or when it is
 * replaced or never started, so a native TLS engine is freed however the connection ends. A TLS layer (an {@code SSLEngine} with network
 * buffers of its own) fits the same calls: it reads and writes for its handshake through
 * {@code interestOps} and {@code advance} even while the relay does not read, runs delegated tasks (and
 * a client's first step, whose key shares take milliseconds) off the selector thread and wakes the
 * connection when they are done, holds input and output of its own
 * (which count for backpressure and for ending like the relay's own queue), and maps close_notify onto
 * a half-close by returning -1 from a read and by {@code shutdownOutput}. A session installs a layer
 * with {@link wirelens.engine.SessionOutput#installLayer}, also in the middle of a connection
 * (STARTTLS): the bytes already queued for that side go out as before, then the layer takes over. The
 * relay's rules (backpressure, half-close, hooks, capture) are in terms of the session's bytes and do
 * not change with the layer.
 *
 * <p><b>TLS interception</b> ({@link wirelens.engine.TlsInterception}, on when {@link
 * wirelens.engine.Engine#setTls} is given options, the CA and the trust in servers, and the listener's own
 * {@link wirelens.engine.ListenerTls} intercepts, less the hosts it passes through) uses that seam and nothing else: a
 * {@link wirelens.engine.HelloSniffer} on the client side reads a whole ClientHello before the session
 * sees a byte (a forward listener's first bytes, a CONNECT tunnel's, or after the server's go-ahead to
 * STARTTLS), then {@link wirelens.engine.TlsSideLayer}s take both sides: the server's first, verified,
 * then the client's with a leaf for the names both used. While the legs are set up neither side's
 * plaintext is read, so a server that speaks first is not relayed before the client's leg can carry it.
 * Key exchanges and minting run on a small pool, never on a loop.
 *
 * <p><b>A proxy's own negotiation.</b> A SOCKS5 client's greeting, login and request
 * ({@link wirelens.engine.Socks5Session}, a sans-IO session like the others) are not stream data:
 * while the session negotiates ({@link wirelens.engine.SessionOutput#negotiating}) the client's bytes go
 * to it without hooks or chunk events, and the whole handshake leaves as one
 * {@link wirelens.engine.EngineEvent.ProxyHandshake} (a password blanked out) once it succeeded or failed.
 * After a successful CONNECT the session relays as a forward one and the connection's TLS interception
 * starts as a forward listener's would, at the requested name; so the capture's stream, which starts
 * at the target's connect, runs from the client to the requested target.
 *
 * <p><b>Backpressure.</b> A side is read only while the other side has nothing unsent, so at most one
 * read buffer's worth (plus what a hook added) waits per direction however slow the reader. The same
 * holds for the event consumer: when the capture or the window falls behind the queue's budget, the
 * loops stop reading until it catches up; nothing is dropped. Events are handed over once per loop
 * round, as one batch.
 *
 * <p><b>Half-close.</b> An EOF from one side becomes {@code shutdownOutput()} on the other once the
 * bytes before it are sent; the other direction flows on until it ends too. Once both have ended the
 * connection is closed without shutting the last direction down first (the close sends that FIN). A
 * reset on either side resets both; every connection ends with exactly one Closed or Failed.
 *
 * <p><b>Timeouts.</b> Each kind of wait has one timeout (connect, response, request head, idle per
 * listener kind), so each is an insertion-ordered set whose oldest entry expires first
 * ({@link wirelens.engine.Deadlines}): a loop turn with nothing due costs a look at each set's head.
 * Idleness is not re-armed per read: a connection notes the loop's wake-up time when it is touched, and
 * its deadline, when it passes, closes it only if it has been quiet for the whole timeout (else looks
 * again then); a wait that a timeout of its own ends (a connect, an origin's answer, a request head) is
 * not idleness. An idle close and an HTTP client too slow with its request head (a 408) are normal
 * ends whose {@link wirelens.engine.EngineEvent.Closed} says why. Forward listeners have no idle timeout
 * by default: quiet SMTP, database and WebSocket sessions are normal there.
 *
 * <p><b>Fewer system calls per connection.</b> Upstream connects are non-blocking with a timeout, and
 * their completion is asked for at once (on loopback the handshake is usually done by then); the
 * client's first bytes are read as soon as the target is connected; an IPv4 target gets an IPv4
 * socket. A listener's readiness accepts one client (it stays ready while more wait) rather than
 * accepting until one fails. A finished connection's channels are closed after the next select has
 * dropped their cancelled keys ({@link wirelens.engine.SelectorLoop#closeAfterSelect}): closing a
 * channel that is still registered makes the JDK query SO_LINGER and shut the output down first.
 *
 * <p><b>Lending large reads.</b> While chunks are recorded and no hook (chunk or message) is on, a read of at
 * least 32 KiB is not copied: the read buffer itself is lent to the capture
 * ({@link wirelens.engine.Payload}), which writes it to the file and gives it back, and the loop reads
 * on into a fresh buffer from its pool. Smaller reads are copied, which is cheaper than tying up a
 * whole buffer against the event budget.
 *
 * <p><b>Busy polling of conversations.</b> A proxy adds two hops to every round trip, and a sleeping
 * loop is woken on each; on a virtual machine such a wake-up can cost as much as the answer. So once a
 * connection's sides have taken turns more than a few times (a conversation: SMTP, keep-alive HTTP),
 * the loop that relayed a chunk of it polls its sockets for the answer for a short window
 * ({@code --busy-poll}) before it blocks ({@link wirelens.engine.BusyPoll}). What it may cost is
 * bounded: only one loop polls at a time; short connections never count as conversations; a poll that
 * runs out costs credit and an answer found fast (or one that came within twice the window while the
 * loop slept) earns it back, and a loop polls only with credit left, so slow answers (a slow server, a
 * person typing) soon stop the polling.
 *
 * <p><b>Giving way to the window.</b> When the window's pulses come late it asks the engine to give
 * way ({@link wirelens.engine.Engine#giveWay}): for a while each loop round ends with a yield and no
 * loop polls, so that a flood of traffic cannot starve the threads that lay out and paint it (the JVM
 * cannot lower a thread's priority on Linux). Headless, nobody asks.
 *
 * <p><b>JIT warm-up.</b> A fresh JVM serves its first few thousand connections from interpreted code,
 * and then its C2 compiler takes a large share of a small machine's cores for seconds, just as the first
 * clients arrive. {@link wirelens.engine.WarmUp} therefore runs loopback connections through a
 * throwaway engine (and a throwaway recorder of the real one's kind) before the headless listeners
 * open, until the compiler threads go quiet or a time budget is spent; whatever is left of the budget
 * goes to the compiler with no traffic competing. Its connections go through a chain of three
 * listeners (each client crosses the engine three times), one client per loop at once, small
 * exchanges with a bulk one now and then, mostly ended by resets (no TIME_WAIT) with every eighth
 * closed normally, and a spare listener bound and unbound now and then. Everything it does is there
 * because real use doing it first afterwards made the JIT throw compiled relay code away and compile
 * it again: a listener's first client, two loops publishing at once, normal closes, the first blocking
 * select of a selector (so the real engine's threads start before the warm-up), the main thread's
 * first wait on a latch. It carries no conversations: the polling loop compiled on the warm-up's
 * profile relayed round trips more slowly than one compiled on real traffic. A run with an HTTP proxy
 * and TLS interception also sends keep-alive HTTPS requests through a proxy listener of the warm-up's
 * to a loopback server with a leaf of Wirelens' CA ({@link wirelens.engine.HttpsWarmUp}): decrypting,
 * HTTP decoding and recording are compiled before the first request (without it C2 took a third of the
 * CPU over a fresh run's first 8,000 requests through CONNECT).
 */
package wirelens.engine;
