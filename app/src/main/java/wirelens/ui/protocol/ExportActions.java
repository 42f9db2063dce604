package wirelens.ui.protocol;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import wirelens.capture.CaptureFile;
import wirelens.capture.ConnectionInfo;
import wirelens.capture.HttpExchanges;
import wirelens.capture.SmtpTranscripts;
import wirelens.proto.smtp.EmlExport;
import wirelens.proto.smtp.SmtpDetection;
import wirelens.proto.smtp.SmtpSession;
import wirelens.ui.base.Background;

/**
 * File → Export for the whole capture shown in the window (live or reopened): every HTTP exchange as
 * HAR 1.2, every SMTP message as one .eml file. The work runs off the FX thread; the outcome is one
 * sentence for the user.
 */
public final class ExportActions {

    /** Exports run one after another, in the order the user asked (shared by every window). */
    private static final Executor EXPORTING = Background.serial();

    private ExportActions() {}

    /** Writes every HTTP exchange of {@code file} to {@code har} (atomically); returns what was done. */
    static String exportHar(CaptureFile file, Path har) throws IOException {
        HttpExchanges.HarWritten w = HttpExchanges.exportHar(file, har);
        return "wrote " + w.exchanges() + (w.exchanges() == 1 ? " HTTP exchange" : " HTTP exchanges") + " from "
                + w.httpConnections() + " connection(s) to " + w.file();
    }

    /** Writes every SMTP message of {@code file} into {@code dir}, one .eml each; returns what was done. */
    static String exportEml(CaptureFile file, Path dir) throws IOException {
        int messages = 0;
        int smtp = 0;
        int tls = 0;
        for (ConnectionInfo c : file.index().connections()) {
            if (SmtpTranscripts.detect(file, c.id()) != SmtpDetection.Verdict.SMTP) {
                continue;
            }
            smtp++;
            SmtpSession session = SmtpTranscripts.decode(file, c.id());
            messages += EmlExport.exportEml(session.messages(), dir).size();
            if (session.opaqueTls()) {
                tls++;
            }
        }
        return "exported " + messages + (messages == 1 ? " message" : " messages") + " from " + smtp
                + " SMTP connection(s) to " + dir
                + (tls == 0 ? "" : "; " + tls + " connection(s) switched to TLS: mail sent after STARTTLS is encrypted and not exported");
    }

    /**
     * The File → Export submenu: "HAR…" and "Messages (.eml)…". {@code file} gives the capture being
     * shown (null when there is none); {@code tell} receives the outcome (FX thread).
     */
    static Menu menu(Supplier<CaptureFile> file, Supplier<Window> owner, Consumer<String> tell) {
        return menu(file, owner, tell, ExportActions::chooseHar, ExportActions::chooseFolder);
    }

    public static Menu menu(Supplier<CaptureFile> file, Supplier<Window> owner, Consumer<String> tell,
            Function<Window, Path> chooseHar, Function<Window, Path> chooseFolder) {
        MenuItem har = new MenuItem("HAR\u2026");
        har.setId("menu-export-har");
        har.setOnAction(e -> run(file, tell, chooseHar.apply(owner.get()), ExportActions::exportHar));
        MenuItem eml = new MenuItem("Messages (.eml)\u2026");
        eml.setId("menu-export-eml");
        eml.setOnAction(e -> run(file, tell, chooseFolder.apply(owner.get()), ExportActions::exportEml));
        Menu menu = new Menu("Export", null, har, eml);
        menu.setId("menu-export");
        return menu;
    }

    private interface Export {
        String write(CaptureFile file, Path target) throws IOException;
    }

    private static void run(Supplier<CaptureFile> file, Consumer<String> tell, Path target, Export export) {
        if (target == null) {
            return;
        }
        CaptureFile capture = file.get();
        if (capture == null) {
            tell.accept("nothing to export: this session is not recorded to a capture file");
            return;
        }
        EXPORTING.execute(() -> {
            String outcome;
            try {
                outcome = export.write(capture, target);
            } catch (IOException | RuntimeException e) {
                outcome = "export to " + target + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            }
            String text = outcome;
            Platform.runLater(() -> tell.accept(text));
        });
    }

    private static Path chooseHar(Window owner) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export HTTP exchanges as HAR");
        chooser.setInitialFileName("wirelens.har");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("HAR files", "*.har"));
        File f = chooser.showSaveDialog(owner);
        return f == null ? null : f.toPath();
    }

    private static Path chooseFolder(Window owner) {
        DirectoryChooser chooser = new DirectoryChooser();
        chooser.setTitle("Export SMTP messages as .eml into folder");
        File f = chooser.showDialog(owner);
        return f == null ? null : f.toPath();
    }
}
