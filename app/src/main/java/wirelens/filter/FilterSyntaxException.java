package wirelens.filter;

/** A filter that does not parse: what is wrong, and where (a character index into the filter's text). */
public final class FilterSyntaxException extends IllegalArgumentException {
    private final int position;

    public FilterSyntaxException(String message, int position) {
        super(message);
        this.position = position;
    }

    /** Where the problem starts, 0-based. */
    public int position() {
        return position;
    }
}
