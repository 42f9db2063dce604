package wirelens.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;
import wirelens.base.Units;
import wirelens.capture.CaptureRing;
import wirelens.engine.EngineOptions;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerTls;
import wirelens.engine.SocksCredentials;
import wirelens.intercept.ChunkPlugin;
import wirelens.intercept.PluginHook;
import wirelens.intercept.Rule;
import wirelens.intercept.RulesFiles;
import wirelens.tls.TlsSettings;

/** Entry point of the jar: the window by default, or {@code --headless}. */
@Command(name = "wirelens", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"A debugging proxy that forwards every connection and shows every chunk that crosses it.",
            "Without --headless it opens the window (on FILE.pcapng, if given)."})
public final class Main implements Callable<Integer> {

    @Option(names = "--headless", description = "Run without a window (servers, CI, tests).")
    boolean headless;

    @Option(names = "--forward", paramLabel = "[BIND:]PORT:HOST:HOSTPORT",
            description = {"Forward a local port to HOST:HOSTPORT, as ssh -L does. BIND defaults to 127.0.0.1;",
                "PORT 0 picks a free port; IPv6 in brackets: [::1]:2626:[::1]:2525. Repeatable."})
    List<String> forwards = new ArrayList<>();

    @Option(names = "--http-proxy", paramLabel = "[BIND:]PORT",
            description = {"Run an HTTP/1.1 proxy (absolute-form requests and CONNECT) on PORT;",
                "point clients at it with curl -x http://127.0.0.1:PORT or http_proxy=... Repeatable."})
    List<String> httpProxies = new ArrayList<>();

    @Option(names = "--socks", paramLabel = "[BIND:]PORT",
            description = {"Run a SOCKS5 proxy (CONNECT to IPv4, IPv6 and names) on PORT; point clients at it",
                "with curl --socks5-hostname 127.0.0.1:PORT, ALL_PROXY=socks5h://... Repeatable."})
    List<String> socksProxies = new ArrayList<>();

    @Option(names = "--socks-auth", paramLabel = "USER:PASS",
            description = {"With --socks: clients must log in with this user name and password (RFC 1929);",
                "without it any client that reaches the port may use the proxy."})
    String socksAuth;

    @Option(names = "--quiet", description = "Print only the 'listening' lines, not one per connection.")
    boolean quiet;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Give up an upstream connect after this long (default: ${DEFAULT-VALUE}).")
    double connectTimeoutSeconds;

    @Option(names = "--response-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "HTTP proxy: answer 504 when an origin sends nothing this long after a request (default: ${DEFAULT-VALUE}).")
    double responseTimeoutSeconds;

    @Option(names = "--request-head-timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = {"HTTP proxy: a request head not complete this long after the client connected (on a",
                "kept-alive connection: after the first byte of its next request) is answered 408 and the",
                "connection closed; a head that trickles in counts from its start. 0 = no limit (default: ${DEFAULT-VALUE})."})
    String requestHeadTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION",
            description = {"Close a connection with no bytes either way for this long, on every listener (the end",
                "says 'idle timeout'); a request head on its way or an origin's answer awaited has its own timeout.",
                "Default: 5m on HTTP proxies; never on forward listeners, where quiet SMTP, database and WebSocket",
                "sessions are normal. 0 = never. DURATION: 300ms, 60s, 5m, 2h, or seconds."})
    String idleTimeout;

    @Option(names = "--busy-poll", paramLabel = "MICROS", defaultValue = "50",
            description = {"In a conversation (a connection whose sides take turns, as SMTP or keep-alive HTTP), poll",
                "this long for the answer before sleeping: cuts the proxy's added round-trip time, costs up to",
                "one core while answers come fast; one engine thread at most polls at a time. 0 turns it off",
                "(default: ${DEFAULT-VALUE})."})
    int busyPollMicros;

    @Option(names = "--engine-threads", paramLabel = "N",
            description = "Selector threads that relay the traffic (default: one per core, at most 4).")
    Integer engineThreads;

    @Option(names = "--replace", paramLabel = "DIRECTION:KIND:/PATTERN/REPLACEMENT/",
            description = "Rewrite matching bytes of every chunk, e.g. 'c2s:regex:/^EHLO \\S+/EHLO wirelens.test/'."
                    + " DIRECTION: c2s, s2c or both; KIND: text, regex or hex; the character after KIND: is the"
                    + " delimiter (a backslash escapes it). Matches within one chunk only. Repeatable; applied in order.")
    List<String> replaceRules = new ArrayList<>();

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Rules file: one --replace rule per line, # comments; applied before --replace rules.")
    List<Path> rulesFiles = new ArrayList<>();

