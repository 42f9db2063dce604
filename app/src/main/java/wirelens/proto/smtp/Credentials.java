package wirelens.proto.smtp;

/**
 * Credentials a client sent with AUTH, decoded from base64. {@code password} is null until the
 * client has sent it (AUTH LOGIN sends the user name first); {@code authorizationId} is the
 * AUTH PLAIN authorization identity, usually empty. Renders masked unless asked to reveal.
 */
public record Credentials(int exchangeNumber, String mechanism, String authorizationId, String username,
        String password, Outcome outcome) {

    public enum Outcome { PENDING, ACCEPTED, REJECTED }

    public static final String MASK = "\u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022";

    /** e.g. {@code AUTH PLAIN user "alice" password •••••••• (accepted)}: the password hidden. */
    public String masked() {
        return render(false);
    }

    /** Same as {@link #masked()} with the password shown. */
    public String revealed() {
        return render(true);
    }

    private String render(boolean reveal) {
        StringBuilder sb = new StringBuilder("AUTH ").append(mechanism);
        if (authorizationId != null && !authorizationId.isEmpty()) {
            sb.append(" authzid \"").append(printable(authorizationId)).append('"');
        }
        sb.append(" user ").append(username == null ? "(not sent)" : '"' + printable(username) + '"');
        sb.append(" password ");
        if (password == null) {
            sb.append("(not sent)");
        } else {
            sb.append(reveal ? '"' + printable(password) + '"' : MASK);
        }
        sb.append(" (").append(outcome.name().toLowerCase(java.util.Locale.ROOT)).append(')');
        return sb.toString();
    }

    /** Control characters as {@code \xNN}, so a decoded payload cannot mess up a view. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                sb.append(String.format("\\x%02x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    Credentials withOutcome(Outcome o) {
        return new Credentials(exchangeNumber, mechanism, authorizationId, username, password, o);
    }
}
