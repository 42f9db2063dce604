package wirelens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureText;

/** {@code --read CAPTURE} (summary table) and {@code --read CAPTURE --dump N} (one connection as hex and text). */
final class ReadCapture {
    private ReadCapture() {}

    /** Returns the exit code: 0 printed, 1 the capture cannot be read (one line on stderr says why). */
    static int run(Path capture, Long dump, PrintWriter out, PrintWriter err) {
        if (!CaptureFile.exists(capture)) {
            err.println("wirelens: " + capture + ": no such capture file");
            return 1;
        }
        try (CaptureFile file = CaptureFile.open(capture)) {
            file.skipped().forEach(s -> err.println("wirelens: warning: " + capture + ": " + s));
            if (dump == null) {
                CaptureText.summary(file.index(), out);
            } else {
                CaptureText.dump(file, dump, out);
            }
            out.flush();
            return 0;
        } catch (IOException e) {
            out.flush();
            err.println("wirelens: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }
}
