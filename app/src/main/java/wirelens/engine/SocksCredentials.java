package wirelens.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The user name and password a SOCKS5 listener asks its clients for (RFC 1929). Each is 1 to 255 bytes
 * of UTF-8, as the protocol's length bytes allow. {@link #toString()} leaves the password out, so that a
 * config that is logged or shown does not give it away.
 */
public record SocksCredentials(String user, String password) {

    public SocksCredentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        check("user", user);
        check("password", password);
    }

    private static void check(String what, String value) {
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        if (length < 1 || length > 255) {
            throw new IllegalArgumentException("the SOCKS5 " + what + " must be 1 to 255 bytes (UTF-8), got " + length);
        }
    }

    /** Parses {@code USER:PASS} (the password may contain colons; the user may not). */
    public static SocksCredentials parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected USER:PASS, got " + (colon == 0 ? "no user" : "no colon"));
        }
        return new SocksCredentials(text.substring(0, colon), text.substring(colon + 1));
    }

    /** True when a client's login is this one; the comparison takes as long whatever differs. */
    boolean accepts(byte[] userBytes, byte[] passwordBytes) {
        boolean userOk = MessageDigest.isEqual(userBytes, user.getBytes(StandardCharsets.UTF_8));
        boolean passwordOk = MessageDigest.isEqual(passwordBytes, password.getBytes(StandardCharsets.UTF_8));
        return userOk & passwordOk;
    }

    @Override
    public String toString() {
        return "SocksCredentials[user=" + user + ", password=(hidden)]";
    }
}
