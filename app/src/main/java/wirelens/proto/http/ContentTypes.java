package wirelens.proto.http;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What a Content-Type says about showing a body: text, JSON, or an image the view can preview. */
public final class ContentTypes {
    private ContentTypes() {}

    /** The media type without parameters in lower case ({@code application/json}), or "" for null. */
    public static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** The charset parameter if it names a charset this JVM knows, else UTF-8. */
    public static Charset charset(String contentType) {
        if (contentType != null) {
            for (String param : contentType.split(";")) {
                String p = param.strip();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    String name = p.substring(8).strip().replace("\"", "");
                    try {
                        return Charset.forName(name);
                    } catch (RuntimeException unknown) {
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    public static boolean isJson(String contentType) {
        String t = mediaType(contentType);
        return t.equals("application/json") || t.endsWith("+json") || t.equals("text/json");
    }

    /** Text a person can read: text/*, JSON, XML, JavaScript, forms. */
    public static boolean isText(String contentType) {
        String t = mediaType(contentType);
        return t.startsWith("text/") || isJson(contentType) || t.endsWith("+xml") || t.endsWith("/xml")
                || t.equals("application/javascript") || t.equals("application/x-www-form-urlencoded")
                || t.equals("application/ecmascript");
    }

    /** An image JavaFX's {@code Image} can decode (PNG, JPEG, GIF, BMP). */
    public static boolean isPreviewableImage(String contentType) {
        return switch (mediaType(contentType)) {
            case "image/png", "image/jpeg", "image/jpg", "image/pjpeg", "image/gif", "image/bmp" -> true;
            default -> false;
        };
    }

    /** The image type recognised from the first bytes (PNG, JPEG, GIF, BMP), or null. */
    public static String sniffImage(byte[] bytes) {
        if (startsWith(bytes, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (startsWith(bytes, 0xff, 0xd8, 0xff)) {
            return "image/jpeg";
        }
        if (startsWith(bytes, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (startsWith(bytes, 'B', 'M')) {
            return "image/bmp";
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if ((bytes[k] & 0xff) != prefix[k]) {
                return false;
            }
        }
        return true;
    }
}
