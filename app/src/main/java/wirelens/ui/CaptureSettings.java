package wirelens.ui;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import wirelens.base.ConfigDirectory;
import wirelens.base.Units;
import wirelens.capture.CaptureRing;

/**
 * The size of the window's temporary capture ring, from {@code capture.properties} in the config
 * directory: {@code ring.fileSize} (a size: 256M, 1G) and {@code ring.files} (how many files, at least 2).
 * Without the file, 16 files of 256 MiB (4 GiB); a file that does not parse gives the default and a
 * problem to tell the user.
 */
record CaptureSettings(CaptureRing ring, String problem) {
    static final String FILE_NAME = "capture.properties";

    static CaptureSettings inUserConfigDir() {
        return load(ConfigDirectory.path().resolve(FILE_NAME));
    }

    static CaptureSettings load(Path file) {
        CaptureRing fallback = CaptureRing.WINDOW_DEFAULT;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            return new CaptureSettings(fallback, null);
        } catch (IOException | IllegalArgumentException e) {
            return new CaptureSettings(fallback, file + ": cannot read it (" + e.getMessage() + "); the temporary"
                    + " capture is a ring of " + describe(fallback));
        }
        try {
            long size = Units.parseSize(p.getProperty("ring.fileSize", Long.toString(fallback.maxFileBytes())));
            int files = Integer.parseInt(p.getProperty("ring.files", Integer.toString(fallback.maxFiles())).strip());
            return new CaptureSettings(new CaptureRing(size, files), null);
        } catch (IllegalArgumentException e) {
            return new CaptureSettings(fallback, file + ": " + e.getMessage() + "; the temporary capture is a ring"
                    + " of " + describe(fallback));
        }
    }

    /** {@code 16 files of 256.0 MiB (4.00 GiB in all)}. */
    static String describe(CaptureRing ring) {
        return ring.maxFiles() == 0 ? "files of " + Units.bytes(ring.maxFileBytes()) + " each, all kept"
                : ring.maxFiles() + " files of " + Units.bytes(ring.maxFileBytes()) + " ("
                        + Units.bytes(ring.maxTotalBytes()) + " in all)";
    }
}
