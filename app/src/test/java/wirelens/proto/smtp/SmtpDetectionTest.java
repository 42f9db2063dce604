package wirelens.proto.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import wirelens.proto.smtp.SmtpDetection.Verdict;

class SmtpDetectionTest {

    private static Verdict detect(String server, String client, boolean clientFirst) {
        return SmtpDetection.detect(server.getBytes(StandardCharsets.ISO_8859_1),
                client.getBytes(StandardCharsets.ISO_8859_1), clientFirst);
    }

    @Test
    void greetingThenEhloOrHeloIsSmtp() {
        assertEquals(Verdict.SMTP, detect("220 mx ESMTP\r\n", "EHLO me\r\n", false));
        assertEquals(Verdict.SMTP, detect("220-mx\r\n220 more\r\n", "helo me\r\n", false));
        assertEquals(Verdict.SMTP, detect("220 mx\r\n", "LHLO me\r\n", false));
    }

    @Test
    void waitsWhileThePrefixesStillFit() {
        assertEquals(Verdict.UNDECIDED, detect("", "", false));
        assertEquals(Verdict.UNDECIDED, detect("22", "", false));
        assertEquals(Verdict.UNDECIDED, detect("220 mx\r\n", "", false));
        assertEquals(Verdict.UNDECIDED, detect("220 mx\r\n", "EH", false));
    }

    @Test
    void otherProtocolsAreNot() {
        assertEquals(Verdict.NOT_SMTP, detect("", "GET / HTTP/1.1\r\n", true));
        assertEquals(Verdict.NOT_SMTP, detect("SSH-2.0-OpenSSH\r\n", "", false));
        assertEquals(Verdict.NOT_SMTP, detect("2200\r\n", "", false));
        assertEquals(Verdict.NOT_SMTP, detect("220 ftp ready\r\n", "USER bob\r\n", false));
        assertEquals(Verdict.NOT_SMTP, detect("554 go away\r\n", "", false));
    }

    @Test
    void snifferDecidesFromChunksAsTheyCome() {
        SmtpDetection.Sniffer sniffer = new SmtpDetection.Sniffer();
        assertEquals(Verdict.UNDECIDED, sniffer.offer(false, "2".getBytes()));
        assertEquals(Verdict.UNDECIDED, sniffer.offer(false, "20 mx ESMTP\r\n".getBytes()));
        assertEquals(Verdict.UNDECIDED, sniffer.offer(true, "EH".getBytes()));
        assertEquals(Verdict.SMTP, sniffer.offer(true, "LO me\r\n".getBytes()));
        assertEquals(Verdict.SMTP, sniffer.offer(true, "GET / HTTP/1.1\r\n".getBytes()), "decided stays decided");

        SmtpDetection.Sniffer http = new SmtpDetection.Sniffer();
        assertEquals(Verdict.NOT_SMTP, http.offer(true, "GET / HTTP/1.1\r\n".getBytes()));
    }
}
