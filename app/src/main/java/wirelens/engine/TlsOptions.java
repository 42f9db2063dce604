package wirelens.engine;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import wirelens.tls.TlsEngines;

/**
 * How the engine intercepts TLS ({@link Engine#setTls}): the engines of both legs (the CA, the trust in
 * servers). Whether a listener intercepts, and which hosts it passes through, is its own
 * ({@link ListenerTls}). Key exchanges, certificate checks and minting run on {@link #work}, a small pool
 * of daemon threads, never on a selector thread.
 */
public record TlsOptions(TlsEngines engines, ExecutorService work) {

    public TlsOptions {
        Objects.requireNonNull(engines);
        Objects.requireNonNull(work);
    }

    public static TlsOptions of(TlsEngines engines) {
        AtomicInteger n = new AtomicInteger();
        // the pool grows to a thread per core for a burst of handshakes and shrinks when they are over
        int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(cores, cores, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "wirelens-tls-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return new TlsOptions(engines, pool);
    }
}
