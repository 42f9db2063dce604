package wirelens.testkit;

import java.nio.charset.StandardCharsets;

/** Bytes written as text one to one (ISO-8859-1): what a test sends and expects on the wire. */
public final class Latin1 {
    private Latin1() {}

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The bytes as text, one character each; null for null (a dropped chunk has no forwarded bytes). */
    public static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
