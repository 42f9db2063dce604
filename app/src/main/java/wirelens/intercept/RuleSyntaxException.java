package wirelens.intercept;

/** A rule, rule file line or intercept pattern that cannot be understood; the message is for the user. */
public final class RuleSyntaxException extends IllegalArgumentException {
    public RuleSyntaxException(String message) {
        super(message);
    }
}
