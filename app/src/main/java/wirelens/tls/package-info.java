/**
 * TLS interception's parts that need no sockets: Wirelens' own certificate authority, the leaf
 * certificates it shows clients in place of the servers', the reading of a client's first TLS message,
 * one side of a connection speaking TLS over memory buffers ({@link wirelens.tls.TlsLayer}), the
 * engines of both legs ({@link wirelens.tls.TlsEngines}, {@link wirelens.tls.UpstreamTrust}), and where a
 * mail session switches to TLS ({@link wirelens.tls.StartTlsWatcher}), and the TLS options a user gives
 * ({@link wirelens.tls.TlsSettings}, the same for headless and the window). The engine drives them.
 *
 * <p>May import: the JDK (JSSE), Netty's SSL engines over netty-tcnative's BoringSSL
 * ({@link wirelens.tls.BoringTls}, the default where its native code loads), BouncyCastle (certificates)
 * and {@code wirelens.base}. Never engine, capture, ui or cli: the engine drives TLS through its per-side
 * byte path and asks this package for certificates, not the other way round.
 *
 * <p>Why it is shaped so: certificates are made with BouncyCastle but keys and signatures come from
 * the JDK's own providers, so no security provider is registered and the jar stays unsigned-safe. All
 * leaves share one EC P-256 key per run, so minting a leaf is one signature. The ClientHello is read by
 * hand, as a pure function of the bytes received so far, because the server name and ALPN offers are
 * needed before any {@code SSLEngine} is made: the upstream handshake runs first (as in mitmproxy), so
 * the client can be shown a certificate with the server's real names and the protocol the server chose.
 * Which library makes the engines is one small seam ({@link wirelens.tls.TlsLibrary}): BoringSSL where it
 * loads, else JSSE ({@code -Dwirelens.tls=jdk} asks for it). BoringSSL's handshakes take a seventh of
 * JSSE's CPU (a new intercepted connection a third); its Netty engine is kept half-open by hand (see
 * {@link wirelens.tls.BoringTls}), and a native engine must be released
 * ({@link wirelens.tls.TlsLayer#close}) however its connection ends.
 * The server leg reuses sessions (one client context, engines made with the server's name and port), and
 * a server that chose TLS 1.2 is offered TLS 1.2 alone for a while: with JSSE a ClientHello offering TLS
 * 1.3 makes two key shares in the JDK's pure-Java EC code, which a TLS 1.2 server never uses.
 */
package wirelens.tls;
