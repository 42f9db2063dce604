package wirelens.proto.smtp;

/**
 * A message a client transferred with DATA (after dot-unstuffing) or BDAT (chunks joined): exactly
 * the bytes the server received. Do not modify {@code bytes}.
 *
 * @param number 1-based within the connection
 * @param transactionNumber the {@link SmtpTransaction#number()} it belongs to
 * @param viaBdat true when sent with BDAT (CHUNKING), false for DATA
 */
public record SmtpMessage(long connectionId, int number, int transactionNumber, byte[] bytes, boolean viaBdat) {

    public int size() {
        return bytes.length;
    }

    /** The file name used by {@link EmlExport}: {@code conn-3-msg-1.eml}. */
    public String fileName() {
        return "conn-" + connectionId + "-msg-" + number + ".eml";
    }
}
