package wirelens.engine;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Opens the listening sockets of one listener: one per loop, all on the same address and port with
 * {@code SO_REUSEPORT}, so that the kernel spreads new clients over the loops. With one loop, or where
 * the kernel does not spread connections that way (only Linux does), it is one plain socket.
 */
final class ListeningSockets {
    private static final int BACKLOG = 1024;
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");

    private ListeningSockets() {}

    /** Binds {@code count} sockets (or one, see above) to {@code address}; the first one's port is the listener's. */
    static List<ServerSocketChannel> open(InetSocketAddress address, int count) throws IOException {
        ProtocolFamily family = familyOf(address);
        ServerSocketChannel first = ServerSocketChannel.open(family);
        boolean share = count > 1 && LINUX && first.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        List<ServerSocketChannel> channels = new ArrayList<>();
        channels.add(first);
        try {
            if (share && address.getPort() != 0) {
                // SO_REUSEPORT would also share the port, without a word, with another process that
                // listens on it with SO_REUSEPORT (a second Wirelens): first make sure that nobody
                // listens there, with a socket that does not share. (A port-0 bind gets a port nobody holds.)
                probe(address, family);
            }
            bind(first, address, share);
            if (share) {
                InetSocketAddress same = new InetSocketAddress(address.getAddress(),
                        ((InetSocketAddress) first.getLocalAddress()).getPort());
                while (channels.size() < count) {
                    ServerSocketChannel next = ServerSocketChannel.open(family);
                    channels.add(next);
                    bind(next, same, true);
                }
            }
            return channels;
        } catch (IOException | RuntimeException x) {
            for (ServerSocketChannel c : channels) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // it never accepted anything
                }
            }
            throw x;
        }
    }

    private static void bind(ServerSocketChannel channel, InetSocketAddress address, boolean share) throws IOException {
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        if (share) {
            channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
        channel.bind(address, BACKLOG);
    }

    /**
     * Fails with a {@link BindException} if a socket listens on the address. The probe binds without
     * listening, so no client can connect to it in the moment it exists; like the listener it sets
     * SO_REUSEADDR, so connections left over from an earlier listener on that port do not count.
     */
    private static void probe(InetSocketAddress address, ProtocolFamily family) throws IOException {
        try (SocketChannel probe = SocketChannel.open(family)) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(address);
        }
    }

    private static ProtocolFamily familyOf(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    /** Why a bind failed, fit for a user. */
    static String describeBindFailure(Throwable x) {
        return x instanceof BindException && String.valueOf(x.getMessage()).contains("in use")
                ? "the port is already in use"
                : Engine.describe(x);
    }
}
