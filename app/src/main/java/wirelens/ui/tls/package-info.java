/**
 * TLS in the window: the TLS menu ({@link wirelens.ui.tls.TlsMenu}: the CA's fingerprint, validity and
 * file, Export as PEM or DER, How to install with copy-paste snippets, Reload, Regenerate), what a live
 * window intercepts with ({@link wirelens.ui.tls.WindowTls}, from the command line's
 * {@link wirelens.tls.TlsSettings}), and a connection's TLS panel ({@link wirelens.ui.tls.TlsPanel}: each
 * leg's version, cipher suite, SNI, ALPN, handshake time, verification and the peers' certificates).
 *
 * <p>May import: {@code wirelens.tls} (the CA), {@code wirelens.engine} (the engine's TLS options and
 * events), {@code wirelens.base} and {@code wirelens.ui.base}. The window imports it.
 *
 * <p>Why it is shaped so: what the panel says is worked out by plain functions
 * ({@link wirelens.ui.tls.TlsLegs}, {@link wirelens.ui.tls.InstallSnippets}) that tests read without
 * JavaFX. The CA is read, made and written off the FX thread. A CA that cannot be used is never fatal:
 * the window relays TLS as it is, says why, and the menu can mend it without a restart; a regenerated CA
 * reaches the engine as new options for the connections that follow.
 */
package wirelens.ui.tls;
