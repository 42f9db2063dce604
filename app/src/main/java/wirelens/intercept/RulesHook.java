package wirelens.intercept;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import wirelens.engine.ChunkHook;

/**
 * Applies the enabled match-and-replace rules, in order, to every chunk: each rule sees the output
 * of the one before. A rule matches within one chunk only: a match that straddles two chunks is
 * not replaced (nothing is held back, so rules never add latency or reorder bytes).
 *
 * <p>Thread-safe: the rule list may be replaced from any thread while the engine runs; a chunk
 * sees either the old or the new list, never a mix.
 */
public final class RulesHook implements ChunkHook {
    private volatile List<Rule> rules;
    private volatile List<CompiledRule> compiled;

    public RulesHook(List<Rule> rules) {
        setRules(rules);
    }

    public synchronized void setRules(List<Rule> newRules) {
        List<Rule> copy = List.copyOf(newRules);
        List<CompiledRule> c = new ArrayList<>();
        for (Rule r : copy) {
            if (r.enabled()) {
                c.add(CompiledRule.of(r));
            }
        }
        // rules first so a reader of rules() never sees rules older than what is applied
        this.rules = copy;
        this.compiled = List.copyOf(c);
    }

    /** The rules, in order, including disabled ones. */
    public List<Rule> rules() {
        return rules;
    }

    @Override
    public Verdict onChunk(ChunkContext context, byte[] data) {
        String listener = context.listener() == null ? null : context.listener().name();
        byte[] out = data;
        for (CompiledRule rule : compiled) {
            if (rule.appliesTo(listener, context.direction())) {
                out = rule.apply(out);
            }
        }
        // an unchanged chunk goes on as the same array, so the capture does not mark it edited
        if (out != data && Arrays.equals(out, data)) {
            out = data;
        }
        return Verdict.forward(out);
    }

    /** Applies the rules outside the engine (tests, previews in the window). */
    public byte[] apply(ChunkContext context, byte[] data) {
        return ((Verdict.Forward) onChunk(context, data)).bytes();
    }
}
