package wirelens.proto.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.testkit.Commands;
import wirelens.testkit.Python;

/**
 * Common mail as Python's {@code email} package writes it (non-ASCII headers, RFC 2231 file names,
 * quoted-printable and base64, nested multiparts, an attached message), parsed by both Python
 * ({@code policy.default}) and {@link MimeMessage}: same tree, names, decoded bytes and texts.
 */
class MimeCrossCheckTest {


    private static final String GENERATOR = """
import email, email.policy, hashlib, json, os, sys
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.mime.application import MIMEApplication
from email.header import Header

out = sys.argv[1]
SMTP = email.policy.SMTP  # CRLF line ends, as sent over SMTP
msgs = []

m = EmailMessage()
m['From'] = 'Jürgen Müller <j@example.com>'
m['To'] = 'bob@example.com'
m['Subject'] = 'Grüße aus Köln – ' + '日本語のテキスト' * 6
m.set_content('Hallo Bob,\\nschöne Grüße!\\n.leading dot\\n' + 'long line ' * 30 + '\\n')
m.add_alternative('<html><body><p>Schöne Grüße</p></body></html>\\n', subtype='html')
m.add_attachment(bytes(range(256)) * 20, maintype='application', subtype='pdf', filename='Résumé 2024.pdf')
m.add_attachment('latin text: café\\n'.encode('latin-1'), maintype='text', subtype='plain', filename='notes.txt')
inner = EmailMessage()
inner['Subject'] = 'forwarded'
inner.set_content('inner body\\n')
m.add_attachment(inner)
msgs.append(m.as_bytes(policy=SMTP))

legacy = MIMEMultipart()
legacy['Subject'] = Header('Prüfung', 'utf-8')
legacy.attach(MIMEText('Körper in Latin-1\\n', _charset='iso-8859-1'))
app = MIMEApplication(os.urandom(3000) if False else bytes((i * 7) % 256 for i in range(3000)))
app.add_header('Content-Disposition', 'attachment', filename=('utf-8', '', 'Übersicht.bin'))
legacy.attach(app)
msgs.append(legacy.as_bytes(policy=email.policy.compat32.clone(linesep='\\r\\n')))

simple = EmailMessage()
simple['Subject'] = 'plain'
simple.set_content('just text\\n')
msgs.append(simple.as_bytes(policy=SMTP))

expect = []
for i, raw in enumerate(msgs):
    path = os.path.join(out, 'm%d.eml' % i)
    open(path, 'wb').write(raw)
    p = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    for part in p.walk():
        d = {'type': part.get_content_type(), 'filename': part.get_filename()}
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            d['sha256'] = hashlib.sha256(payload).hexdigest()
            if part.get_content_maintype() == 'text':
                d['text'] = part.get_content().replace('\\r\\n', '\\n')
        parts.append(d)
    expect.append({'file': path, 'subject': str(p['subject']), 'parts': parts})
json.dump(expect, open(os.path.join(out, 'expect.json'), 'w'), ensure_ascii=False, indent=1)
""";

    @TempDir
    Path dir;

    @Test
    void agreesWithPythonsEmailPackage() throws Exception {
        Python.assumeInstalled();
        Path script = Files.writeString(dir.resolve("gen.py"), GENERATOR);
        Commands.Result python = Commands.run(Python.EXECUTABLE, script.toString(), dir.toString());
        assertEquals(0, python.exit(), python.text());

        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expect.json").toFile());
        assertEquals(3, expected.size());
        for (JsonNode message : expected) {
            byte[] raw = Files.readAllBytes(Path.of(message.get("file").asText()));
            MimeMessage m = MimeMessage.parse(raw);
            String where = message.get("file").asText();
            assertEquals(message.get("subject").asText(), m.subject(), where);
            List<MimePart> parts = m.allParts();
            assertEquals(message.get("parts").size(), parts.size(), where + ": " + parts.stream().map(MimePart::mediaType).toList());
            for (int i = 0; i < parts.size(); i++) {
                JsonNode want = message.get("parts").get(i);
                MimePart got = parts.get(i);
                String at = where + " part " + got.path();
                assertEquals(want.get("type").asText(), got.mediaType(), at);
                assertEquals(want.get("filename").isNull() ? null : want.get("filename").asText(), got.fileName(), at);
                if (want.has("sha256")) {
                    assertEquals(want.get("sha256").asText(), sha256(got.decoded()), at);
                }
                if (want.has("text")) {
                    assertEquals(want.get("text").asText(), got.text().replace("\r\n", "\n"), at);
                }
            }
            assertTrue(m.problems().isEmpty(), where + ": " + m.problems());
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
