package wirelens.ui.protocol;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.util.Subscription;
import wirelens.capture.CaptureFile;
import wirelens.capture.ConnectionInfo;
import wirelens.capture.HttpExchanges;
import wirelens.capture.SmtpTranscripts;
import wirelens.engine.ListenerKind;
import wirelens.proto.smtp.SmtpDetection;
import wirelens.ui.base.Background;
import wirelens.ui.base.Pulse;

/**
 * The content of a connection's tab: the byte views (text / hex) and, once the connection is
 * recognised, its SMTP or HTTP view beside them; a connection with TLS also offers its TLS panel
 * ({@link #offerTls}, given by the window as a node). Connections of an HTTP proxy listener are HTTP at once;
 * others are sniffed from their first bytes (off the FX thread, again on later pulses while undecided).
 * The protocol views are created when first chosen and closed with the tab.
 */
public final class ConnectionTab extends BorderPane {

    /** Which view the tab shows. */
    public enum Shown { BYTES, SMTP, HTTP, TLS }

    private final Node bytes;
    private final CaptureFile file;
    private final long connectionId;
    private final ToggleGroup group = new ToggleGroup();
    private final ToggleButton bytesButton = new ToggleButton("Bytes");
    private final ToggleButton smtpButton = new ToggleButton("SMTP");
    private final ToggleButton httpButton = new ToggleButton("HTTP");
    private final ToggleButton tlsButton = new ToggleButton("TLS");
    /** A proxy's handshake with the client, as one line: it is no stream data, so the byte views leave it out. */
    private final Label handshake = new Label();
    private final AtomicBoolean sniffing = new AtomicBoolean();
    private final Pulse pulse;
    private final ViewChoices choices;
    /** Set while the tab itself selects a view, so only the user's clicks count as choices. */
    private boolean selectingForUser;
    private boolean userPicked;
    private Runnable onUserPick = () -> {};
    /** SMTP or HTTP once recognised, else BYTES. */
    private Shown protocol = Shown.BYTES;
    /** The pulse while undecided (sniffing again when chunks were added); null once both are decided. */
    private Subscription sniffingPulse;
    private SmtpView smtp;
    private HttpView http;
    private Node tls;
    private final String prefix;
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper();
    /** True once the title will not change: it was found, the connection ended, or it is no protocol we name. */
    private boolean titleSettled;
    private boolean smtpDecided;
    private boolean httpDecided;
    private int sniffedAtChunks = -1;
    private boolean sniffedEnded;
    private boolean closed;

