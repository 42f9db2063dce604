package wirelens.engine;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * Opens the listening socket of one listener. One socket, however many loops the engine runs: the first
 * loop accepts every client and hands a client to another loop only when it holds more connections
 * (see {@link Engine}). No {@code SO_REUSEPORT}: the port is never shared, without a word, with another
 * process that listens on it the same way.
 */
final class ListeningSockets {
    private static final int BACKLOG = 1024;

    private ListeningSockets() {}

    /** Binds a listening socket to {@code address}. */
    static ServerSocketChannel open(InetSocketAddress address) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(familyOf(address));
        try {
            // SO_REUSEADDR: connections left in TIME_WAIT by an earlier listener on the port do not block it
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address, BACKLOG);
            return channel;
        } catch (IOException | RuntimeException x) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // it never accepted anything
            }
            throw x;
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
