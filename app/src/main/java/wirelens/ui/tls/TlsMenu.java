package wirelens.ui.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.stage.Modality;
import javafx.stage.Window;
import wirelens.base.AtomicFiles;
import wirelens.tls.CertificateAuthority;
import wirelens.ui.base.Background;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Styles;

/**
 * The window's TLS menu: whether TLS is intercepted and by which library, the CA's fingerprint, validity
 * and file; the CA certificate in full; Export (PEM, DER); How to install; Reload (after mending the CA's
 * files) and Regenerate. Reading, writing and making the CA run off the FX thread; the outcome is a notification.
 */
public final class TlsMenu {
    /** How an exported certificate is encoded. */
    public enum Format { PEM, DER }

    private final WindowTls tls;
    private final Window owner;
    private final FileDialogs dialogs;
    private final Notifier notifier;
    private final Menu menu = new Menu("TLS");
    private final MenuItem status = info("tls-status");
    private final MenuItem library = info("tls-library");
    private final MenuItem fingerprint = info("tls-fingerprint");
    private final MenuItem validity = info("tls-validity");
    private final MenuItem location = info("tls-location");
    private final MenuItem reload = new MenuItem("Reload the CA");

    public TlsMenu(WindowTls tls, Window owner, FileDialogs dialogs, Notifier notifier) {
        this.tls = tls;
        this.owner = owner;
        this.dialogs = dialogs;
        this.notifier = notifier;
        MenuItem details = item("CA certificate\u2026", "tls-details", this::showCertificate);
        MenuItem pem = item("Export CA certificate as PEM\u2026", "tls-export-pem", () -> export(Format.PEM));
        MenuItem der = item("Export CA certificate as DER\u2026", "tls-export-der", () -> export(Format.DER));
        MenuItem install = item("How to install the CA\u2026", "tls-install", this::showInstall);
        reload.setId("tls-reload");
        reload.setOnAction(e -> reload());
        MenuItem regenerate = item("Regenerate CA\u2026", "tls-regenerate", this::confirmRegenerate);
        menu.getItems().setAll(status, library, fingerprint, validity, location, new SeparatorMenuItem(), details, pem, der,
                install, new SeparatorMenuItem(), reload, regenerate);
        menu.setId("menu-tls");
        menu.setOnShowing(e -> refresh());
        refresh();
    }

    public Menu menu() {
        return menu;
    }

    /** The informational lines at the top of the menu, as shown (for tests). */
    public List<String> infoLines() {
        refresh();
        List<String> lines = new ArrayList<>();
        for (MenuItem m : List.of(status, library, fingerprint, validity, location)) {
            if (m.isVisible()) {
                lines.add(m.getText());
            }
        }
        return lines;
    }

    private void refresh() {
        CertificateAuthority ca = tls.loadedCa();
        status.setText(tls.intercepting() ? "Intercepting TLS (clients must trust the CA)"
                : tls.problem() != null ? "Not intercepting: the CA cannot be used (Reload once mended, or Regenerate)"
                : "Not intercepting (--no-tls-intercept): TLS is relayed as it is");
        reload.setVisible(tls.problem() != null);
        String speaking = tls.library();
        library.setVisible(speaking != null);
        library.setText(speaking == null ? "" : "TLS spoken by " + speaking);
        validity.setVisible(ca != null);
        if (ca != null) {
            CertificateSummary c = CertificateSummary.of(ca.certificate());
            fingerprint.setText("CA SHA-256 " + c.sha256());
            validity.setText("Valid " + c.validity());
            location.setText("In " + ca.certificateFile());
        } else {
            fingerprint.setText("CA not loaded");
            location.setText("In " + tls.config().caDirectory());
        }
    }

    // ---- actions ---------------------------------------------------------------------------

    /** Asks where to, then writes the CA certificate there. */
    public void export(Format format) {
        String extension = format == Format.PEM ? "pem" : "cer";
        dialogs.save(owner, "Export the Wirelens CA certificate (" + format + ")", "wirelens-ca." + extension,
                format + " certificate", "*." + extension).ifPresent(target -> export(format, target));
    }

    /** Writes the CA certificate to {@code target} (whole or not at all), off the FX thread. */
    public void export(Format format, Path target) {
        Background.execute(() -> {
            try {
                CertificateAuthority ca = tls.ca();
                byte[] bytes = format == Format.PEM ? ca.certificatePem().getBytes(StandardCharsets.US_ASCII)
                        : ca.certificateDer();
                AtomicFiles.write(target, bytes);
                later(false, "Exported the Wirelens CA certificate (" + format + ") to " + target);
            } catch (IOException | RuntimeException e) {
                later(true, "Cannot export the CA certificate to " + target + ": " + e.getMessage());
            }
        });
    }

