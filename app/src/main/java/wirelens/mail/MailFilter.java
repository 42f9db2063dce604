package wirelens.mail;

import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import wirelens.filter.Filter;
import wirelens.filter.Term;

/**
 * The Messages list's filter: {@code from:}, {@code to:} (any recipient), {@code subject:}, {@code status:}
 * (the deciding reply: {@code 550}, {@code 5xx}), {@code user:} (AUTH), {@code tls:} ({@code starttls},
 * {@code tls}); a term without a field searches sender, recipients and subject.
 */
public final class MailFilter {
    private static final Filter.Fields<MailMessage> FIELDS = new Filter.Fields<>(Map.<String, BiPredicate<MailMessage, Term>>of(
            "from", (m, t) -> t.matchesText(m.from()),
            "to", (m, t) -> m.recipients().stream().anyMatch(t::matchesText),
            "subject", (m, t) -> t.matchesText(m.subject()),
            "status", (m, t) -> m.replyCode() != 0 && t.matchesStatus(m.replyCode()),
            "user", (m, t) -> t.matchesText(m.authUser()),
            "tls", (m, t) -> !m.security().isEmpty() && t.matchesText(m.security())),
            Set.of("status"),
            m -> (m.from() == null ? "" : m.from()) + "\n" + String.join("\n", m.recipients()) + "\n" + m.subject());

    private MailFilter() {}

    /** The test of a row against {@code text}; throws {@link wirelens.filter.FilterSyntaxException} when it is wrong. */
    public static Predicate<MailMessage> parse(String text) {
        return Filter.compile(text, FIELDS);
    }
}
