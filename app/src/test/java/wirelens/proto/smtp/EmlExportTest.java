package wirelens.proto.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmlExportTest {

    @Test
    void writesOneFilePerMessageWithTheUnstuffedBytes(@TempDir Path tmp) throws IOException {
        SmtpDecoder d = new SmtpDecoder(3);
        d.fromServer("220 hi\r\n".getBytes());
        for (String body : List.of("Subject: one\r\n\r\n..dot\r\n", "Subject: two\r\n\r\nx\r\n")) {
            d.fromClient("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n".getBytes());
            d.fromServer("250 ok\r\n250 ok\r\n354 go\r\n".getBytes());
            d.fromClient((body + ".\r\n").getBytes(StandardCharsets.US_ASCII));
            d.fromServer("250 ok\r\n".getBytes());
        }
        d.end();
        Path dir = tmp.resolve("out/nested");
        List<Path> files = EmlExport.exportEml(d.session().messages(), dir);
        assertEquals(List.of(dir.resolve("conn-3-msg-1.eml"), dir.resolve("conn-3-msg-2.eml")), files);
        assertArrayEquals("Subject: one\r\n\r\n.dot\r\n".getBytes(), Files.readAllBytes(files.get(0)));
        assertArrayEquals("Subject: two\r\n\r\nx\r\n".getBytes(), Files.readAllBytes(files.get(1)));
    }

    @Test
    void aFileInTheWayIsAClearError(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("taken"), "x");
        IOException e = assertThrows(IOException.class, () -> EmlExport.exportEml(List.of(), file));
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
    }
}
