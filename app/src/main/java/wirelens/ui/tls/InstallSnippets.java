package wirelens.ui.tls;

import java.nio.file.Path;
import java.util.List;

/**
 * How to make clients trust Wirelens' CA, as copy-paste snippets with the real path of {@code ca.pem}
 * filled in (quoted for the shell it is pasted into).
 */
public final class InstallSnippets {
    private InstallSnippets() {}

    /** One client or system: what to know, and what to paste. */
    public record Snippet(String id, String title, String note, String code) {}

    public static List<Snippet> of(Path caPem) {
        String sh = shellQuote(caPem.toString());
        return List.of(
                new Snippet("curl", "curl",
                        "--cacert trusts the file for one call; CURL_CA_BUNDLE for every call from this shell. Both"
                                + " replace curl's own list of CAs. The second line goes through the window's HTTP proxy"
                                + " (port 8080 unless you changed it).",
                        "curl --cacert " + sh + " https://example.com/\n"
                                + "curl --cacert " + sh + " -x http://127.0.0.1:8080 https://example.com/\n"
                                + "export CURL_CA_BUNDLE=" + sh),
                new Snippet("python", "Python (requests, pip, urllib, httpx)",
                        "requests and pip read REQUESTS_CA_BUNDLE; the ssl module (urllib, httpx, aiohttp) reads"
                                + " SSL_CERT_FILE. Both replace the default list of CAs for the programs started"
                                + " from this shell.",
                        "export REQUESTS_CA_BUNDLE=" + sh + "\nexport SSL_CERT_FILE=" + sh),
                new Snippet("node", "Node.js",
                        "Added to Node's built-in CAs; read once, when node starts.",
                        "export NODE_EXTRA_CA_CERTS=" + sh),
                new Snippet("java", "Java",
                        "Import it into a copy of the JDK's cacerts (the JDK's own file stays as it is), then point"
                                + " the JVM at the copy. changeit is the JDK's default store password.",
                        "cp \"$JAVA_HOME/lib/security/cacerts\" wirelens-cacerts\n"
                                + "keytool -importcert -noprompt -alias wirelens -file " + sh
                                + " -keystore wirelens-cacerts -storepass changeit\n"
                                + "java -Djavax.net.ssl.trustStore=\"$PWD/wirelens-cacerts\""
                                + " -Djavax.net.ssl.trustStorePassword=changeit -jar your-app.jar"),
                new Snippet("firefox", "Firefox",
                        "Firefox keeps a store of its own: Settings \u2192 Privacy & Security \u2192 Certificates \u2192"
                                + " View Certificates \u2192 Authorities \u2192 Import\u2026, choose this file and tick"
                                + " \"Trust this CA to identify websites\".",
                        caPem.toString()),
                new Snippet("debian", "Debian and Ubuntu (system-wide)",
                        "For curl, wget, Python's ssl and most programs; the copy must end in .crt. Chrome and"
                                + " Chromium on Linux use their own NSS store instead: the last line (certutil is in"
                                + " libnss3-tools).",
                        "sudo cp " + sh + " /usr/local/share/ca-certificates/wirelens.crt\n"
                                + "sudo update-ca-certificates\n"
                                + "certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n wirelens -i " + sh),
                new Snippet("macos", "macOS (Safari, Chrome, the system)",
                        "Adds it to the System keychain, trusted for TLS; asks for your password. Or open the file"
                                + " in Keychain Access and set \"When using this certificate\" to Always Trust.",
                        "sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain " + sh),
                new Snippet("windows", "Windows (Edge, Chrome, most programs)",
                        "In a Command Prompt run as administrator; for your account only, without administrator"
                                + " rights: certutil -user -addstore root.",
                        "certutil -addstore root \"" + caPem + "\""),
                new Snippet("android", "Android",
                        "User store: copy the file to the device, then Settings \u2192 Security \u2192 Encryption &"
                                + " credentials \u2192 Install a certificate \u2192 CA certificate. Chrome trusts user"
                                + " CAs; apps for Android 7 and later do not, unless their network security config"
                                + " says <certificates src=\"user\"/>. The system store, trusted by every app, needs a"
                                + " rooted device or an emulator with a writable system (the lines after the first;"
                                + " Android 14 reads the conscrypt APEX instead).",
                        "adb push " + sh + " /sdcard/Download/wirelens-ca.crt\n"
                                + "h=$(openssl x509 -inform PEM -subject_hash_old -noout -in " + sh + ")\n"
                                + "adb root && adb remount\n"
                                + "adb push " + sh + " /system/etc/security/cacerts/$h.0\n"
                                + "adb shell chmod 644 /system/etc/security/cacerts/$h.0 && adb reboot"));
    }

    /** The text as one shell word: as it is when it is plain, else in single quotes. */
    static String shellQuote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:@%+=,-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
