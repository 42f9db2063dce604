package wirelens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import wirelens.capture.CaptureFile;
import wirelens.capture.ConnectionInfo;
import wirelens.capture.SmtpTranscripts;
import wirelens.proto.smtp.EmlExport;
import wirelens.proto.smtp.SmtpDetection;
import wirelens.proto.smtp.SmtpSession;

/** {@code --read CAPTURE --export-eml DIR}: every SMTP message of a saved capture as one .eml file. */
final class ExportEml {

    private ExportEml() {}

    /** Returns the exit code: 0 done (also when there was nothing to export), 1 the capture or DIR failed. */
    static int run(Path capture, Path dir, PrintWriter out, PrintWriter err) {
        if (capture == null) {
            throw new IllegalArgumentException("--export-eml needs --read CAPTURE");
        }
        if (dir == null) {
            throw new IllegalArgumentException("--read needs --export-eml DIR");
        }
        if (!CaptureFile.exists(capture)) {
            err.println("wirelens: " + capture + ": no such capture file");
            return 1;
        }
        try (CaptureFile file = CaptureFile.open(capture)) {
            file.skipped().forEach(s -> err.println("wirelens: warning: " + capture + ": " + s));
            int messages = 0;
            int smtpConnections = 0;
            for (ConnectionInfo c : file.index().connections()) {
                if (SmtpTranscripts.detect(file, c.id()) != SmtpDetection.Verdict.SMTP) {
                    continue;
                }
                smtpConnections++;
                SmtpSession session = SmtpTranscripts.decode(file, c.id());
                List<Path> written = EmlExport.exportEml(session.messages(), dir);
                for (int i = 0; i < written.size(); i++) {
                    out.println("wrote " + written.get(i) + " (" + session.messages().get(i).size() + " bytes)");
                }
                messages += written.size();
                if (session.opaqueTls()) {
                    err.println("wirelens: connection " + c.id() + " switched to TLS (STARTTLS); "
                            + "messages sent after that are encrypted and not exported");
                }
            }
            out.println("exported " + messages + " message(s) from " + smtpConnections + " SMTP connection(s) of "
                    + file.index().connectionCount());
            return 0;
        } catch (IOException e) {
            err.println("wirelens: " + capture + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }
}
