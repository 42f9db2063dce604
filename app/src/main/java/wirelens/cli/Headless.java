package wirelens.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import wirelens.engine.ChunkHook;
import wirelens.engine.Engine;
import wirelens.engine.EngineEvent;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.Hosts;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerException;
import wirelens.engine.ListenerKind;
import wirelens.intercept.PluginHook;
import wirelens.intercept.RulesHook;

/** Runs the engine without a window until SIGINT/SIGTERM, printing one line per listener and connection. */
final class Headless {
    private Headless() {}

    static int run(HeadlessOptions options, PrintWriter out, PrintWriter err) throws InterruptedException {
        EventQueue events = new EventQueue(32L * 1024 * 1024);
        EngineOptions engineOptions = EngineOptions.defaults()
                .withRecordChunks(false)
                .withConnectTimeoutMillis(options.connectTimeoutMillis());
        Engine engine = new Engine(events, engineOptions);
        engine.setHooks(hooks(options, err));
        engine.start();
        HeadlessPrinter printer = new HeadlessPrinter(out, err, options.quiet());
        Thread consumer = new Thread(() -> drain(events, printer), "wirelens-events");
        consumer.setDaemon(true);
        consumer.start();

        for (ListenerConfig config : options.listeners()) {
            try {
                Engine.Bound bound = engine.addListener(config).get(10, TimeUnit.SECONDS);
                out.println("listening " + config.kind().label() + " " + Hosts.format(bound.address())
                        + (config.kind() == ListenerKind.FORWARD ? " -> " + config.targetText() : ""));
                if (!Hosts.isLoopbackOnly(bound.address())) {
                    err.println("wirelens: warning: " + Hosts.format(bound.address())
                            + " is reachable from other machines; anyone who can reach it can use this proxy");
                }
            } catch (ExecutionException e) {
                String message = e.getCause() instanceof ListenerException ? e.getCause().getMessage() : e.getCause().toString();
                err.println("wirelens: " + message);
                engine.close();
                return 1;
            } catch (java.util.concurrent.TimeoutException e) {
                err.println("wirelens: the engine did not bind " + config.name() + " within 10 s");
                engine.close();
                return 1;
            }
        }

        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        stop.await();
        engine.close();
        out.flush();
        return 0;
    }

    /** Rules first, then plugins: a plugin sees what the rules made of a chunk. */
    private static List<ChunkHook> hooks(HeadlessOptions options, PrintWriter err) {
        List<ChunkHook> hooks = new ArrayList<>();
        if (!options.rules().isEmpty()) {
            hooks.add(new RulesHook(options.rules()));
        }
        if (!options.plugins().isEmpty()) {
            hooks.add(new PluginHook(options.plugins(), message -> err.println("wirelens: " + message)));
        }
        return hooks;
    }

    private static void drain(EventQueue events, HeadlessPrinter printer) {
        List<EngineEvent> batch = new ArrayList<>();
        while (true) {
            try {
                batch.clear();
                events.drainTo(batch, 4096, 1, TimeUnit.SECONDS);
                for (EngineEvent e : batch) {
                    printer.print(e);
                }
                events.consumed(batch);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
