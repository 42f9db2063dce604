package wirelens.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import wirelens.capture.CaptureFile;
import wirelens.capture.ConnectionInfo;
import wirelens.capture.HttpExchanges;
import wirelens.proto.http.HarExport;

/** {@code --read CAPTURE --export-har OUT.har}: every HTTP exchange of a saved capture as HAR 1.2. */
final class ExportHar {

    private ExportHar() {}

    /** Returns the exit code: 0 written (also with no exchanges), 1 the capture or the output failed. */
    static int run(Path capture, Path har, PrintWriter out, PrintWriter err) {
        if (capture == null) {
            throw new IllegalArgumentException("--export-har needs --read CAPTURE");
        }
        if (!CaptureFile.exists(capture)) {
            err.println("wirelens: " + capture + ": no such capture file");
            return 1;
        }
        try (CaptureFile file = CaptureFile.open(capture)) {
            file.skipped().forEach(s -> err.println("wirelens: warning: " + capture + ": " + s));
            HttpExchanges.HarWritten written = HttpExchanges.exportHar(file, har);
            out.println("wrote " + har + ": " + written.exchanges() + " exchange(s) from " + written.httpConnections()
                    + " HTTP connection(s) of " + written.allConnections());
            return 0;
        } catch (IOException e) {
            err.println("wirelens: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }
}
