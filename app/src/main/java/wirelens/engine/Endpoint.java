package wirelens.engine;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One socket of a {@link Connection}: its channel and selection key, the {@link SideLayer} every byte
 * to and from it passes, and the bytes the session sent that the layer has not taken yet. The
 * connection decides when to connect, read, write and close; this carries it out. Only the selector
 * thread touches it.
 */
final class Endpoint {
    final Connection connection;
    final Side side;
    private final SelectorLoop loop;
    SocketChannel channel;
    SelectionKey key;
    /** Where a target is connected to, for the connect timeout's message. */
    String host;
    int port;
    boolean connecting;
    boolean eof;
    boolean shutdownRequested;
    boolean outputShut;
    boolean closed;
    /** A read of input the layer already holds is queued on the loop. */
    boolean readQueued;
    private SideLayer layer = SideLayer.PLAIN;
    /** A layer that takes over once the first {@link #beforeNextLayer} bytes of {@link #pending} are sent. */
    private SideLayer nextLayer;
    private int beforeNextLayer;
    /** Bytes the session sent that the layer has not taken yet. */
    private ByteBuffer pending;

    Endpoint(Connection connection, Side side, SelectorLoop loop) {
        this.connection = connection;
        this.side = side;
        this.loop = loop;
    }

    /**
     * Connects this target side to {@code host:port}, resolving a name off the loop first; its connection
     * hears how it went ({@link Connection#connected}, {@link Connection#connectFailed}). A connect not done
     * at once is finished when the selector says so ({@link #finishConnect}), within the connect timeout.
     */
    void connect(String host, int port) {
        connecting = true;
        this.host = host;
        this.port = port;
        InetSocketAddress address = loop.addressOf(host, port);
        if (!address.isUnresolved()) {
            beginConnect(address);
            return;
        }
        loop.resolve(host, port, resolved -> {
            if (!connection.connects(this)) {
                return;
            }
            if (resolved == null) {
                connectFailed("unknown host " + host, false);
            } else {
                beginConnect(resolved);
            }
            connection.updateInterest();
        });
    }

    private void beginConnect(InetSocketAddress address) {
        try {
            if (open(address)) {
                connected();
                return;
            }
        } catch (IOException | RuntimeException x) {
            connectFailed(Engine.describe(x), false);
            return;
        }
        loop.timers().watchConnect(this);
    }

