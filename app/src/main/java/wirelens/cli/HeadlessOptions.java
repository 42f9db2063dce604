package wirelens.cli;

import java.nio.file.Path;
import java.util.List;
import wirelens.engine.ListenerConfig;
import wirelens.intercept.ChunkPlugin;
import wirelens.intercept.Rule;

/** What a headless run does, as parsed from the command line. */
record HeadlessOptions(List<ListenerConfig> listeners, boolean quiet, int connectTimeoutMillis, List<Rule> rules,
        List<ChunkPlugin> plugins, Path capture, int responseTimeoutMillis) {

    HeadlessOptions(List<ListenerConfig> listeners, boolean quiet, int connectTimeoutMillis, List<Rule> rules,
            List<ChunkPlugin> plugins, Path capture) {
        this(listeners, quiet, connectTimeoutMillis, rules, plugins, capture, 60_000);
    }

    HeadlessOptions(List<ListenerConfig> listeners, boolean quiet, int connectTimeoutMillis) {
        this(listeners, quiet, connectTimeoutMillis, List.of(), List.of(), null);
    }

    HeadlessOptions(List<ListenerConfig> listeners, boolean quiet, int connectTimeoutMillis, List<Rule> rules,
            List<ChunkPlugin> plugins) {
        this(listeners, quiet, connectTimeoutMillis, rules, plugins, null);
    }
}
