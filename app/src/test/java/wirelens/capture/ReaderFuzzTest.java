package wirelens.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.EventQueue;
import wirelens.testkit.Commands;
import wirelens.testkit.Tshark;

/**
 * Damaged captures (seeded random truncations, bit flips, overwritten and repeated stretches) give
 * the reader's one documented error, {@link CaptureFormatException}, or open with what could be read
 * — never another exception.
 */
class ReaderFuzzTest {
    @TempDir
    Path dir;
    private byte[] valid;

    @BeforeEach
    void writeAValidCapture() throws Exception {
        EventQueue q = new EventQueue(1L << 30);
        Path file = dir.resolve("valid.pcapng");
        Recorder recorder = Recorder.toFile(q, file);
        RoundTripTest.session(q, new Events(), new Random(3));
        recorder.start();
        recorder.close();
        valid = Files.readAllBytes(file);
    }

    /** Opens and reads everything; returns false when the documented error came, true when it all read. */
    private static boolean readAll(Path file) throws IOException {
        try (CaptureFile read = CaptureFile.open(file)) {
            StringBuilder text = new StringBuilder();
            CaptureText.summary(read.index(), text);
            for (ConnectionInfo c : read.index().connections()) {
                for (ChunkInfo chunk : read.index().chunks(c.id())) {
                    try {
                        read.forwarded(chunk);
                        read.original(chunk);
                    } catch (CaptureFormatException e) {
                        assertMessage(e);
                    }
                }
                try {
                    CaptureText.dump(read, c.id(), new StringBuilder());
                } catch (CaptureFormatException e) {
                    assertMessage(e);
                }
            }
            return true;
        } catch (CaptureFormatException e) {
            assertMessage(e);
            return false;
        }
    }

    private static void assertMessage(CaptureFormatException e) {
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().length() > 10, e.getMessage());
    }

    @Test
    void randomDamageGivesOnlyTheDocumentedError() throws Exception {
        Path file = dir.resolve("fuzz.pcapng");
        int opened = 0;
        for (int seed = 0; seed < 300; seed++) {
            Random r = new Random(seed);
            byte[] b = valid.clone();
            String what;
            switch (seed % 5) {
                case 0 -> {
                    int at = r.nextInt(b.length);
                    b = Arrays.copyOf(b, at);
                    what = "truncated at " + at;
                }
                case 1 -> {
                    int flips = 1 + r.nextInt(8);
                    for (int i = 0; i < flips; i++) {
                        int at = r.nextInt(b.length);
                        b[at] ^= (byte) (1 << r.nextInt(8));
                    }
                    what = flips + " bit flips";
                }
                case 2 -> {
                    // flips in the first 4 KiB, where the headers and records are dense
                    for (int i = 0; i < 4; i++) {
                        int at = r.nextInt(Math.min(4096, b.length));
                        b[at] ^= (byte) (1 << r.nextInt(8));
                    }
                    what = "header bit flips";
                }
                case 3 -> {
                    int at = r.nextInt(b.length);
                    int n = Math.min(b.length - at, 1 + r.nextInt(64));
                    for (int i = 0; i < n; i++) {
                        b[at + i] = (byte) r.nextInt(256);
                    }
                    what = n + " random bytes at " + at;
                }
                default -> {
                    int from = r.nextInt(b.length);
                    int n = Math.min(b.length - from, 1 + r.nextInt(5000));
                    int to = r.nextInt(b.length);
                    byte[] out = new byte[b.length + n];
                    System.arraycopy(b, 0, out, 0, to);
                    System.arraycopy(b, from, out, to, n);
                    System.arraycopy(b, to, out, to + n, b.length - to);
                    b = out;
                    what = n + " bytes repeated at " + to;
                }
            }
            Files.write(file, b);
            try {
                if (readAll(file)) {
                    opened++;
                }
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " (" + what + "): " + t, t);
            }
        }
        assertTrue(opened > 75, "most damage is skipped, not fatal: only " + opened + " of 300 opened");
    }

    @Test
    void truncationAnywhereKeepsWhatCameBefore() throws Exception {
        Path file = dir.resolve("cut.pcapng");
        int step = Math.max(1, valid.length / 150);
        for (int at = 0; at < valid.length; at += step) {
            Files.write(file, Arrays.copyOf(valid, at));
            try {
                readAll(file);
            } catch (Throwable t) {
                throw new AssertionError("truncated at " + at + ": " + t, t);
            }
        }
        Files.write(file, Arrays.copyOf(valid, valid.length - 10));
        try (CaptureFile read = CaptureFile.open(file)) {
            assertTrue(read.skipped().get(0).contains("cut-off"), read.skipped().get(0));
            for (String note : read.skipped()) {
                assertTrue(note.contains("cut-off") || note.contains("file ends"), note);
            }
            assertEquals(5, read.index().connectionCount());
        }
    }

    @Test
    void notACaptureAtAllSaysSo() throws Exception {
        Path empty = Files.write(dir.resolve("empty.pcapng"), new byte[0]);
        assertTrue(assertThrows(CaptureFormatException.class, () -> CaptureFile.open(empty)).getMessage()
                .contains("not a capture file"));
        Path text = Files.writeString(dir.resolve("notes.pcapng"), "hello, this is a text file and not pcapng\n");
        assertTrue(assertThrows(CaptureFormatException.class, () -> CaptureFile.open(text)).getMessage()
                .contains("not a pcapng file"));
        Path missing = dir.resolve("missing.pcapng");
        IOException e = assertThrows(IOException.class, () -> CaptureFile.open(missing));
        assertFalse(e instanceof CaptureFormatException);
    }

    @Test
    void aPcapngFromAnotherToolIsNamedAsSuch() throws Exception {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            hex.append("0000 68 65 6c 6c 6f 0a\n");
        }
        Path dump = Files.writeString(dir.resolve("dump.txt"), hex.toString(), StandardCharsets.US_ASCII);
        Path foreign = dir.resolve("foreign.pcapng");
        Commands.Result text2pcap = Tshark.text2pcap("-q", "-n", "-T", "40000,80", dump.toString(), foreign.toString());
        assertEquals(0, text2pcap.exit(), text2pcap.text());
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> CaptureFile.open(foreign));
        assertTrue(e.getMessage().contains("not a Wirelens capture"), e.getMessage());
    }
}
