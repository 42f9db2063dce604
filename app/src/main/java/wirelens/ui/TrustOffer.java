package wirelens.ui;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.BiConsumer;
import javafx.application.Platform;
import wirelens.capture.CaptureIndex;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.EngineEvent;
import wirelens.ui.base.Background;
import wirelens.ui.listeners.ListenerPane;
import wirelens.ui.tls.WindowTls;

/** The notification a server that failed verification gets, once per server in a window. */
final class TrustOffer {
    private TrustOffer() {}

    /**
     * A server failed verification: offers to trust its certificate (this run, or always) or to pass it
     * through on the connection's listener. The engine's options change off the FX thread.
     */
    static void show(EngineEvent.Tls t, CaptureIndex index, WindowTls tls, ListenerPane listeners,
            Notifications notifications) {
        X509Certificate leaf;
        try {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(t.rejectedChain().get(0)));
        } catch (CertificateException e) {
            return; // the engine sent what it was shown; a chain that does not parse offers nothing to trust
        }
        int listenerId = index.connection(t.connectionId()).map(ConnectionInfo::listenerId).orElse(-1);
        String server = t.server();
        BiConsumer<Boolean, String> trust = (always, told) -> Background.execute(() -> {
            try {
                tls.trust(leaf, always);
                Platform.runLater(() -> notifications.info(told));
            } catch (IOException e) {
                Platform.runLater(() -> notifications.error("Cannot trust the certificate of " + server + ": "
                        + e.getMessage()));
            }
        });
        notifications.offer(t.detail(), List.of(
                new Notifications.Choice("Trust this run", "tls-trust-run",
                        () -> trust.accept(false, "Trusting the certificate of " + server + " for this run")),
                new Notifications.Choice("Trust always", "tls-trust-always",
                        () -> trust.accept(true, "Trusting the certificate of " + server + " from now on")),
                new Notifications.Choice("Pass through", "tls-pass-through", () -> {
                    if (listeners.passThrough(listenerId, server)) {
                        notifications.info(server + " is passed through, untouched");
                    } else {
                        notifications.error("Cannot pass " + server + " through: its listener is not running");
                    }
                })));
    }

}