    @Option(names = "--plugin", paramLabel = "JAR",
            description = "Load the wirelens.intercept.ChunkPlugin classes a jar lists (ServiceLoader). Repeatable.")
    List<Path> pluginJars = new ArrayList<>();

    @Option(names = "--capture", paramLabel = "FILE",
            description = {"With --headless: record every connection to FILE (pcapng; opens in Wireshark and in",
                "Wirelens) while traffic flows. FILE is replaced if it exists."})
    Path capture;

    @Option(names = "--capture-max", paramLabel = "SIZE",
            description = {"With --capture FILE: rotate the capture into numbered files of about SIZE each (64K,",
                "256M, 1G; at least 16K), FILE_00001.pcapng, FILE_00002.pcapng, ... as dumpcap -b filesize does.",
                "Each file opens on its own; --read FILE opens those that remain as one capture."})
    String captureMax;

    @Option(names = "--capture-files", paramLabel = "N",
            description = "With --capture-max: keep at most N files (at least 2), deleting the oldest, as dumpcap -b files does.")
    Integer captureFiles;

    @Option(names = "--read", paramLabel = "CAPTURE",
            description = {"Print a saved capture's connections as a table (no window): id, client, target,",
                "bytes each way, duration, how it ended. With --dump, --export-eml or --export-har: see those."})
    Path read;

    @Option(names = "--dump", paramLabel = "N",
            description = "With --read: print connection N as a direction-marked hex and text dump, like socat -x.")
    Long dump;

    @Option(names = "--export-eml", paramLabel = "DIR",
            description = {"With --read: write each SMTP message in the capture to DIR/conn-C-msg-N.eml,",
                "exactly the bytes the server received (after dot-unstuffing)."})
    Path exportEml;

    @Option(names = "--export-har", paramLabel = "OUT.har",
            description = {"With --read: write every HTTP exchange in the capture as HAR 1.2 (bodies decoded,",
                "timings), for browser developer tools and HAR viewers."})
    Path exportHar;

    @Option(names = "--messages", paramLabel = "FILTER", arity = "0..1", fallbackValue = "",
            description = {"With --read: one line per mail transaction, in order: #N FROM -> TO[,TO...] \"SUBJECT\" SIZE",
                "RESULT (the deciding reply's code, or open / aborted). FILTER keeps matching ones: from:alice",
                "to:bob subject:invoice status:5xx, \"text\" or ~regex in those, ! to negate; terms all apply."})
    String messages;

    @Option(names = "--flows", paramLabel = "FILTER", arity = "0..1", fallbackValue = "",
            description = {"With --read: one line per HTTP flow, in order: #N METHOD URL STATUS RESPONSE-BYTES DURATION",
                "(- for a missing status). FILTER keeps matching ones: host:example.com method:POST status:404",
                "status:4xx type:json path:/api, \"text\" or ~regex in heads and decoded bodies, ! to negate."})
    String flows;

    @Option(names = "--curl", paramLabel = "N",
            description = "With --read: print flow N (as --flows numbers it) as a curl command line.")
    Integer curl;

    @Option(names = "--no-tls-intercept",
            description = {"Relay TLS as the opaque bytes it is. By default a client that opens TLS (on a forward",
                "listener, in a CONNECT tunnel, or after STARTTLS) is answered with a certificate from Wirelens' CA",
                "and the decrypted bytes are shown, recorded and editable."})
    boolean noTlsIntercept;

    @Option(names = "--tls-passthrough", paramLabel = "REGEX",
            description = {"Relay TLS to matching hosts untouched (matched against host:port; host is the SNI, else",
                "the CONNECT host, else the target address), e.g. '\\.bank\\.example:443$'. Repeatable."})
    List<String> tlsPassthrough = new ArrayList<>();

    @Option(names = "--upstream-ca", paramLabel = "FILE",
            description = "Also trust the CA certificates in this PEM file when verifying servers. Repeatable.")
    List<Path> upstreamCas = new ArrayList<>();

    @Option(names = "--upstream-insecure",
            description = "Do not verify servers' certificates (every such connection is marked 'not verified').")
    boolean upstreamInsecure;

    @Option(names = "--client-cert", paramLabel = "FILE.pem",
            description = "Show servers that ask for a client certificate (mutual TLS) this certificate and key (one PEM file, mode 600).")
    Path clientCert;

    @Option(names = "--ca-dir", paramLabel = "DIR",
            description = "Where Wirelens' CA lives (created on first need; default: <config dir>/ca).")
    Path caDir;

