package wirelens.proto.smtp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes messages as .eml files: exactly the bytes the server received, one file per message. */
public final class EmlExport {

    private EmlExport() {}

    /**
     * Writes each message to {@code dir/conn-C-msg-N.eml} (creating {@code dir} if needed, replacing
     * files of the same name) and returns the files written, in order.
     *
     * @throws IOException with a message fit for the user when the folder cannot be made or written
     */
    public static List<Path> exportEml(List<SmtpMessage> messages, Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + " is a file, not a folder");
        }
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>(messages.size());
        for (SmtpMessage m : messages) {
            Path file = dir.resolve(m.fileName());
            Files.write(file, m.bytes());
            written.add(file);
        }
        return written;
    }
}
