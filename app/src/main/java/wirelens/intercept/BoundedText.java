package wirelens.intercept;

/**
 * A chunk's text for a regex that gives up instead of hanging: each character read counts, and
 * past a budget proportional to the length it throws {@link RegexTooSlowException}. A regex that
 * backtracks catastrophically (e.g. {@code (a+)+$}) must never stall the engine's only thread.
 */
final class BoundedText implements CharSequence {
    private final String text;
    private final String what;
    private long budget;

    BoundedText(String text, String what) {
        this.text = text;
        this.what = what;
        this.budget = 200L * text.length() + 2_000_000L;
    }

    @Override
    public char charAt(int index) {
        if (--budget < 0) {
            throw new RegexTooSlowException(what + " gave up on a " + text.length()
                    + "-byte chunk: the regex backtracks too much (simplify it, e.g. avoid nested repeats like (a+)+)");
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return text.substring(start, end);
    }

    @Override
    public String toString() {
        return text;
    }

    /** Thrown when a regex exceeds its budget; the engine then forwards the chunk without that hook. */
    static final class RegexTooSlowException extends RuntimeException {
        RegexTooSlowException(String message) {
            super(message, null, false, false);
        }
    }
}