    /**
     * @param title the tab's title until what the client sent names it better ({@link #title})
     */
    public ConnectionTab(Node bytes, CaptureFile file, ConnectionInfo info, Pulse pulse, ViewChoices choices,
            String title) {
        this.bytes = bytes;
        this.prefix = "#" + info.id() + " ";
        this.title.set(title);
        this.choices = choices;
        this.file = file;
        this.connectionId = info.id();
        this.pulse = pulse;
        setId("protocol-switch-" + connectionId);
        getStylesheets().add(SmtpView.STYLESHEET);
        for (ToggleButton b : new ToggleButton[] {bytesButton, smtpButton, httpButton, tlsButton}) {
            b.setToggleGroup(group);
        }
        bytesButton.setId("show-bytes-" + connectionId);
        smtpButton.setId("show-smtp-" + connectionId);
        httpButton.setId("show-http-" + connectionId);
        tlsButton.setId("show-tls-" + connectionId);
        bytesButton.setSelected(true);
        smtpButton.setVisible(false);
        smtpButton.setManaged(false);
        httpButton.setVisible(false);
        httpButton.setManaged(false);
        tlsButton.setVisible(false);
        tlsButton.setManaged(false);
        group.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null) {
                old.setSelected(true);
            } else {
                if (!selectingForUser) {
                    userPicked = true;
                    onUserPick.run();
                    if (protocol != Shown.BYTES) {
                        choices.picked(protocol, shown());
                    }
                }
                showSelected();
            }
        });
        Label hint = new Label("View:");
        handshake.setId("proxy-handshake-" + connectionId);
        handshake.getStyleClass().add(wirelens.ui.base.Styles.PROXY_HANDSHAKE);
        handshake.setPadding(new Insets(0, 0, 0, 12));
        HBox bar = new HBox(4, hint, bytesButton, smtpButton, httpButton, tlsButton, handshake);
        bar.getStyleClass().add("wl-view-bar");
        bar.setPadding(new Insets(2, 6, 2, 6));
        setTop(bar);
        setCenter(bytes);

        if (file == null) {
            smtpDecided = true;
            httpDecided = true;
            titleSettled = true;
        }
        if (info.listenerKind() == ListenerKind.HTTP && file != null) {
            offerHttp();
            smtpDecided = true;
        }
        if (!smtpDecided || !httpDecided || !titleSettled) {
            sniffingPulse = pulse.add((now, behind) -> maybeSniff());
        }
    }

    /** The tab's title: {@code #3 GET /f3.txt}, {@code #6 SMTP alice@… → bob@…}, or the one it was given. */
    public ReadOnlyStringProperty title() {
        return title.getReadOnlyProperty();
    }

    /** Shows that view (if it was offered); returns false when the connection is not recognised as such. */
    public boolean show(Shown shown) {
        ToggleButton b = switch (shown) {
            case SMTP -> smtpButton;
            case HTTP -> httpButton;
            case TLS -> tlsButton;
            default -> bytesButton;
        };
        if (!b.isVisible()) {
            return false;
        }
        b.setSelected(true);
        return true;
    }

    public boolean offers(Shown shown) {
        return switch (shown) {
            case BYTES -> true;
            case SMTP -> smtpButton.isVisible();
            case HTTP -> httpButton.isVisible();
            case TLS -> tlsButton.isVisible();
        };
    }

    /** Runs {@code action} whenever the user picks a view (the window pins a preview tab then). */
    public void onUserPick(Runnable action) {
        onUserPick = action;
    }

    /** The view the tab shows now. */
    public Shown shown() {
        return smtpButton.isSelected() ? Shown.SMTP : httpButton.isSelected() ? Shown.HTTP
                : tlsButton.isSelected() ? Shown.TLS : Shown.BYTES;
    }

    /** Offers the connection's TLS panel beside its other views (once it had TLS); {@code panel} stays the same node. */
    public void offerTls(Node panel) {
        tls = panel;
        tlsButton.setVisible(true);
        tlsButton.setManaged(true);
    }


    /** Shows a proxy's handshake with the client as one line beside the view buttons (SOCKS5). */
    public void showHandshake(String line) {
        handshake.setText(line);
        handshake.setTooltip(new javafx.scene.control.Tooltip(line));
    }

    /** The handshake line shown ("" when the connection had none). */
    public String handshakeText() {
        return handshake.getText();
    }

    public SmtpView smtpView() {
        return smtp;
    }

    public HttpView httpView() {
        return http;
    }

    /** Releases the protocol views and stops sniffing. */
    public void close() {
        closed = true;
        stopSniffing();
        if (smtp != null) {
            smtp.close();
        }
        if (http != null) {
            http.close();
        }
    }

    private void showSelected() {
        switch (shown()) {
            case SMTP -> {
                if (smtp == null) {
                    smtp = new SmtpView(file, connectionId, pulse);
                }
                setCenter(smtp);
            }
            case HTTP -> {
                if (http == null) {
                    http = new HttpView(file, connectionId, pulse);
                }
                setCenter(http);
            }
            case TLS -> setCenter(tls);
            default -> setCenter(bytes);
        }
    }

    private void offerSmtp() {
        smtpDecided = true;
        httpDecided = true;
        smtpButton.setVisible(true);
        smtpButton.setManaged(true);
        recognised(Shown.SMTP);
    }

    private void offerHttp() {
        httpDecided = true;
        httpButton.setVisible(true);
        httpButton.setManaged(true);
        recognised(Shown.HTTP);
    }

    /** A name found in the client's bytes becomes the title; it settles once final or the connection ended. */
    private void nameFrom(String found, boolean ended) {
        if (found != null) {
            title.set(prefix + found);
        }
        boolean complete = found != null && !found.startsWith("CONNECT ") && (!found.startsWith("SMTP") || found.contains("\u2192"));
        titleSettled = ended || complete || (smtpDecided && httpDecided && protocol == Shown.BYTES);
    }

    private void recognised(Shown as) {
        protocol = as;
        if (!userPicked) {
            selectingForUser = true;
            try {
                show(choices.preferred(as));
            } finally {
                selectingForUser = false;
            }
        }
    }

    private void stopSniffing() {
        if (sniffingPulse != null) {
            sniffingPulse.unsubscribe();
            sniffingPulse = null;
        }
    }

    /** While undecided: sniff again whenever chunks were added, one look at a time, off the FX thread. */
    private void maybeSniff() {
        if (closed || (smtpDecided && httpDecided && titleSettled)) {
            stopSniffing();
            return;
        }
        int chunks = file.index().chunkCount(connectionId);
        ConnectionInfo info = file.index().connection(connectionId).orElse(null);
        boolean ended = info != null && !info.isOpen();
        if (info == null || (chunks == sniffedAtChunks && ended == sniffedEnded) || !sniffing.compareAndSet(false, true)) {
            return;
        }
        sniffedAtChunks = chunks;
        sniffedEnded = ended;
        Background.execute(() -> {
            // Looked at before sniffing, so "the client spoke" is never newer than what isHttp saw.
            boolean clientSpoke = file.index().chunks(connectionId, 0, 1024).stream()
                    .anyMatch(c -> c.direction() == wirelens.engine.Direction.CLIENT_TO_SERVER && c.forwardedLength() > 0);
            SmtpDetection.Verdict smtpVerdict;
            boolean isHttp;
            byte[] head;
            try {
                smtpVerdict = SmtpTranscripts.detect(file, connectionId);
                isHttp = HttpExchanges.isHttp(file, info);
                head = TabTitle.clientHead(file, connectionId);
            } catch (IOException | RuntimeException e) {
                smtpVerdict = SmtpDetection.Verdict.NOT_SMTP;
                isHttp = false;
                head = new byte[0];
            }
            SmtpDetection.Verdict v = smtpVerdict;
            boolean h = isHttp;
            String httpTitle = h ? TabTitle.http(head) : null;
            String smtpTitle = v == SmtpDetection.Verdict.SMTP ? TabTitle.smtp(head) : null;
            Platform.runLater(() -> {
                sniffing.set(false);
                if (closed) {
                    return;
                }
                if (v == SmtpDetection.Verdict.SMTP) {
                    offerSmtp();
                } else if (v == SmtpDetection.Verdict.NOT_SMTP || ended) {
                    smtpDecided = true;
                }
                if (h) {
                    offerHttp();
                } else if (clientSpoke || ended) {
                    httpDecided = true; // the first client bytes decide
                }
                nameFrom(httpTitle != null ? httpTitle : smtpTitle, ended);
            });
        });
    }
}
