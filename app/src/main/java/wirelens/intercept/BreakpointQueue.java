package wirelens.intercept;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import wirelens.engine.EngineEvent;
import wirelens.engine.MessageHook;
import wirelens.filter.Filter;
import wirelens.filter.FilterSyntaxException;
import wirelens.proto.http.Header;
import wirelens.proto.http.MessageHead;

/**
 * Breakpoints at the level of HTTP messages, as the window shows them: whether they are on, the rule
 * (requests, responses, which ones), and the messages held now, oldest first. It is the engine's
 * {@link MessageHook} (the engine asks it on a selector thread); the user's decisions go back to the engine
 * through the resumer given at construction ({@code engine::resumeMessage}). Every method is thread-safe;
 * listeners are called on the thread that made the change and must return at once.
 */
public final class BreakpointQueue implements MessageHook {
    private static final System.Logger LOG = System.getLogger(BreakpointQueue.class.getName());

    /**
     * Which messages are held: requests, responses, and of those the ones {@code match} accepts; {@code text}
     * is what the user typed for it.
     */
    public record Rule(boolean requests, boolean responses, String text, Predicate<MessageContext> match) {

        /** Every request, as Charles' and mitmproxy's breakpoints start. */
        public static final Rule REQUESTS = new Rule(true, false, "", context -> true);

        /**
         * A rule in the filter language ({@link Filter}): words, {@code "text"} and {@code ~regex} are looked for
         * in the method, URL, status and header lines; the fields are {@code host:}, {@code method:},
         * {@code path:}, {@code url:}, {@code status:} (a response's, {@code 404} or {@code 5xx}) and
         * {@code type:} (the message's Content-Type); empty matches everything. A filter that does not parse
         * throws {@link FilterSyntaxException}, which says where.
         */
        public static Rule of(boolean requests, boolean responses, String text) {
            return new Rule(requests, responses, text.strip(), Filter.compile(text, FIELDS));
        }

        private static final Filter.Fields<MessageContext> FIELDS = new Filter.Fields<>(Map.of(
                "host", (c, t) -> t.matchesText(host(c.url())),
                "method", (c, t) -> t.regex() != null ? t.matchesText(c.request().method())
                        : c.request().method().equalsIgnoreCase(t.value()),
                "path", (c, t) -> t.matchesText(path(c.url())),
                "url", (c, t) -> t.matchesText(c.url()),
                "status", (c, t) -> c.isResponse() && t.matchesStatus(c.response().status()),
                "type", (c, t) -> t.matchesText(c.head().header("Content-Type"))),
                Set.of("status"), Rule::describe);

        private static String host(String url) {
            int start = url.indexOf("://");
            start = start < 0 ? 0 : start + 3;
            int end = start;
            while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
                end++;
            }
            return url.substring(start, end);
        }

        private static String path(String url) {
            int start = url.indexOf("://");
            int slash = url.indexOf('/', start < 0 ? 0 : start + 3);
            return slash < 0 ? "/" : url.substring(slash);
        }

        private static String describe(MessageContext context) {
            StringBuilder sb = new StringBuilder(256).append(context.request().method()).append(' ')
                    .append(context.url()).append('\n');
            MessageHead head = context.head();
            if (context.isResponse()) {
                sb.append(head.status()).append(' ').append(head.reason()).append('\n');
            }
            for (Header h : head.headers()) {
                sb.append(h.name()).append(": ").append(h.value()).append('\n');
            }
            return sb.toString();
        }
    }

    private final BiConsumer<HeldMessage, Verdict> resumer;
    private final List<HeldMessage> held = new ArrayList<>(); // guarded by this
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean enabled;
    private volatile Rule rule = Rule.REQUESTS;

    /** {@code resumer}: how a decision reaches the engine, {@code engine::resumeMessage}. */
    public BreakpointQueue(BiConsumer<HeldMessage, Verdict> resumer) {
        this.resumer = resumer;
    }

    public boolean isEnabled() {
        return enabled;
    }

    /** On or off; off holds nothing new, and messages held already stay until decided. */
    public void setEnabled(boolean on) {
        if (enabled != on) {
            enabled = on;
            changed();
        }
    }

    public Rule rule() {
        return rule;
    }

    /** Applies to message heads read from now on. */
    public void setRule(Rule newRule) {
        rule = newRule;
        changed();
    }

    /** The held messages, oldest first (a snapshot). */
    public synchronized List<HeldMessage> held() {
        return List.copyOf(held);
    }

    public synchronized int size() {
        return held.size();
    }

    public synchronized boolean isHeld(HeldMessage message) {
        return held.contains(message);
    }

    public void addListener(Runnable onChange) {
        listeners.add(onChange);
    }

    public void removeListener(Runnable onChange) {
        listeners.remove(onChange);
    }

    /**
     * Tells the engine what becomes of a held message. A Continue or Answer whose bytes are not one valid
     * message throws {@link IllegalArgumentException} saying why, and the message stays held.
     *
     * @return false if it was no longer held (decided already, or its connection ended)
     */
    public boolean resume(HeldMessage message, Verdict verdict) {
        synchronized (this) {
            if (!held.contains(message)) {
                return false;
            }
            resumer.accept(message, verdict); // checks the bytes before anything leaves the queue
            held.remove(message);
        }
        changed();
        return true;
    }

    /** Lets every held message go on unchanged, oldest first. */
    public void continueAll() {
        List<HeldMessage> all;
        synchronized (this) {
            all = List.copyOf(held);
            held.clear();
            for (HeldMessage m : all) {
                resumer.accept(m, new Verdict.Continue(null));
            }
        }
        if (!all.isEmpty()) {
            changed();
        }
    }

    /** The connection ended: its held messages leave the queue. */
    public void connectionEnded(long connectionId) {
        boolean removed;
        synchronized (this) {
            removed = held.removeIf(m -> m.connectionId() == connectionId);
        }
        if (removed) {
            changed();
        }
    }

    /** Feed engine events here (from the event consumer) when no capture does it: ended connections leave. */
    public void onEngineEvent(EngineEvent event) {
        if (event instanceof EngineEvent.Closed c) {
            connectionEnded(c.connectionId());
        } else if (event instanceof EngineEvent.Failed f) {
            connectionEnded(f.connectionId());
        }
    }

    // ---- the engine side -----------------------------------------------------------------------

    @Override
    public boolean active() {
        return enabled;
    }

    @Override
    public boolean wants(MessageContext context) {
        Rule r = rule;
        return enabled && (context.isResponse() ? r.responses() : r.requests()) && r.match().test(context);
    }

    @Override
    public void held(HeldMessage message) {
        synchronized (this) {
            held.add(message);
        }
        changed();
    }

    private void changed() {
        for (Runnable r : listeners) {
            try {
                r.run();
            } catch (RuntimeException x) {
                LOG.log(Level.WARNING, "a breakpoint queue listener failed", x);
            }
        }
    }
}
