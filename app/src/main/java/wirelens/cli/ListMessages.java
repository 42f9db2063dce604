package wirelens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import wirelens.capture.CaptureFile;
import wirelens.mail.MailFilter;
import wirelens.mail.MailMessage;
import wirelens.mail.MailMessages;

/**
 * {@code --read CAPTURE --messages [FILTER]}: one line per mail transaction, in the order they began:
 * {@code #N FROM -> TO[,TO…] "SUBJECT" SIZE RESULT}, numbered in that order before the filter applies, so
 * a number names the same message whatever the filter.
 */
final class ListMessages {
    private ListMessages() {}

    /** Returns the exit code: 0 printed (also none), 1 the capture cannot be read, 2 the filter is wrong. */
    static int run(Path capture, String filter, PrintWriter out, PrintWriter err) {
        Predicate<MailMessage> matches;
        try {
            matches = MailFilter.parse(filter == null ? "" : filter);
        } catch (IllegalArgumentException e) {
            err.println("wirelens: --messages: " + e.getMessage());
            return 2;
        }
        if (!CaptureFile.exists(capture)) {
            err.println("wirelens: " + capture + ": no such capture file");
            return 1;
        }
        try (CaptureFile file = CaptureFile.open(capture)) {
            file.skipped().forEach(s -> err.println("wirelens: warning: " + capture + ": " + s));
            List<MailMessage> messages = MailMessages.read(file);
            for (int i = 0; i < messages.size(); i++) {
                MailMessage m = messages.get(i);
                if (matches.test(m)) {
                    out.println(line(i + 1, m));
                }
            }
            out.flush();
            return 0;
        } catch (IOException e) {
            out.flush();
            err.println("wirelens: " + capture + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    static String line(int number, MailMessage m) {
        String from = m.from() == null ? "-" : m.from().isEmpty() ? "<>" : m.from();
        String to = m.recipients().isEmpty() ? "-" : String.join(",", m.recipients());
        String subject = m.subject().replace("\\", "\\\\").replace("\"", "\\\"");
        return "#" + number + " " + from + " -> " + to + " \"" + subject + "\" " + m.size() + " " + m.resultLabel();
    }
}
