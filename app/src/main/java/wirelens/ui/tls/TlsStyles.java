package wirelens.ui.tls;

/** Style class names of the TLS panel and dialogs; their looks live in {@code tls.css}. */
final class TlsStyles {
    private TlsStyles() {}

    static final String STYLESHEET = TlsStyles.class.getResource("tls.css").toExternalForm();

    static final String PANEL = "wl-tls-panel";
    /** A leg's heading: client &harr; Wirelens, Wirelens &harr; server. */
    static final String LEG_TITLE = "wl-tls-leg-title";
    /** Above a certificate chain, and each certificate's heading. */
    static final String CHAIN_TITLE = "wl-tls-chain-title";
    static final String NAME = "wl-tls-name";
    /** A value: selectable text that looks like a label. */
    static final String VALUE = "wl-tls-value";
    /** Not verified, failed, expired. */
    static final String WARNING = "wl-tls-warning";
    /** A sentence that explains. */
    static final String HINT = "wl-tls-hint";
    /** A copy-paste snippet of the install instructions: monospaced. */
    static final String SNIPPET = "wl-tls-snippet";
}
