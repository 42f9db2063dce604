package wirelens.intercept;

import wirelens.engine.Direction;

/**
 * Which chunks the intercept holds. Checked when made: a filter that exists compiles.
 *
 * @param direction   which direction to hold
 * @param listener    the listener name to hold chunks of, or {@code null} for every listener
 * @param kind        how {@code pattern} is written (text, regex or hex); ignored without a pattern
 * @param pattern     hold only chunks containing this, or {@code null}/empty for every chunk
 */
public record InterceptFilter(DirectionFilter direction, String listener, Rule.Kind kind, String pattern) {

    /** Every chunk of every listener, both directions. */
    public static final InterceptFilter ALL = new InterceptFilter(DirectionFilter.BOTH, null, null, null);

    public InterceptFilter {
        java.util.Objects.requireNonNull(direction, "direction");
        if (listener != null && listener.isBlank()) {
            listener = null;
        }
        if (pattern != null && pattern.isEmpty()) {
            pattern = null;
        }
        if (pattern != null) {
            java.util.Objects.requireNonNull(kind, "kind (of the pattern)");
            BytePattern.compile(kind, pattern); // throws RuleSyntaxException with a message
        }
    }

    public static InterceptFilter of(DirectionFilter direction) {
        return new InterceptFilter(direction, null, null, null);
    }

    /** A ready-to-use matcher for this filter. */
    Matcher compile() {
        return new Matcher(this, pattern == null ? null : BytePattern.compile(kind, pattern));
    }

    record Matcher(InterceptFilter filter, BytePattern pattern) {
        boolean matches(String listenerName, Direction d, byte[] data) {
            return filter.direction.matches(d)
                    && (filter.listener == null || filter.listener.equals(listenerName))
                    && (pattern == null || pattern.foundIn(data));
        }
    }
}
