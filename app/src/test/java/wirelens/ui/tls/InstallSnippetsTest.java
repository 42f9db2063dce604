package wirelens.ui.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InstallSnippetsTest {

    @Test
    void everySnippetNamesTheCertificateFile() {
        Path pem = Path.of("/home/ana/.config/wirelens/ca/ca.pem");
        List<InstallSnippets.Snippet> all = InstallSnippets.of(pem);
        assertEquals(List.of("curl", "python", "node", "java", "firefox", "debian", "macos", "windows", "android"),
                all.stream().map(InstallSnippets.Snippet::id).collect(Collectors.toList()));
        for (InstallSnippets.Snippet s : all) {
            assertTrue(s.code().contains(pem.toString()), s.id());
        }
        String text = all.stream().map(s -> s.code() + "\n" + s.note()).collect(Collectors.joining("\n"));
        for (String needed : List.of("--cacert", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE",
                "NODE_EXTRA_CA_CERTS", "keytool -importcert", "cacerts", "-Djavax.net.ssl.trustStore=",
                "update-ca-certificates", "security add-trusted-cert", "certutil -addstore root", "user",
                "/system/etc/security/cacerts")) {
            assertTrue(text.contains(needed), needed);
        }
    }

    @Test
    void pathsAreQuotedForTheShellOnlyWhenTheyNeedIt() {
        assertEquals("/home/ana/ca.pem", InstallSnippets.shellQuote("/home/ana/ca.pem"));
        assertEquals("'/home/ana/my CA/ca.pem'", InstallSnippets.shellQuote("/home/ana/my CA/ca.pem"));
        assertEquals("'/tmp/it'\\''s/ca.pem'", InstallSnippets.shellQuote("/tmp/it's/ca.pem"));
        assertEquals("'$HOME/ca.pem'", InstallSnippets.shellQuote("$HOME/ca.pem"));
    }
}
