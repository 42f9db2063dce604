package wirelens.cli;

import java.util.List;
import wirelens.engine.ListenerConfig;
import wirelens.intercept.ChunkPlugin;
import wirelens.intercept.Rule;

/** What a headless run does, as parsed from the command line. */
record HeadlessOptions(List<ListenerConfig> listeners, boolean quiet, int connectTimeoutMillis, List<Rule> rules,
        List<ChunkPlugin> plugins) {

    HeadlessOptions(List<ListenerConfig> listeners, boolean quiet, int connectTimeoutMillis) {
        this(listeners, quiet, connectTimeoutMillis, List.of(), List.of());
    }
}
