package wirelens.proto.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What a session's AUTH exchanges say: one {@link Credentials} per AUTH command, filled in from the
 * client's base64 responses (PLAIN, LOGIN, XOAUTH2) and given the outcome of the server's final reply.
 * {@link SmtpDecoder} pairs the lines and says which is which; this class only reads what they carry.
 */
final class SmtpAuth {
    private final List<Credentials> credentials = new ArrayList<>();
    private final Consumer<String> problems;
    /** The mechanism of the AUTH exchange in progress, or null when none is. */
    private String mechanism;
    private int credentialIndex;
    /** LOGIN's challenges say which field the next response is ("Username:", "Password:"). */
    private String lastChallenge = "";

    SmtpAuth(Consumer<String> problems) {
        this.problems = problems;
    }

    /** Everything AUTH exchanges have said so far, in order. */
    List<Credentials> credentials() {
        return credentials;
    }

    boolean inProgress() {
        return mechanism != null;
    }

    /** An AUTH command, exchange {@code exchangeNumber}: returns its initial response, or null if it has none. */
    String start(int exchangeNumber, String arg) {
        String[] words = arg.strip().split("\\s+", 2);
        mechanism = words[0].toUpperCase(Locale.ROOT);
        credentials.add(new Credentials(exchangeNumber, mechanism, null, null, null, Credentials.Outcome.PENDING));
        credentialIndex = credentials.size() - 1;
        lastChallenge = "";
        return words.length > 1 && !words[1].isEmpty() ? words[1].strip() : null;
    }

    /** The server's 334: its text is the base64 challenge the next response answers. */
    void challenge(String base64) {
        try {
            lastChallenge = new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            lastChallenge = "";
        }
    }

    /** The server's final reply to the exchange in progress, if any, ends it. */
    void finish(boolean accepted) {
        if (mechanism == null) {
            return;
        }
        Credentials c = credentials.get(credentialIndex);
        credentials.set(credentialIndex, c.withOutcome(accepted
                ? Credentials.Outcome.ACCEPTED : Credentials.Outcome.REJECTED));
        mechanism = null;
    }

    /** A greeting was put before every exchange: each exchange number moves up by one. */
    void shiftExchangeNumbers() {
        for (int i = 0; i < credentials.size(); i++) {
            Credentials c = credentials.get(i);
            credentials.set(i, new Credentials(c.exchangeNumber() + 1, c.mechanism(), c.authorizationId(),
                    c.username(), c.password(), c.outcome()));
        }
    }

    /** Decodes one base64 AUTH payload into the current credentials; returns it as readable text. */
    String payload(String base64) {
        if (mechanism == null) {
            return null;
        }
        byte[] raw;
        if (base64.equals("=")) {
            raw = new byte[0];
        } else {
            try {
                raw = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                problems.accept("an AUTH " + mechanism + " payload is not valid base64");
                return "(not valid base64)";
            }
        }
        String value = new String(raw, StandardCharsets.UTF_8);
        Credentials c = credentials.get(credentialIndex);
        switch (mechanism) {
            case "PLAIN" -> {
                String[] parts = value.split("\0", -1);
                if (parts.length == 3) {
                    c = new Credentials(c.exchangeNumber(), c.mechanism(), parts[0], parts[1], parts[2], c.outcome());
                    credentials.set(credentialIndex, c);
                    return Credentials.printable("authzid \"" + parts[0] + "\" user \"" + parts[1] + "\" password \""
                            + parts[2] + "\"");
                }
                problems.accept("an AUTH PLAIN payload does not hold three NUL-separated fields");
            }
            case "LOGIN" -> {
                String challenge = lastChallenge.toLowerCase(Locale.ROOT);
                boolean isPassword = challenge.contains("pass")
                        || !challenge.contains("user") && c.username() != null;
                c = isPassword
                        ? new Credentials(c.exchangeNumber(), c.mechanism(), null, c.username(), value, c.outcome())
                        : new Credentials(c.exchangeNumber(), c.mechanism(), null, value, c.password(), c.outcome());
                credentials.set(credentialIndex, c);
                return (isPassword ? "password \"" : "user \"") + Credentials.printable(value) + "\"";
            }
            case "XOAUTH2" -> {
                String user = null;
                String token = null;
                for (String field : value.split("\u0001")) {
                    if (field.startsWith("user=")) {
                        user = field.substring(5);
                    } else if (field.startsWith("auth=")) {
                        token = field.substring(5);
                    }
                }
                if (user != null || token != null) {
                    credentials.set(credentialIndex,
                            new Credentials(c.exchangeNumber(), c.mechanism(), null, user, token, c.outcome()));
                }
            }
            default -> { }
        }
        return Credentials.printable(value);
    }
}
