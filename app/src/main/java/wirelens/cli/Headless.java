package wirelens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;
import wirelens.capture.CaptureUpdate;
import wirelens.capture.Recorder;
import wirelens.engine.ChunkHook;
import wirelens.engine.Engine;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.Hosts;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerException;
import wirelens.engine.ListenerKind;
import wirelens.engine.TlsOptions;
import wirelens.engine.WarmUp;
import wirelens.intercept.PluginHook;
import wirelens.intercept.RulesHook;

/**
 * Runs the engine without a window until SIGINT/SIGTERM, printing one line per listener and connection on
 * stdout. What ends the run early (a port in use, an unwritable capture file) is its answer on stderr, as
 * a usage error is; what happens while it runs (engine notices, write failures, plugin failures) is logged.
 */
final class Headless {
    private static final Logger log = LoggerFactory.getLogger(Headless.class);

    /**
     * The most the JIT warm-up before the listeners open may take ({@code -Dwirelens.warmupMillis=0}: none);
     * it ends sooner once the compilers are idle.
     */
    static final long WARM_UP_MILLIS = 4000;
    /**
     * Client connections after which the warm-up's traffic stops: each crosses its engine three times, and
     * 30,000 engine connections get what runs once per connection past the C2 thresholds (several thousand
     * calls, more while C2 has a queue).
     */
    static final int WARM_UP_CONNECTIONS = 10_000;

    private Headless() {}

    static int run(HeadlessOptions options, PrintWriter out, PrintWriter err) throws InterruptedException {
        EventQueue events = new EventQueue(32L * 1024 * 1024);
        // the recorder is the one consumer of the events; without --capture it keeps only the index
        Recorder recorder;
        if (options.capture() != null) {
            try {
                recorder = options.captureRing() == null ? Recorder.toFile(events, options.capture())
                        : Recorder.toRing(events, options.capture(), options.captureRing());
                // nothing headless reads a finished connection back: the file has it, the heap need not
                recorder.forgetEndedConnections();
            } catch (IOException e) {
                err.println("wirelens: cannot write the capture file " + options.capture() + ": "
                        + (e.getMessage() == null ? e.toString() : e.getMessage()));
                return 1;
            }
        } else {
            recorder = Recorder.withoutFile(events);
        }
        TlsOptions tls;
        try {
            tls = options.tls() == null || !options.tls().intercept() ? null
                    : TlsOptions.of(options.tls().engines(options.tls().ca()));
        } catch (IOException e) {
            err.println("wirelens: " + e.getMessage());
            return 1;
        }
        EngineOptions engineOptions = options.engine().withRecordChunks(options.capture() != null);
        // started before the warm-up, with no listener yet: each selector's first blocking select
        // takes a path no later one takes, and if that first time came after the warm-up it would throw
        // away the compiled selector loop just as the first clients arrive
        Engine engine = new Engine(events, engineOptions);
        engine.setHooks(hooks(options));
        engine.setTls(tls);
        engine.start();
        HeadlessPrinter printer = new HeadlessPrinter(out, log, options.quiet());
        recorder.subscribe(printing(printer));
        recorder.start();
        // before the warm-up and the listeners: a SIGTERM that came before the handler would end the
        // JVM with status 143, even right after the "listening" line a script waits for
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        try {
            // before any listener opens: a fresh JVM would otherwise serve its first few thousand
            // connections with interpreted code while its JIT compilers compete for the CPU
            // HTTPS through the warm-up's own proxy only where real HTTPS through a proxy will be decrypted
            boolean proxying = options.listeners().stream()
                    .anyMatch(l -> l.kind() == ListenerKind.HTTP && l.tls().intercept());
            WarmUp.Result warmUp = warmUp(engineOptions, tls, proxying, options.capture() != null);
            String report = "warm-up: " + warmUp.connections() + " connections, " + warmUp.httpsRequests()
                    + " HTTPS requests in " + warmUp.millis() + " ms, "
                    + (warmUp.jitSettled() ? "JIT idle" : "JIT still compiling")
                    + (warmUp.stoppedBecause() == null ? "" : " (stopped: " + warmUp.stoppedBecause() + ")")
                    + (warmUp.httpsStoppedBecause() == null ? "" : " (HTTPS: " + warmUp.httpsStoppedBecause() + ")");
            if (Boolean.getBoolean("wirelens.warmupReport")) {
                log.info(report);
            } else {
                log.debug(report);
            }
            return stop.getCount() == 0 ? 0 : serve(options, engine, out, err, stop);
        } finally {
            engine.close();
            closeRecorder(recorder, options, out);
        }
    }

