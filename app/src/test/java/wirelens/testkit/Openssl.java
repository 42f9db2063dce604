package wirelens.testkit;

import java.nio.file.Path;

/** The openssl command: self-signed certificates for the TLS peers (nginx, aiosmtpd's STARTTLS). */
public final class Openssl {
    private Openssl() {}

    /** A certificate file and its unencrypted private key, both PEM. */
    public record Certificate(Path cert, Path key) {}

    public static void assumeInstalled() {
        Commands.assumeWorks("openssl is not installed: apt-get install openssl", "openssl", "version");
    }

    /**
     * Writes DIR/cert.pem and DIR/key.pem: RSA 2048, valid two days, for CN=localhost with the subject
     * alternative names localhost and 127.0.0.1 (what curl and swaks check when they verify).
     */
    public static Certificate selfSigned(Path dir) throws Exception {
        assumeInstalled();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Commands.check("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        return new Certificate(cert, key);
    }
}
