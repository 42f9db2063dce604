package wirelens.proto.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MimeMessageTest {

    static final byte[] PDF = "%PDF-1.4 fake \u0000\u0001\u00ff binary".getBytes(StandardCharsets.ISO_8859_1);

    static String mixedMessage() {
        String pdf = Base64.getMimeEncoder(76, "\r\n".getBytes()).encodeToString(PDF);
        String html = Base64.getEncoder().encodeToString("<p>Gr\u00fc\u00dfe</p>".getBytes(StandardCharsets.UTF_8));
        return "From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.com>\r\n"
                + "To: bob@example.com\r\n"
                + "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n =?UTF-8?Q?_aus_K=C3=B6ln?=\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed;\r\n boundary=\"outer\"\r\n"
                + "\r\n"
                + "This is a multi-part message.\r\n"
                + "--outer\r\n"
                + "Content-Type: multipart/alternative; boundary=inner\r\n"
                + "\r\n"
                + "--inner\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n"
                + "\r\n"
                + "Gr=C3=BC=C3=9Fe, a long line that is =\r\nsoft-broken.\r\n"
                + "--inner\r\n"
                + "Content-Type: text/html; charset=\"UTF-8\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + html + "\r\n"
                + "--inner--\r\n"
                + "--outer\r\n"
                + "Content-Type: application/pdf; name=\"old.pdf\"\r\n"
                + "Content-Disposition: attachment;\r\n filename*=UTF-8''R%C3%A9sum%C3%A9.pdf\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + pdf + "\r\n"
                + "--outer--\r\n"
                + "epilogue\r\n";
    }

    @Test
    void showsHeadersTreeTextsAndAttachments() {
        MimeMessage m = MimeMessage.parse(mixedMessage().getBytes(StandardCharsets.UTF_8));
        assertEquals("Gr\u00fc\u00dfe aus K\u00f6ln", m.subject(), "encoded words joined across a fold");
        assertEquals("J\u00fcrgen <j@example.com>", m.from());
        assertEquals(List.of("", "1", "1.1", "1.2", "2"), m.allParts().stream().map(MimePart::path).toList());
        assertEquals(List.of("multipart/mixed", "multipart/alternative", "text/plain", "text/html",
                "application/pdf"), m.allParts().stream().map(MimePart::mediaType).toList());
        assertEquals(2, m.textParts().size());
        assertEquals("Gr\u00fc\u00dfe, a long line that is soft-broken.", m.textParts().get(0).text(),
                "the line end before a boundary belongs to the boundary");
        assertEquals("<p>Gr\u00fc\u00dfe</p>", m.textParts().get(1).text());
        MimePart pdf = m.attachments().get(0);
        assertEquals(1, m.attachments().size());
        assertEquals("R\u00e9sum\u00e9.pdf", pdf.fileName(), "RFC 2231 beats the Content-Type name");
        assertEquals(PDF.length, pdf.size());
        assertArrayEquals(PDF, pdf.decoded());
        assertTrue(m.problems().isEmpty(), m.problems().toString());
    }

    @Test
    void savesAnAttachmentsDecodedBytes(@TempDir Path dir) throws Exception {
        MimeMessage m = MimeMessage.parse(mixedMessage().getBytes(StandardCharsets.UTF_8));
        MimePart pdf = m.attachments().get(0);
        Path saved = MimeMessage.save(pdf, dir.resolve(pdf.safeFileName()));
        assertArrayEquals(PDF, Files.readAllBytes(saved));
        assertEquals("R\u00e9sum\u00e9.pdf", saved.getFileName().toString());
    }

    @Test
    void safeFileNamesStayInTheFolder() {
        String msg = "Content-Type: application/octet-stream; name=\"../../etc/passwd\"\r\n\r\nx";
        MimePart p = MimeMessage.parse(msg.getBytes(StandardCharsets.US_ASCII)).root();
        assertEquals("passwd", p.safeFileName());
        String noName = "Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0K";
        assertEquals("part-0.png", MimeMessage.parse(noName.getBytes(StandardCharsets.US_ASCII)).root().safeFileName());
    }

    @Test
    void plainMessageWithoutMimeHeaders() {
        MimeMessage m = MimeMessage.parse("Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("text/plain", m.root().mediaType());
        assertEquals("hello\r\n", m.textParts().get(0).text());
        assertTrue(m.attachments().isEmpty());
    }

    @Test
    void latin1AndContinuationParameters() {
        String msg = "Content-Type: text/plain; charset=iso-8859-1\r\n"
                + "Content-Disposition: attachment; filename*0=\"long\"; filename*1=\"name.txt\"\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n";
        byte[] head = msg.getBytes(StandardCharsets.US_ASCII);
        byte[] body = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        MimePart p = MimeMessage.parse(all).root();
        assertEquals("caf\u00e9", p.text());
        assertEquals("longname.txt", p.fileName());
        assertTrue(p.isAttachment());
    }

    @Test
    void brokenStructuresAreShownWithProblems() {
        MimeMessage noBoundary = MimeMessage.parse(
                "Content-Type: multipart/mixed\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII));
        assertEquals("text/plain", noBoundary.root().mediaType());
        assertFalse(noBoundary.problems().isEmpty());

        MimeMessage unclosed = MimeMessage.parse(("Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--b\r\n\r\nsecond").getBytes(StandardCharsets.US_ASCII));
        assertEquals(2, unclosed.root().children().size());
        assertEquals("second", unclosed.root().children().get(1).text());
        assertTrue(unclosed.problems().stream().anyMatch(p -> p.contains("closing boundary")));

        MimeMessage badB64 = MimeMessage.parse(("Content-Type: application/x\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "QUJD!!RA=\r\n===").getBytes(StandardCharsets.US_ASCII));
        assertEquals("ABCD", new String(badB64.root().decoded(), StandardCharsets.US_ASCII));

        assertNull(MimeMessage.parse(new byte[0]).subject());
    }

    @Test
    void attachedMessageIsListedAndParsed() {
        String msg = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nsee attached\r\n--b\r\n"
                + "Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\ninner body\r\n--b--\r\n";
        MimeMessage m = MimeMessage.parse(msg.getBytes(StandardCharsets.US_ASCII));
        MimePart attached = m.attachments().get(0);
        assertEquals("message/rfc822", attached.mediaType());
        assertEquals("inner", attached.children().get(0).header("subject"));
        assertEquals(List.of("see attached\r\n".strip(), "inner body"),
                m.textParts().stream().map(p -> p.text().strip()).toList());
    }

    @Test
    void randomJunkNeverThrows() {
        Random random = new Random(5);
        byte[] seed = mixedMessage().getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 500; round++) {
            byte[] b = seed.clone();
            int flips = 1 + random.nextInt(30);
            for (int i = 0; i < flips; i++) {
                String junk = "-=\r\n:;\"?*'%B Q\u0000x";
                b[random.nextInt(b.length)] = (byte) junk.charAt(random.nextInt(junk.length()));
            }
            byte[] cut = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
            MimeMessage m = assertDoesNotThrow(() -> MimeMessage.parse(cut));
            m.allParts().forEach(p -> {
                p.text();
                p.safeFileName();
            });
        }
        byte[] deep = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n".repeat(200).getBytes();
        assertDoesNotThrow(() -> MimeMessage.parse(deep));
    }
}