    /** Opens the install instructions for the CA's {@code ca.pem} (made first if there is none yet). */
    public void showInstall() {
        withCa(ca -> InstallDialog.show(owner, ca.certificateFile()));
    }

    /** Shows the CA certificate: subject, issuer, validity, fingerprint, files. */
    public void showCertificate() {
        withCa(ca -> {
            List<TlsLegs.Field> fields = new ArrayList<>(TlsLegs.fields(CertificateSummary.of(ca.certificate()), Instant.now()));
            fields.add(new TlsLegs.Field("Certificate file", ca.certificateFile().toString(), false));
            fields.add(new TlsLegs.Field("Key file", ca.directory().resolve("ca-key.pem") + " (only you may read it)", false));
            Alert alert = new Alert(Alert.AlertType.INFORMATION);
            alert.initOwner(owner);
            alert.initModality(Modality.NONE);
            alert.setResizable(true);
            alert.setTitle("Wirelens CA");
            alert.setHeaderText("The Wirelens CA: clients trust the certificates it signs once they trust it");
            alert.getDialogPane().setContent(TlsPanel.grid(fields));
            alert.getDialogPane().setPrefWidth(860);
            alert.getDialogPane().getStylesheets().addAll(Styles.STYLESHEET, TlsStyles.STYLESHEET);
            alert.getDialogPane().setId("tls-ca-dialog");
            alert.show();
        });
    }

    /** Regenerate, after a warning: clients that trust the old CA refuse new connections. */
    private void confirmRegenerate() {
        ButtonType make = new ButtonType("Regenerate", ButtonBar.ButtonData.OK_DONE);
        Alert ask = new Alert(Alert.AlertType.WARNING, "Clients that trust the current CA will refuse every new"
                + " intercepted connection until you install the new ca.pem in them (TLS \u2192 How to install the"
                + " CA). Connections already open go on. The current key is deleted: this cannot be undone.",
                make, ButtonType.CANCEL);
        ask.initOwner(owner);
        ask.setTitle("Regenerate the CA");
        ask.setHeaderText("Make a new Wirelens CA?");
        ask.getDialogPane().getStylesheets().add(Styles.STYLESHEET);
        ask.getDialogPane().setId("tls-regenerate-dialog");
        ask.showAndWait().filter(b -> b == make).ifPresent(b -> regenerate());
    }

    /** Makes a new CA at once (the confirmation's action); new connections get leaves signed by it. */
    public void regenerate() {
        Background.execute(() -> {
            try {
                CertificateAuthority ca = tls.regenerate();
                String problem = tls.problem();
                later(problem != null, problem != null ? problem
                        : "Made a new Wirelens CA (SHA-256 " + ca.sha256Fingerprint() + "): install "
                                + ca.certificateFile() + " in your clients again");
            } catch (IOException | RuntimeException e) {
                later(true, "Cannot make a new CA in " + tls.config().caDirectory() + ": " + e.getMessage());
            }
        });
    }

    /** Loads the CA again, after its files were mended (e.g. {@code chmod 600 ca-key.pem}). */
    public void reload() {
        Background.execute(() -> {
            tls.reload();
            String problem = tls.problem();
            later(problem != null, problem != null ? problem : "Loaded the Wirelens CA: TLS is intercepted again");
        });
    }

    private void withCa(java.util.function.Consumer<CertificateAuthority> show) {
        Background.execute(() -> {
            try {
                CertificateAuthority ca = tls.ca();
                Platform.runLater(() -> show.accept(ca));
            } catch (IOException | RuntimeException e) {
                later(true, "Cannot load the Wirelens CA: " + e.getMessage());
            }
        });
    }

    private void later(boolean error, String message) {
        Platform.runLater(() -> {
            refresh();
            if (error) {
                notifier.error(message);
            } else {
                notifier.info(message);
            }
        });
    }

    private static MenuItem info(String id) {
        MenuItem m = new MenuItem();
        m.setId(id);
        m.setDisable(true);
        return m;
    }

    private static MenuItem item(String text, String id, Runnable action) {
        MenuItem m = new MenuItem(text);
        m.setId(id);
        m.setOnAction(e -> action.run());
        return m;
    }
}