    /** One call site, so that the warm-up's subscriber and the real one are of one class. */
    private static Consumer<List<CaptureUpdate>> printing(HeadlessPrinter printer) {
        return printer::print;
    }

    /**
     * Warms up through a throwaway engine whose events go to a throwaway recorder of the same kind as
     * the real one (a temporary file when capturing), so that the recorder's code is compiled too.
     */
    private static WarmUp.Result warmUp(EngineOptions engineOptions, TlsOptions tls, boolean proxying,
            boolean capturing) {
        long budget = Long.getLong("wirelens.warmupMillis", WARM_UP_MILLIS);
        if (budget <= 0) {
            return WarmUp.run(engineOptions, 0, 0);
        }
        EventQueue events = new EventQueue(32L * 1024 * 1024);
        Recorder recorder = null;
        try {
            recorder = capturing ? Recorder.toTemporaryFile(events) : Recorder.withoutFile(events);
        } catch (IOException e) {
            recorder = Recorder.withoutFile(events); // no temporary file: warm up the rest all the same
        }
        // the real recorder calls a printer: the warm-up's calls one of the same class (one that prints
        // and logs nothing), or the first real batch takes a branch, and a call, the compiled drain has not seen
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        recorder.subscribe(printing(new HeadlessPrinter(nowhere, NOPLogger.NOP_LOGGER, true)));
        recorder.start();
        try {
            return WarmUp.run(engineOptions, tls, proxying, events, budget, WARM_UP_CONNECTIONS);
        } finally {
            try {
                recorder.close();
            } catch (IOException ignored) {
                // only the throwaway temporary file could not be deleted
            }
            // the warm-up's garbage grew the heap and its engine's pooled direct buffers wait for a
            // collection to be freed; a full collection now gives that memory back to the system
            // (measured: resident memory 149 MiB before, 81 MiB after; 57 MiB without a warm-up)
            System.gc();
        }
    }

    private static void closeRecorder(Recorder recorder, HeadlessOptions options, PrintWriter out) {
        try {
            recorder.close();
        } catch (IOException e) {
            log.error("closing the capture file failed: {}", e.getMessage());
        }
        if (options.capture() != null && !options.quiet()) {
            int files = recorder.files().size();
            String where = options.captureRing() == null ? "" : " (ring: " + files + (files == 1 ? " file, " : " files, ")
                    + recorder.files().get(0).getFileName() + (files == 1 ? "" : " to "
                    + recorder.files().get(files - 1).getFileName()) + ")";
            out.println("capture " + options.capture() + where + ": " + recorder.index().addedCount()
                    + " connection(s), " + recorder.totalBytes() + " bytes" + recorder.writeFailure()
                            .map(f -> " (incomplete: writing failed)").orElse(""));
        }
        out.flush();
    }

    private static int serve(HeadlessOptions options, Engine engine, PrintWriter out, PrintWriter err,
            CountDownLatch stop) throws InterruptedException {

        for (ListenerConfig config : options.listeners()) {
            try {
                Engine.Bound bound = engine.addListener(config).get(10, TimeUnit.SECONDS);
                out.println("listening " + config.kind().label() + " " + Hosts.format(bound.address())
                        + (config.kind() == ListenerKind.FORWARD ? " -> " + config.targetText() : ""));
                if (!Hosts.isLoopbackOnly(bound.address()) && config.kind() == ListenerKind.SOCKS5
                        && config.socksAuth() == null) {
                    log.warn("{} is an open SOCKS5 proxy reachable from other machines: it relays anything, to"
                            + " anywhere, for anyone who can reach it; give it a login with --socks-auth USER:PASS"
                            + " or bind it to 127.0.0.1", Hosts.format(bound.address()));
                } else if (!Hosts.isLoopbackOnly(bound.address())) {
                    log.warn("{} is reachable from other machines; anyone who can reach it can use this proxy",
                            Hosts.format(bound.address()));
                }
            } catch (ExecutionException e) {
                String message = e.getCause() instanceof ListenerException ? e.getCause().getMessage() : e.getCause().toString();
                err.println("wirelens: " + message);
                return 1;
            } catch (java.util.concurrent.TimeoutException e) {
                err.println("wirelens: the engine did not bind " + config.name() + " within 10 s");
                return 1;
            }
        }

        stop.await();
        return 0;
    }

    /** Rules first, then plugins: a plugin sees what the rules made of a chunk. */
    private static List<ChunkHook> hooks(HeadlessOptions options) {
        List<ChunkHook> hooks = new ArrayList<>();
        if (!options.rules().isEmpty()) {
            hooks.add(new RulesHook(options.rules()));
        }
        if (!options.plugins().isEmpty()) {
            hooks.add(new PluginHook(options.plugins(), log::warn));
        }
        return hooks;
    }
}
