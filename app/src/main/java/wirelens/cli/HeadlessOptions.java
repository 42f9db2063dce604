package wirelens.cli;

import java.util.List;
import wirelens.engine.ListenerConfig;

/** What a headless run does, as parsed from the command line. */
record HeadlessOptions(List<ListenerConfig> listeners, boolean quiet, int connectTimeoutMillis) {}
