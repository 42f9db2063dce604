package wirelens.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import wirelens.tls.TlsLayer;

/**
 * A {@link SideLayer} that speaks TLS with the socket's peer: {@link TlsLayer} does the protocol,
 * this moves its bytes between it and the channel. During the handshake the layer reads the socket on
 * its own ({@link #advance}), whatever the relay wants, since no plaintext flows before it is done;
 * writes from the session wait until then. The engine's delegated tasks (key exchange, certificate
 * checks) run on {@code work}, never on the selector thread, and the connection is woken when they are done.
 */
final class TlsSideLayer implements SideLayer {
    /** Plaintext taken from the session per write: one TLS record's worth, so the socket keeps pace. */
    private static final int WRITE_SLICE = 16 * 1024;

    private final TlsLayer tls;
    private final Executor work;
    /** Network bytes received before the layer took over (a ClientHello read by the sniffer), or null. */
    private ByteBuffer initial;
    /** Told once, on the selector thread, when the handshake is over: null on success, else why it failed. */
    private final Consumer<String> onHandshake;
    /**
     * Where a read from the socket lands before the TLS layer takes it (it keeps what it needs): one per
     * selector thread, since only a loop's own thread reads, and an idle connection then holds none.
     */
    private static final ThreadLocal<ByteBuffer> NET_READ = new ThreadLocal<>();
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
    private ByteBuffer netOut = EMPTY;
    private ByteBuffer plain = EMPTY;
    private Runnable wake;
    private boolean tasksRunning;
    private volatile boolean tasksDone;
    private boolean finPending;
    private boolean handshakeReported;
    private boolean eofSeen;

    TlsSideLayer(TlsLayer tls, Executor work, ByteBuffer initial, Consumer<String> onHandshake) {
        this.tls = tls;
        this.work = work;
        this.initial = initial;
        this.onHandshake = onHandshake;
    }

    TlsLayer tls() {
        return tls;
    }

    @Override
    public void start(Runnable wake) {
        this.wake = wake;
        if (tls.engine().getUseClientMode()) {
            // a client's first flight carries key shares, made on the work pool like the other tasks
            tls.beginAsTask();
        } else {
            tls.begin();
        }
        if (initial != null) {
            tls.receive(initial);
            initial = null;
        }
        // the first flight (a client's hello) or the answer to a replayed one goes out on the next advance
        startTasks();
        wake.run();
    }

    @Override
    public int read(SocketChannel channel, ByteBuffer dst) throws IOException {
        if (!plain.hasRemaining() && tls.hasPlaintext()) {
            plain = tls.plaintext();
        }
        if (!plain.hasRemaining() && !tls.peerClosed() && !eofSeen) {
            receive(channel);
            if (tls.hasPlaintext()) {
                plain = tls.plaintext();
            }
        }
        failIfBroken();
        if (plain.hasRemaining()) {
            int n = Math.min(plain.remaining(), dst.remaining());
            ByteBuffer slice = plain.slice();
            slice.limit(n);
            dst.put(slice);
            plain.position(plain.position() + n);
            if (!plain.hasRemaining()) {
                plain = EMPTY; // let the buffer go: an idle connection holds none
            }
            return n;
        }
        return tls.peerClosed() || eofSeen ? -1 : 0;
    }

    @Override
    public int write(SocketChannel channel, ByteBuffer src) throws IOException {
        failIfBroken();
        if (!tls.handshakeDone() || !flushNet(channel)) {
            return 0;
        }
        int n = Math.min(WRITE_SLICE, src.remaining());
        ByteBuffer slice = src.slice();
        slice.limit(n);
        tls.send(slice);
        src.position(src.position() + n);
        flushNet(channel);
        failIfBroken();
        return n;
    }

    @Override
    public void shutdownOutput(SocketChannel channel) throws IOException {
        tls.closeOutput();
        finPending = true;
        if (flushNet(channel)) {
            finPending = false;
            channel.shutdownOutput();
        }
    }

    @Override
    public void advance(SocketChannel channel) throws IOException {
        if (tasksDone) {
            tasksDone = false;
            tasksRunning = false;
            tls.resume();
        }
        if (!tls.handshakeDone() && tls.failure() == null && !tasksRunning && !eofSeen) {
            // the handshake reads the socket itself: the relay may not want to read now
            receive(channel);
        }
        if (flushNet(channel) && finPending) {
            finPending = false;
            channel.shutdownOutput();
        }
        startTasks();
        reportHandshake();
        failIfBroken();
    }

    @Override
    public int interestOps(int wanted) {
        int ops = netOut.hasRemaining() || tls.hasNetwork() || finPending ? SelectionKey.OP_WRITE : 0;
        if (tasksRunning) {
            return ops;
        }
        if (!tls.handshakeDone()) {
            return ops | (eofSeen ? 0 : SelectionKey.OP_READ);
        }
        return ops | (wanted & (SelectionKey.OP_READ | SelectionKey.OP_WRITE));
    }

    @Override
    public boolean holdsOutput() {
        return netOut.hasRemaining() || tls.hasNetwork() || finPending;
    }

    @Override
    public boolean holdsInput() {
        return plain.hasRemaining() || tls.hasPlaintext() || (tls.peerClosed() && tls.handshakeDone());
    }

    @Override
    public void close() {
        tls.close();
    }

    private void receive(SocketChannel channel) throws IOException {
        ByteBuffer netRead = NET_READ.get();
        if (netRead == null) {
            netRead = ByteBuffer.allocate(tls.engine().getSession().getPacketBufferSize());
            NET_READ.set(netRead);
        }
        netRead.clear();
        int n = channel.read(netRead);
        if (n < 0) {
            eofSeen = true;
            if (!tls.handshakeDone()) {
                throw new IOException("the peer closed the connection during the TLS handshake");
            }
            return;
        }
        if (n > 0) {
            netRead.flip();
            tls.receive(netRead);
            startTasks();
            reportHandshake();
        }
    }

    /** Writes what the TLS layer made; true once nothing is left to write. */
    private boolean flushNet(SocketChannel channel) throws IOException {
        if (!netOut.hasRemaining() && tls.hasNetwork()) {
            netOut = tls.network();
        }
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
            if (!netOut.hasRemaining() && tls.hasNetwork()) {
                netOut = tls.network();
            }
        }
        netOut = EMPTY;
        return true;
    }

    private void startTasks() {
        if (tasksRunning || !tls.needsTasks()) {
            return;
        }
        List<Runnable> tasks = tls.takeTasks();
        tasksRunning = true;
        work.execute(() -> {
            try {
                for (Runnable t : tasks) {
                    t.run();
                }
            } finally {
                tasksDone = true;
                wake.run();
            }
        });
    }

    private void reportHandshake() {
        if (!handshakeReported && (tls.handshakeDone() || tls.failure() != null)) {
            handshakeReported = true;
            onHandshake.accept(tls.failure());
        }
    }

    private void failIfBroken() throws IOException {
        if (tls.failure() != null && !netOut.hasRemaining() && !tls.hasNetwork()) {
            reportHandshake();
            throw new IOException("TLS: " + tls.failure());
        }
    }
}