    /**
     * Opens this side's socket to {@code address} and starts connecting; true when connected at once (on
     * loopback the handshake has usually completed by the time connect returns: asking at once saves a
     * trip through the selector for every connection), else the selector says when.
     */
    private boolean open(InetSocketAddress address) throws IOException {
        // an IPv4 target gets an IPv4 socket: the JDK's default dual-stack socket costs an extra system
        // call per connection and maps every address
        channel = SocketChannel.open(address.getAddress() instanceof Inet4Address
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        key = loop.register(channel, SelectionKey.OP_CONNECT, this);
        return channel.connect(address) || channel.finishConnect();
    }

    /** The selector says the connect is done, or failed. */
    void finishConnect() {
        try {
            if (channel.finishConnect()) {
                connected();
            }
        } catch (IOException x) {
            connectFailed(Engine.describe(x), false);
        }
    }

    private void connected() {
        connecting = false;
        loop.timers().forgetConnect(this);
        InetSocketAddress remote = null;
        InetSocketAddress local = null;
        try {
            remote = (InetSocketAddress) channel.getRemoteAddress();
            local = (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException ignored) {
            // the addresses are only informative; a broken socket shows up on the first read or write
        }
        connection.connected(this, remote, local);
    }

    /** The connect failed (or timed out): the socket is closed and the connection told why. */
    void connectFailed(String reason, boolean timedOut) {
        loop.timers().forgetConnect(this);
        close(false);
        connection.connectFailed(this, reason, timedOut);
    }

    /** Reads through the layer: bytes put into {@code dst}, 0 for none yet, -1 once the peer has ended. */
    int read(ByteBuffer dst) throws IOException {
        return layer.read(channel, dst);
    }

    /** Lets the layer do its own work (see {@link SideLayer#advance}). */
    void advance() throws IOException {
        layer.advance(channel);
    }

    /** True while bytes for this side wait to be sent, queued here or held by the layer. */
    boolean unsent() {
        return pending != null || layer.holdsOutput();
    }

    /** True while bytes the session sent are queued here. */
    boolean hasQueued() {
        return pending != null;
    }

    /** Bytes queued here, for tests and the slow-reader benchmark. */
    int queuedBytes() {
        return pending == null ? 0 : pending.remaining();
    }

    /** True while the side waits for its next layer to take over; it is not read meanwhile. */
    boolean switchingLayers() {
        return nextLayer != null;
    }

    /** True while the layer holds input that a read would return without the socket becoming readable. */
    boolean holdsInput() {
        return layer.holdsInput();
    }

    /** True while {@code l} is the layer in place (a wake-up from a layer that has been replaced is stale). */
    boolean hasLayer(SideLayer l) {
        return layer == l;
    }

    /** The ops to select for, given whether the connection would read this side now. */
    int interestOps(boolean readable) {
        return layer.interestOps((unsent() ? SelectionKey.OP_WRITE : 0) | (readable ? SelectionKey.OP_READ : 0));
    }

    /** Sends as much as the socket takes now and queues the rest; {@code data} is consumed either way. */
    void send(ByteBuffer data) throws IOException {
        if (pending == null && !connecting && nextLayer == null) {
            try {
                while (data.hasRemaining() && layer.write(channel, data) > 0) {
                    // keep writing while the socket takes bytes
                }
            } catch (IOException x) {
                data.position(data.limit());
                throw x;
            }
            if (!data.hasRemaining()) {
                return;
            }
        }
        pending = append(pending, data);
    }

    private ByteBuffer append(ByteBuffer queued, ByteBuffer data) {
        if (queued == null) {
            ByteBuffer fresh = loop.takeBuffer(data.remaining());
            fresh.put(data).flip();
            return fresh;
        }
        if (queued.capacity() - queued.remaining() >= data.remaining()) {
            queued.compact().put(data).flip();
            return queued;
        }
        ByteBuffer joined = ByteBuffer.allocate(queued.remaining() + data.remaining());
        joined.put(queued).put(data).flip();
        loop.giveBack(queued);
        return joined;
    }

    /** Sends what is queued, switching layers when due; true once nothing is queued here. */
    boolean flush() throws IOException {
        if (nextLayer != null && !sendBeforeNextLayer()) {
            return false;
        }
        if (pending != null) {
            while (pending.hasRemaining() && layer.write(channel, pending) > 0) {
                // keep writing while the socket takes bytes
            }
            if (pending.hasRemaining()) {
                return false;
            }
            loop.giveBack(pending);
            pending = null;
        }
        return true;
    }

    /** Ends the sending towards the peer (through the layer, which may send bytes of its own first). */
    void shutdownOutput() throws IOException {
        layer.shutdownOutput(channel);
        outputShut = true;
    }

    /**
     * Puts {@code next} in place of the layer, at once if nothing for this side waits to be sent, else
     * once it has been (see {@link SessionOutput#installLayer}).
     */
    void install(SideLayer next) {
        if (unsent()) {
            nextLayer = next;
            beforeNextLayer = pending == null ? 0 : pending.remaining();
        } else {
            start(next);
        }
    }

    private void start(SideLayer next) {
        if (layer != next) {
            layer.close();
        }
        layer = next;
        nextLayer = null;
        beforeNextLayer = 0;
        next.start(() -> loop.execute(() -> connection.woken(this, next)));
    }

    /**
     * Sends the bytes queued before the next layer was installed, through the layer they were queued
     * for, then lets the next layer take over; false while some of them are left.
     */
    private boolean sendBeforeNextLayer() throws IOException {
        if (beforeNextLayer > 0) {
            int end = pending.limit();
            pending.limit(pending.position() + beforeNextLayer);
            try {
                while (pending.hasRemaining() && layer.write(channel, pending) > 0) {
                    // keep writing while the socket takes bytes
                }
            } finally {
                beforeNextLayer = pending.remaining();
                pending.limit(end);
            }
            if (beforeNextLayer > 0) {
                return false;
            }
            if (!pending.hasRemaining()) {
                loop.giveBack(pending);
                pending = null;
            }
        }
        if (layer.holdsOutput()) {
            return false;
        }
        start(nextLayer);
        return true;
    }

    /**
     * Closes the socket, with a reset (RST, not FIN) if asked, and gives back what is queued. A
     * registered channel is closed after the loop's next select (see {@link SelectorLoop#closeAfterSelect}).
     */
    void close(boolean withReset) {
        if (closed) {
            return;
        }
        closed = true;
        layer.close();
        if (nextLayer != null) {
            nextLayer.close();
            nextLayer = null;
        }
        if (connecting) {
            loop.timers().forgetConnect(this);
        }
        loop.timers().forgetResponse(this);
        if (pending != null) {
            loop.giveBack(pending);
            pending = null;
        }
        if (key != null) {
            key.cancel();
        }
        if (channel != null) {
            try {
                if (withReset && channel.isConnected()) {
                    channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
            } catch (IOException | RuntimeException ignored) {
                // a reset is best effort; the close below still happens
            }
            if (key != null) {
                loop.closeAfterSelect(channel);
            } else {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing is left to tell the peer; the channel is released either way
                }
            }
        }
    }
}
