package wirelens.ui.tls;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import wirelens.tls.CertificateAuthority;

/**
 * What a user checks of a certificate: who it names, who signed it, when it is valid, the names it
 * covers (subject alternative names) and its SHA-256 fingerprint, as browsers and openssl show it.
 */
public record CertificateSummary(String subject, String issuer, Instant notBefore, Instant notAfter,
        List<String> names, String sha256) {

    private static final DateTimeFormatter DAY_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    public CertificateSummary {
        names = List.copyOf(names);
    }

    /** Reads a DER certificate (as {@code TlsFacts.peerChain} holds them). */
    public static CertificateSummary ofDer(byte[] der) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        return of((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
    }

    public static CertificateSummary of(X509Certificate c) {
        List<String> names = new ArrayList<>();
        try {
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> san : c.getSubjectAlternativeNames()) {
                    names.add(sanText((Integer) san.get(0), san.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            names.add("(unreadable: " + e.getMessage() + ")");
        }
        byte[] der;
        try {
            der = c.getEncoded();
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the certificate cannot be encoded", e);
        }
        return new CertificateSummary(c.getSubjectX500Principal().toString(), c.getIssuerX500Principal().toString(),
                c.getNotBefore().toInstant(), c.getNotAfter().toInstant(), names, fingerprint(der));
    }

    /** SHA-256 as colon-separated upper-case hex (as {@link CertificateAuthority#fingerprint}). */
    public static String fingerprint(byte[] der) {
        return CertificateAuthority.fingerprint(der);
    }

    /** {@code 2025-06-01 09:00 UTC to 2026-07-02 09:00 UTC}. */
    public String validity() {
        return DAY_TIME.format(notBefore) + " to " + DAY_TIME.format(notAfter);
    }

    public String notBeforeText() {
        return DAY_TIME.format(notBefore);
    }

    public String notAfterText() {
        return DAY_TIME.format(notAfter);
    }

    /** Whether {@code now} is outside the validity. */
    public boolean expiredOrNotYetValid(Instant now) {
        return now.isBefore(notBefore) || now.isAfter(notAfter);
    }

    /** {@code DNS:example.com, IP:127.0.0.1}, or {@code none}. */
    public String namesText() {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    private static String sanText(int type, Object value) {
        String kind = switch (type) {
            case 1 -> "email";
            case 2 -> "DNS";
            case 6 -> "URI";
            case 7 -> "IP";
            default -> "type " + type;
        };
        return kind + ":" + (value instanceof String s ? s : "(binary)");
    }
}
