package wirelens.proto.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decides whether a connection looks like SMTP from its first bytes: the server speaks first with a
 * {@code 220} greeting, then the client says EHLO or HELO (LHLO for LMTP).
 */
public final class SmtpDetection {

    public enum Verdict { SMTP, NOT_SMTP, UNDECIDED }

    private SmtpDetection() {}

    /**
     * @param serverStart the first bytes the server sent (any prefix, may be empty)
     * @param clientStart the first bytes the client sent (any prefix, may be empty)
     * @param clientSpokeFirst whether the connection's first chunk came from the client
     */
    public static Verdict detect(byte[] serverStart, byte[] clientStart, boolean clientSpokeFirst) {
        if (clientSpokeFirst && clientStart.length > 0) {
            return Verdict.NOT_SMTP;
        }
        Verdict greeting = matchGreeting(serverStart);
        if (greeting != Verdict.SMTP) {
            return greeting;
        }
        return matchHello(clientStart);
    }

    /**
     * Detection fed live, chunk by chunk, in capture order: keeps the first bytes of each side until
     * the verdict is decided, then keeps nothing.
     */
    public static final class Sniffer {
        private static final int KEEP = 16;
        private final java.io.ByteArrayOutputStream server = new java.io.ByteArrayOutputStream();
        private final java.io.ByteArrayOutputStream client = new java.io.ByteArrayOutputStream();
        private Boolean clientFirst;
        private Verdict verdict = Verdict.UNDECIDED;

        /** Adds a chunk (empty chunks are ignored) and returns the verdict so far. */
        public Verdict offer(boolean fromClient, byte[] bytes) {
            if (verdict != Verdict.UNDECIDED || bytes.length == 0) {
                return verdict;
            }
            if (clientFirst == null) {
                clientFirst = fromClient;
            }
            java.io.ByteArrayOutputStream side = fromClient ? client : server;
            side.write(bytes, 0, Math.min(bytes.length, Math.max(0, KEEP - side.size())));
            verdict = detect(server.toByteArray(), client.toByteArray(), clientFirst);
            return verdict;
        }

        public Verdict verdict() {
            return verdict;
        }
    }

    private static Verdict matchGreeting(byte[] s) {
        String expect = "220";
        for (int i = 0; i < Math.min(3, s.length); i++) {
            if (s[i] != expect.charAt(i)) {
                return Verdict.NOT_SMTP;
            }
        }
        if (s.length < 4) {
            return Verdict.UNDECIDED;
        }
        byte sep = s[3];
        return sep == ' ' || sep == '-' || sep == '\r' || sep == '\n' ? Verdict.SMTP : Verdict.NOT_SMTP;
    }

    private static Verdict matchHello(byte[] c) {
        int n = Math.min(5, c.length);
        String start = new String(c, 0, n, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
        boolean prefixOfOne = false;
        for (String verb : new String[] {"EHLO", "HELO", "LHLO"}) {
            if (n >= 5 && start.startsWith(verb) && (start.charAt(4) == ' ' || start.charAt(4) == '\r'
                    || start.charAt(4) == '\n')) {
                return Verdict.SMTP;
            }
            if (n < 5 && (verb + " ").startsWith(start)) {
                prefixOfOne = true;
            }
        }
        return prefixOfOne ? Verdict.UNDECIDED : Verdict.NOT_SMTP;
    }
}
