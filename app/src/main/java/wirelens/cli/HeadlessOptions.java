package wirelens.cli;

import java.nio.file.Path;
import java.util.List;
import wirelens.capture.CaptureRing;
import wirelens.engine.EngineOptions;
import wirelens.engine.ListenerConfig;
import wirelens.intercept.ChunkPlugin;
import wirelens.intercept.Rule;

/**
 * What a headless run does, as parsed from the command line; {@code engine} as the window gets it too.
 * {@code tls}: how TLS is intercepted (null: not at all). {@code captureRing}: {@code capture} is a ring's
 * name (null: one file).
 */
record HeadlessOptions(List<ListenerConfig> listeners, boolean quiet, EngineOptions engine, List<Rule> rules,
        List<ChunkPlugin> plugins, Path capture, wirelens.tls.TlsSettings tls, CaptureRing captureRing) {
}
