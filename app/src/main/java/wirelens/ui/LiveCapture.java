package wirelens.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.capture.CaptureUpdate;
import wirelens.capture.Recorder;
import wirelens.engine.ChunkHook;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.flows.FlowFeed;
import wirelens.intercept.BreakpointQueue;
import wirelens.intercept.ChunkPlugin;
import wirelens.intercept.DirectionFilter;
import wirelens.intercept.HoldQueue;
import wirelens.intercept.InterceptFilter;
import wirelens.intercept.InterceptHook;
import wirelens.intercept.PluginHook;
import wirelens.intercept.Resender;
import wirelens.intercept.Rule;
import wirelens.intercept.RulesHook;
import wirelens.mail.MailFeed;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.TlsSettings;
import wirelens.ui.tls.WindowTls;

/**
 * A live session: the engine, the recorder that consumes its events (to a file the user chose, or a
 * temporary ring sized by {@link CaptureSettings}, deleted on close), the feed the window drains once per pulse, and the TLS the engine
 * intercepts with; the chunks and messages the user holds, and the resend of edited requests.
 */
final class LiveCapture implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveCapture.class);

    private static final long EVENT_BUDGET_BYTES = 32L << 20;

    final Engine engine;
    final Recorder recorder;
    /** The chunks the user holds (intercept), and the rules applied before the hold. */
    final HoldQueue hold;
    /** The HTTP messages held at breakpoints (the engine's message hook while they are on). */
    final BreakpointQueue breakpoints;
    /** Sends edited requests through a listener of this engine's own (edit and resend). */
    final Resender resender;
    final RulesHook rules = new RulesHook(List.of());
    /** Rules from {@code --replace}/{@code --rules}: shown in the rules pane, never saved. */
    final List<Rule> commandLineRules;
    /** The CA and the engine's TLS options; a CA problem is kept there for the window to show. */
    final WindowTls tls;
    private final InterceptHook interceptHook;
    private PluginHook pluginHook; // null without plugins
    private String activeHooks; // which hooks the engine has now, guarded by this

    /** Where plugin failures are told (rate-limited by the hook); the window points it at its notifications. */
    volatile java.util.function.Consumer<String> pluginWarnings = log::warn;
    final CaptureFeed feed = new CaptureFeed();
    /** The Messages list's rows, decoded on the writer thread from SMTP connections. */
    final MailFeed mail = new MailFeed();
    /** The Flows list's rows, decoded on the writer thread from HTTP connections. */
    final FlowFeed flows = new FlowFeed();
    /** Why the capture has no file (e.g. the temp dir is not writable), or null. */
    final String problem;

    private LiveCapture(Engine engine, Recorder recorder, String problem, List<Rule> commandLineRules, WindowTls tls) {
        this.engine = engine;
        this.tls = tls;
        this.recorder = recorder;
        this.problem = problem;
        this.hold = new HoldQueue(engine);
        // requests, as Charles' and mitmproxy's breakpoints: holding both ways makes every exchange two Forwards
        hold.setFilter(InterceptFilter.of(DirectionFilter.C2S));
        this.interceptHook = new InterceptHook(hold);
        this.breakpoints = new BreakpointQueue(engine::resumeMessage);
        this.resender = new Resender(engine, () -> {
            CertificateAuthority ca = tls.loadedCa();
            return tls.intercepting() && ca != null ? ca.certificate() : null;
        });
        this.commandLineRules = List.copyOf(commandLineRules);
    }

    /** Starts the engine and recorder; {@code recordTo} null means a temporary ring. */
    static LiveCapture start(Path recordTo) {
        return start(recordTo, List.of(), List.of());
    }

    /**
     * As {@link #start(Path)}, with the hook chain rules, then {@code plugins}, then the intercept hold;
     * {@code commandLineRules} are for the rules pane to show and apply.
     */
    static LiveCapture start(Path recordTo, List<Rule> commandLineRules, List<ChunkPlugin> plugins) {
        return start(recordTo, commandLineRules, plugins, EngineOptions.defaults());
    }

    /** As {@link #start(Path, List, List)}, with the engine's timeouts and polling from the command line. */
    static LiveCapture start(Path recordTo, List<Rule> commandLineRules, List<ChunkPlugin> plugins,
            EngineOptions engineOptions) {
        return start(recordTo, commandLineRules, plugins, engineOptions, TlsSettings.off());
    }

    /**
     * As {@link #start(Path, List, List, EngineOptions)}, intercepting TLS as {@code tlsConfig} says
     * (before the engine starts, so no connection slips through unintercepted).
     */
    static LiveCapture start(Path recordTo, List<Rule> commandLineRules, List<ChunkPlugin> plugins,
            EngineOptions engineOptions, TlsSettings tlsConfig) {
        EventQueue events = new EventQueue(EVENT_BUDGET_BYTES);
        Recorder recorder;
        String problem = null;
        try {
            if (recordTo == null) {
                // a ring, so that a window left open all day does not fill the disk
                CaptureSettings settings = CaptureSettings.inUserConfigDir();
                problem = settings.problem();
                recorder = Recorder.toTemporaryRing(events, settings.ring());
            } else {
                recorder = Recorder.toFile(events, recordTo);
            }
        } catch (IOException e) {
            problem = "cannot create the capture file" + (recordTo == null ? "" : " " + recordTo) + ": "
                    + e.getMessage() + "; traffic is shown in the table but bytes cannot be viewed or saved";
            recorder = Recorder.withoutFile(events);
        }
        Engine engine = new Engine(events, engineOptions.withRecordChunks(true));
        WindowTls tls = WindowTls.start(tlsConfig, engine::setTls);
        LiveCapture live = new LiveCapture(engine, recorder, problem, commandLineRules, tls);
        if (!plugins.isEmpty()) {
            live.pluginHook = new PluginHook(plugins, warning -> live.pluginWarnings.accept(warning));
        }
        live.hold.addListener(live::updateHooks);
        live.breakpoints.addListener(() -> engine.setMessageHook(live.breakpoints.isEnabled() ? live.breakpoints : null));
        live.setRules(commandLineRules);
        recorder.subscribe(live.feed);
        recorder.subscribe(live.mail);
        recorder.subscribe(live.flows);
        // held chunks of a connection that ended leave the intercept queue
        recorder.subscribe(updates -> {
            for (CaptureUpdate u : updates) {
                if (u instanceof CaptureUpdate.ConnectionEnded e) {
                    live.hold.connectionEnded(e.connection().id());
                    live.breakpoints.connectionEnded(e.connection().id());
                }
            }
        });
        recorder.start();
        engine.start();
        return live;
    }

    /** Applies these rules to chunks read from now on. */
    void setRules(List<Rule> newRules) {
        rules.setRules(newRules);
        updateHooks();
    }

    /**
     * Gives the engine only the hooks that can do something: rules while one is enabled, plugins if
     * any, the hold while intercept is on. With none, the engine forwards straight from its read
     * buffer, which keeps the window as fast as headless. Chunks already held are released without
     * the hook, so turning intercept off never strands them.
     */
    synchronized void updateHooks() {
        boolean rulesOn = rules.rules().stream().anyMatch(Rule::enabled);
        boolean interceptOn = hold.isEnabled();
        String wanted = (rulesOn ? "r" : "") + (pluginHook != null ? "p" : "") + (interceptOn ? "i" : "");
        if (wanted.equals(activeHooks)) {
            return;
        }
        activeHooks = wanted;
        List<ChunkHook> chain = new java.util.ArrayList<>();
        if (rulesOn) {
            chain.add(rules);
        }
        if (pluginHook != null) {
            chain.add(pluginHook);
        }
        if (interceptOn) {
            chain.add(interceptHook);
        }
        engine.setHooks(chain);
    }

    CaptureIndex index() {
        return recorder.index();
    }

    CaptureFile file() {
        return recorder.file().orElse(null);
    }

    /** Stops listeners and connections, writes what is left, deletes a temporary capture ring. */
    @Override
    public void close() throws IOException {
        engine.close();
        recorder.close();
    }
}
