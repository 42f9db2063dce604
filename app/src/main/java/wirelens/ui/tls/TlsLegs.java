package wirelens.ui.tls;

import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import wirelens.base.Units;
import wirelens.engine.EngineEvent;
import wirelens.engine.Side;
import wirelens.tls.TlsFacts;

/**
 * What the TLS panel says about a connection, worked out from its TLS events without JavaFX, so the
 * panel, its Copy button and the tests read the same words. One {@link Leg} per side that had TLS:
 * client &harr; Wirelens, then Wirelens &harr; server.
 */
public final class TlsLegs {
    private TlsLegs() {}

    /** One line of the panel; {@code warning} lines (not verified, failed, expired) stand out. */
    public record Field(String name, String value, boolean warning) {}

    /** A certificate of a peer's chain: its title ({@code Certificate 1 of 2}) and what it says. */
    public record Certificate(String title, List<Field> fields) {}

    /**
     * One leg: its facts and notes, and the certificates its peer showed ({@code chainTitle} says whose,
     * or that there were none; null when the leg has no handshake, e.g. passthrough or failure).
     */
    public record Leg(Side side, String title, List<Field> fields, String chainTitle, List<Certificate> chain) {}

    public static final String CLIENT_LEG = "Client \u2194 Wirelens";
    public static final String SERVER_LEG = "Wirelens \u2194 server";
    public static final String NO_CLIENT_CERTIFICATE = "The client showed no certificate.";
    public static final String LEAF_SHOWN = "The leaf Wirelens showed the client";

    /** The legs of a connection from its TLS events (in the order they happened); empty for plain TCP. */
    public static List<Leg> of(List<EngineEvent.Tls> events, Instant now) {
        List<Leg> legs = new ArrayList<>(2);
        for (Side side : new Side[] {Side.CLIENT, Side.TARGET}) {
            List<EngineEvent.Tls> mine = events.stream().filter(t -> t.side() == side).toList();
            if (!mine.isEmpty()) {
                legs.add(leg(side, mine, now));
            }
        }
        return legs;
    }

    private static Leg leg(Side side, List<EngineEvent.Tls> events, Instant now) {
        boolean client = side == Side.CLIENT;
        TlsFacts facts = null;
        for (EngineEvent.Tls t : events) {
            if (t.facts() != null) {
                facts = t.facts();
            }
        }
        List<Field> fields = new ArrayList<>();
        if (facts != null) {
            fields.add(new Field("Protocol", facts.protocol(), false));
            fields.add(new Field("Cipher suite", facts.cipherSuite(), false));
            fields.add(new Field("Server name (SNI)", facts.serverName() == null ? "none sent" : facts.serverName(), false));
            fields.add(new Field("ALPN", facts.alpn().isEmpty() ? "none" : facts.alpn(), false));
            fields.add(new Field("Handshake", handshake(facts, client), false));
            if (!client) {
                fields.add(new Field("Server certificate", facts.verified() ? "verified (chain and host name)"
                        : "NOT verified (--upstream-insecure)", !facts.verified()));
            }
        }
        for (EngineEvent.Tls t : events) {
            if (t.startTls() && t.kind() == EngineEvent.Tls.Kind.HANDSHAKE_DONE) {
                fields.add(new Field("Began", "after STARTTLS, at the server's go-ahead", false));
            } else if (t.kind() == EngineEvent.Tls.Kind.PASSTHROUGH) {
                fields.add(new Field("Passthrough", (t.detail() == null ? "" : t.detail() + ": ")
                        + "relayed untouched, not decrypted", false));
            } else if (t.kind() == EngineEvent.Tls.Kind.FAILED) {
                fields.add(new Field("Failed", (t.startTls() ? "after STARTTLS: " : "")
                        + (t.detail() == null ? "no reason given" : t.detail()), true));
            }
        }
        String chainTitle = null;
        List<Certificate> chain = new ArrayList<>();
        if (facts != null) {
            List<byte[]> ders = facts.peerChain();
            if (ders.isEmpty()) {
                chainTitle = client ? NO_CLIENT_CERTIFICATE : "The server showed no certificate.";
            } else {
                chainTitle = (client ? "The client's" : "The server's") + " certificate chain, leaf first";
                for (int i = 0; i < ders.size(); i++) {
                    chain.add(new Certificate("Certificate " + (i + 1) + " of " + ders.size(), certificate(ders.get(i), now)));
                }
            }
            if (client && !facts.localChain().isEmpty()) {
                chain.add(new Certificate(LEAF_SHOWN, certificate(facts.localChain().get(0), now)));
            }
        }
        return new Leg(side, client ? CLIENT_LEG : SERVER_LEG, fields, chainTitle, chain);
    }

    /** Subject, issuer, validity, names and fingerprint of a DER certificate. */
    public static List<Field> certificate(byte[] der, Instant now) {
        CertificateSummary c;
        try {
            c = CertificateSummary.ofDer(der);
        } catch (CertificateException | RuntimeException e) {
            return List.of(new Field("Certificate", "unreadable (" + e.getMessage() + "), " + der.length + " bytes", true));
        }
        return fields(c, now);
    }

    /** The fields of a certificate summary (the CA dialog shows the same). */
    public static List<Field> fields(CertificateSummary c, Instant now) {
        boolean outside = c.expiredOrNotYetValid(now);
        return List.of(
                new Field("Subject", c.subject(), false),
                new Field("Issuer", c.issuer(), false),
                new Field("Not before", c.notBeforeText(), outside && now.isBefore(c.notBefore())),
                new Field("Not after", c.notAfterText() + (now.isAfter(c.notAfter()) ? " (expired)" : ""),
                        outside && now.isAfter(c.notAfter())),
                new Field("Names (SAN)", c.namesText(), false),
                new Field("SHA-256", c.sha256(), false));
    }

    /** The legs as plain text, as the panel shows them (for Copy). */
    public static String text(List<Leg> legs) {
        StringBuilder out = new StringBuilder();
        for (Leg leg : legs) {
            out.append(leg.title()).append('\n');
            for (Field f : leg.fields()) {
                out.append("  ").append(f.name()).append(": ").append(f.value()).append('\n');
            }
            if (leg.chainTitle() != null) {
                out.append("  ").append(leg.chainTitle()).append('\n');
            }
            for (Certificate c : leg.chain()) {
                out.append("  ").append(c.title()).append('\n');
                for (Field f : c.fields()) {
                    out.append("    ").append(f.name()).append(": ").append(f.value()).append('\n');
                }
            }
        }
        return out.toString();
    }

    /** {@code 12ms, 517 B from the client, 2400 B to it}: the records the handshake took, not dumped as data. */
    static String handshake(TlsFacts facts, boolean client) {
        String time = Units.duration(facts.handshakeNanos());
        if (facts.handshakeBytesReceived() < 0) {
            return time;
        }
        String peer = client ? "the client" : "the server";
        return time + ", " + Units.bytes(facts.handshakeBytesReceived()) + " from " + peer + ", "
                + Units.bytes(facts.handshakeBytesSent()) + " to it";
    }
}
