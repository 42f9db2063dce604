package wirelens.capture;

/** How a recorded connection ended, as far as the capture knows. */
public enum ConnectionEnd {
    /** Still open (live), or the capture stopped before the connection ended. */
    OPEN("open"),
    /** Both sides finished normally, or Wirelens closed it ({@link ConnectionInfo#endReason()} says why). */
    CLOSED("closed"),
    /** One side reset the connection. */
    RESET("reset"),
    /** The connection failed, e.g. the target refused; {@link ConnectionInfo#endReason()} says why. */
    FAILED("failed");

    private final String label;

    ConnectionEnd(String label) {
        this.label = label;
    }

    /** Lower-case word for tables and files. */
    public String label() {
        return label;
    }
}
