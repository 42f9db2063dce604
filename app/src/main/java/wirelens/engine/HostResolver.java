package wirelens.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Where a target is, for one selector loop: IP literals parsed once and kept, names looked up on two
 * threads of their own (a lookup blocks, the loop must not), the answer handed back to the loop.
 * Used on the loop's thread only.
 */
final class HostResolver {
    /** Runs a lookup's answer on the loop's thread. */
    private final Executor loop;
    /** IP literals already parsed (a forward listener connects to the same one for every client). */
    private final Map<String, InetAddress> literals = new HashMap<>();
    private ExecutorService lookups;

    HostResolver(Executor loop) {
        this.loop = loop;
    }

    /** Remembers an address parsed elsewhere (a forward listener's target, parsed at bind). */
    void learn(String host, InetAddress address) {
        literals.putIfAbsent(host, address);
    }

    /**
     * {@link Hosts#addressOf}, with IP literals parsed once: parsing one (a regular expression, then
     * the JDK's own parser) for every connection is a good part of a new connection's cost.
     */
    InetSocketAddress addressOf(String host, int port) {
        InetAddress known = literals.get(host);
        if (known != null) {
            return new InetSocketAddress(known, port);
        }
        InetSocketAddress address = Hosts.addressOf(host, port);
        if (!address.isUnresolved()) {
            if (literals.size() >= 256) {
                literals.clear(); // an HTTP proxy may see many literals; keep only recent ones
            }
            literals.put(host, address.getAddress());
        }
        return address;
    }

    /** Looks a name up off the loop; {@code then} gets the address, or null if there is none, on the loop. */
    void resolve(String host, int port, Consumer<InetSocketAddress> then) {
        if (lookups == null) {
            lookups = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "wirelens-resolver");
                t.setDaemon(true);
                return t;
            });
        }
        lookups.execute(() -> {
            InetSocketAddress resolved;
            try {
                resolved = new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException | SecurityException x) {
                resolved = null;
            }
            InetSocketAddress result = resolved;
            loop.execute(() -> then.accept(result));
        });
    }

    void shutdown() {
        if (lookups != null) {
            lookups.shutdownNow();
        }
    }
}
