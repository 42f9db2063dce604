package wirelens.engine;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import wirelens.tls.TlsEngines;

/**
 * How the engine intercepts TLS ({@link Engine#setTls}): the engines of both legs, and the hosts to pass
 * through untouched, as regular expressions matched against {@code host:port} (host = the client's SNI,
 * else the CONNECT host, else the target's address). Key exchanges, certificate checks and minting run
 * on {@link #work}, a small pool of daemon threads, never on a selector thread.
 */
public record TlsOptions(TlsEngines engines, List<Pattern> passthrough, ExecutorService work) {

    public TlsOptions {
        Objects.requireNonNull(engines);
        passthrough = List.copyOf(passthrough);
        Objects.requireNonNull(work);
    }

    public static TlsOptions of(TlsEngines engines, List<Pattern> passthrough) {
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
        return new TlsOptions(engines, passthrough, pool);
    }

    /** True when {@code host:port} is to be relayed without interception. */
    boolean passesThrough(String host, int port) {
        String hostPort = Hosts.format(host, port);
        for (Pattern p : passthrough) {
            if (p.matcher(hostPort).find()) {
                return true;
            }
        }
        return false;
    }
}