    @Option(names = "--print-ca",
            description = "Print the CA certificate (PEM) that clients must trust, creating the CA if needed, and exit.")
    boolean printCa;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = {"How much Wirelens says on stderr about itself (engine notices, capture write failures,",
                "listener and plugin errors): error, warn, info, debug or trace (default: ${DEFAULT-VALUE})."})
    String logLevel;

    @Option(names = {"-v", "--verbose"}, description = "Same as --log-level debug.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "A capture file to open in the window.")
    String file;

    /** The command line as given, for the window's capped JVM. */
    private String[] args = new String[0];

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        main.args = args.clone();
        CommandLine cl = new CommandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof IllegalArgumentException) {
                err.println("wirelens: " + ex.getMessage());
                err.println("Try 'wirelens --help' for the options.");
                return 2;
            }
            err.println("wirelens: " + ex);
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        configureLogging(verbose ? "debug" : logLevel);
        TlsSettings tls = new TlsSettings(!noTlsIntercept, caDir != null ? caDir : TlsSettings.defaultCaDirectory(),
                TlsSettings.passthroughPatterns(tlsPassthrough), upstreamCas, upstreamInsecure, clientCert);
        if (printCa) {
            return PrintCa.run(tls, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (exportHar != null) {
            if (dump != null || exportEml != null) {
                throw new IllegalArgumentException("--export-har goes alone with --read CAPTURE");
            }
            return ExportHar.run(read, exportHar, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (exportEml != null) {
            if (dump != null) {
                throw new IllegalArgumentException("--dump and --export-eml do not go together");
            }
            return ExportEml.run(read, exportEml, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (messages != null) {
            if (read == null || dump != null || headless || file != null) {
                throw new IllegalArgumentException("--messages goes alone with --read CAPTURE");
            }
            return ListMessages.run(read, messages, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (flows != null || curl != null) {
            if (read == null || dump != null || headless || file != null || (flows != null && curl != null)) {
                throw new IllegalArgumentException((curl != null ? "--curl" : "--flows") + " goes alone with --read CAPTURE");
            }
            return flows != null ? ListFlows.list(read, flows, spec.commandLine().getOut(), spec.commandLine().getErr())
                    : ListFlows.curl(read, curl, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (dump != null && read == null) {
            throw new IllegalArgumentException("--dump needs --read CAPTURE");
        }
        if (read != null) {
            if (headless || capture != null || !forwards.isEmpty() || !httpProxies.isEmpty()
                    || !socksProxies.isEmpty() || file != null) {
                throw new IllegalArgumentException("--read prints a saved capture; it does not go with --headless,"
                        + " --capture, listeners or a FILE to open");
            }
            return ReadCapture.run(read, dump, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (capture != null && !headless) {
            throw new IllegalArgumentException("--capture is for --headless runs; the window records on its own"
                    + " (File > Save capture as)");
        }
        CaptureRing captureRing = captureRing();
        List<ListenerConfig> listeners = new ArrayList<>();
        for (String spec : forwards) {
            listeners.add(ForwardSpec.parse(spec));
        }
        for (String spec : httpProxies) {
            String[] bind = ForwardSpec.parseBind("--http-proxy", spec);
            listeners.add(ListenerConfig.http(bind[0], Integer.parseInt(bind[1])));
        }
        if (socksAuth != null && socksProxies.isEmpty()) {
            throw new IllegalArgumentException("--socks-auth goes with --socks [BIND:]PORT");
        }
        SocksCredentials credentials;
        try {
            credentials = socksAuth == null ? null : SocksCredentials.parse(socksAuth);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--socks-auth: " + e.getMessage());
        }
        for (String spec : socksProxies) {
            String[] bind = ForwardSpec.parseBind("--socks", spec);
            listeners.add(ListenerConfig.socks(bind[0], Integer.parseInt(bind[1]), credentials));
        }
        // --no-tls-intercept and --tls-passthrough are every command-line listener's own TLS options
        ListenerTls listenerTls = new ListenerTls(tls.intercept(), tls.passthrough());
        listeners.replaceAll(l -> l.withTls(listenerTls));
        if (connectTimeoutSeconds <= 0 || connectTimeoutSeconds > 3600) {
            throw new IllegalArgumentException("--connect-timeout must be between 0 and 3600 seconds");
        }
        if (responseTimeoutSeconds <= 0 || responseTimeoutSeconds > 86400) {
            throw new IllegalArgumentException("--response-timeout must be between 0 and 86400 seconds");
        }
        if (busyPollMicros < 0 || busyPollMicros > 10_000) {
            throw new IllegalArgumentException("--busy-poll must be between 0 and 10000 microseconds");
        }
        EngineOptions engineOptions = EngineOptions.defaults()
                .withConnectTimeoutMillis((int) Math.round(connectTimeoutSeconds * 1000))
                .withResponseTimeoutMillis((int) Math.round(responseTimeoutSeconds * 1000))
                .withBusyPollMicros(busyPollMicros)
                .withRequestHeadTimeoutMillis(duration("--request-head-timeout", requestHeadTimeout));
        if (idleTimeout != null) {
            engineOptions = engineOptions.withIdleTimeoutMillis(duration("--idle-timeout", idleTimeout));
        }
        if (engineThreads != null) {
            if (engineThreads < 1 || engineThreads > 64) {
                throw new IllegalArgumentException("--engine-threads must be between 1 and 64");
            }
            // the engine reads its thread count from this property, in the window as headless
            System.setProperty("wirelens.engineThreads", engineThreads.toString());
        }
        List<Rule> rules = new ArrayList<>();
        for (Path f : rulesFiles) {
            rules.addAll(RulesFiles.readRulesFile(f));
        }
        for (String spec : replaceRules) {
            rules.add(Rule.parse(spec));
        }
        List<ChunkPlugin> plugins = new ArrayList<>();
        for (Path jar : pluginJars) {
            try {
                plugins.addAll(PluginHook.load(jar));
            } catch (PluginHook.PluginException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        IdleMemory.giveBackWhenIdle();
        if (headless) {
            if (listeners.isEmpty()) {
                throw new IllegalArgumentException("--headless needs at least one listener (--forward, --http-proxy or --socks)");
            }
            HeadlessOptions options = new HeadlessOptions(listeners, quiet, engineOptions, rules, plugins, capture, tls,
                    captureRing);
            return Headless.run(options, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (file != null && (!rules.isEmpty() || !plugins.isEmpty())) {
            // looked up here, not held in a static field: a logger made before configureLogging ignores the level
            LoggerFactory.getLogger(Main.class).warn("--replace, --rules and --plugin apply to live traffic;"
                    + " they do nothing to a capture file opened for viewing");
        }
        String noDisplay = missingDisplay();
        if (noDisplay != null) {
            spec.commandLine().getErr().println("wirelens: cannot open the window: " + noDisplay
                    + "; run with --headless, or under xvfb-run");
            return 1;
        }
        OptionalInt capped = WindowHeap.runCapped(args, file);
        if (capped.isPresent()) {
            return capped.getAsInt();
        }
        // JavaFX warns that it was loaded from the class path, which is how a single jar runs it
        java.util.logging.Logger.getLogger("javafx").setLevel(java.util.logging.Level.SEVERE);
        // the window intercepts as headless does; a CA it cannot use is a notification there, not an exit
        wirelens.ui.WirelensApp.launchWindow(listeners, file, rules, plugins, engineOptions, tls);
        return 0;
    }

    /** Milliseconds of a duration option, at most a week; a usage error names the option. */
    private static long duration(String option, String text) {
        long millis;
        try {
            millis = Units.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
        if (millis > 7L * 24 * 3_600_000) {
            throw new IllegalArgumentException(option + " must be at most a week (168h), or 0 for no limit");
        }
        return millis;
    }

    /** The ring that --capture-max and --capture-files ask for, or null for one capture file. */
    private CaptureRing captureRing() {
        if (captureFiles != null && captureMax == null) {
            throw new IllegalArgumentException("--capture-files needs --capture-max SIZE (the size at which a file"
                    + " is closed and the next begins)");
        }
        if (captureMax == null) {
            return null;
        }
        if (capture == null) {
            throw new IllegalArgumentException("--capture-max needs --capture FILE (the name of the ring's files)");
        }
        long size;
        try {
            size = Units.parseSize(captureMax);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--capture-max: " + e.getMessage());
        }
        if (size < CaptureRing.MIN_FILE_BYTES) {
            throw new IllegalArgumentException("--capture-max must be at least 16K (got " + captureMax + ")");
        }
        if (captureFiles != null && captureFiles < 2) {
            throw new IllegalArgumentException("--capture-files must be at least 2 (got " + captureFiles + ")");
        }
        return new CaptureRing(size, captureFiles == null ? 0 : captureFiles);
    }

    /**
     * Sets slf4j-simple's level before the first logger exists (it reads its configuration once). No class
     * that runs before this may hold a static logger.
     */
    static void configureLogging(String level) {
        String l = level.toLowerCase(java.util.Locale.ROOT);
        if (!List.of("error", "warn", "info", "debug", "trace", "off").contains(l)) {
            throw new IllegalArgumentException("--log-level must be one of error, warn, info, debug, trace, off;"
                    + " got '" + level + "'");
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", l);
    }

    /** Why there is no screen to show a window on, or null when there may be one. */
    private static String missingDisplay() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
        boolean monocle = System.getProperty("glass.platform") != null;
        if (linux && !monocle && System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
            return "no display (DISPLAY is not set)";
        }
        return null;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"wirelens " + (v == null ? "0.1.0" : v)};
        }
    }
}
