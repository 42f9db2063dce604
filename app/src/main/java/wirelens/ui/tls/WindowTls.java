package wirelens.ui.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import wirelens.base.AtomicFiles;
import wirelens.engine.TlsOptions;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.TlsEngines;
import wirelens.tls.TlsSettings;

/**
 * TLS in a live window: the command line's {@link TlsSettings}, Wirelens' CA once loaded, and what the
 * engine was told. A CA that cannot be used (a key file others can read, a broken file) leaves the window
 * running without interception and says why ({@link #problem()}); Reload or Regenerate in the TLS menu
 * mend it without a restart. Thread-safe: the menu's actions run off the FX thread.
 */
public final class WindowTls {
    private static final Logger log = LoggerFactory.getLogger(WindowTls.class);

    private final TlsSettings config;
    /** Where new options go: {@code engine::setTls} (null turns interception off). */
    private final Consumer<TlsOptions> engine;
    private CertificateAuthority ca;
    private String problem;
    private boolean intercepting;
    /** Which library speaks TLS while intercepting, or null. */
    private String library;
    /** Server certificates the user chose to trust for this run. */
    private final List<X509Certificate> trustedThisRun = new ArrayList<>();

    private WindowTls(TlsSettings config, Consumer<TlsOptions> engine) {
        this.config = config;
        this.engine = engine;
    }

    /**
     * Loads (or creates) the CA and gives the engine its options, unless interception is off. Never
     * throws: a problem is kept for the window to show.
     */
    public static WindowTls start(TlsSettings config, Consumer<TlsOptions> engine) {
        WindowTls tls = new WindowTls(config, engine);
        if (config.intercept()) {
            tls.reload();
        }
        return tls;
    }

    public TlsSettings config() {
        return config;
    }

    /** The CA if it is loaded, else null (interception off and no TLS menu action yet, or a CA problem). */
    public synchronized CertificateAuthority loadedCa() {
        return ca;
    }

    /** Which library speaks TLS on the intercepted connections, or null while not intercepting. */
    public synchronized String library() {
        return intercepting ? library : null;
    }

    /** Why TLS is not intercepted although it should be, or null. */
    public synchronized String problem() {
        return problem;
    }

    /** True while the engine intercepts TLS with this window's CA. */
    public synchronized boolean intercepting() {
        return intercepting;
    }

    /** The CA, loaded or created now if need be (export and install work with interception off too). */
    public synchronized CertificateAuthority ca() throws IOException {
        if (ca == null) {
            ca = CertificateAuthority.loadOrCreate(config.caDirectory());
        }
        return ca;
    }

    /** Loads the CA again (the user mended its files) and, unless interception is off, intercepts with it. */
    public synchronized void reload() {
        try {
            ca = CertificateAuthority.loadOrCreate(config.caDirectory());
        } catch (IOException | RuntimeException e) {
            ca = null;
            fail(why(e));
            return;
        }
        if (config.intercept()) {
            intercept();
        }
    }

    /**
     * Replaces the CA with a new one; connections accepted from now on get leaves signed by it. Clients
     * that trust the old CA refuse them until the new {@code ca.pem} is installed.
     */
    public synchronized CertificateAuthority regenerate() throws IOException {
        ca = CertificateAuthority.regenerate(config.caDirectory());
        if (config.intercept()) {
            intercept();
        }
        return ca;
    }

    /**
     * Believes {@code server} from now on (a server certificate that failed verification, which the user
     * chose to trust): for this run, and with {@code always} also in {@link TlsSettings#trustedUpstreamFile}
     * for the runs that follow. Blocks on the disk: not for the FX thread.
     */
    public synchronized void trust(X509Certificate server, boolean always) throws IOException {
        if (always) {
            Path file = config.trustedUpstreamFile();
            String before = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.US_ASCII) : "";
            AtomicFiles.write(file, (before + CertificateAuthority.pem(server)).getBytes(StandardCharsets.US_ASCII));
        }
        trustedThisRun.add(server);
        if (config.intercept() && ca != null) {
            intercept();
        }
    }

    private void intercept() {
        try {
            // the previous options' worker threads end on their own once idle; handshakes under way finish
            // with the old CA
            TlsEngines engines = config.engines(ca, trustedThisRun);
            engine.accept(TlsOptions.of(engines));
            library = engines.libraryName();
            intercepting = true;
            problem = null;
        } catch (IOException | RuntimeException e) {
            fail("cannot set up TLS: " + why(e));
        }
    }

    private static String why(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private void fail(String why) {
        problem = "TLS is not intercepted (relayed as it is): " + why;
        intercepting = false;
        engine.accept(null);
        log.warn(problem);
    }
}
