package wirelens.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import wirelens.tls.ClientHello;

/**
 * The client side's layer while Wirelens does not yet know whether the client speaks TLS: it reads the
 * client's first bytes and looks for a ClientHello ({@link ClientHello#read}) before the session sees
 * anything. Not TLS (or not a TLS it can read): the bytes go on to the session as read, and the layer
 * is plain TCP from then on. A whole ClientHello: it is kept, the interception is told, and nothing more
 * is read until a TLS layer replaces this one and is given the kept bytes ({@link #takeHello}).
 * Writes, shutdowns and the rest are plain TCP's.
 */
final class HelloSniffer extends PlainLayer {
    /** The client's bytes while they may still be the start of a ClientHello; null before its first read. */
    private ByteBuffer seen;
    private final Consumer<ClientHello.Outcome> decided;
    /** Bytes read while sniffing, handed to the session once they turned out not to be TLS. */
    private ByteBuffer release;
    private boolean plain;
    private boolean helloKept;
    private boolean eof;

    /** {@code decided} is told, once, a {@link ClientHello.Outcome.Hello} or why the bytes are not TLS. */
    HelloSniffer(Consumer<ClientHello.Outcome> decided) {
        this.decided = decided;
    }

    /** The ClientHello's bytes (and whatever followed them), for the TLS layer that takes over. */
    ByteBuffer takeHello() {
        ByteBuffer b = seen.flip();
        seen = ByteBuffer.allocate(0);
        return b;
    }

    /** Gives the kept bytes to the session as they are: the client is relayed without interception. */
    void passThrough() {
        helloKept = false;
        plain = true;
        release = seen == null ? null : seen.flip();
        seen = ByteBuffer.allocate(0);
    }

    @Override
    public int read(SocketChannel channel, ByteBuffer dst) throws IOException {
        if (release != null && release.hasRemaining()) {
            int n = Math.min(release.remaining(), dst.remaining());
            ByteBuffer slice = release.slice();
            slice.limit(n);
            dst.put(slice);
            release.position(release.position() + n);
            return n;
        }
        if (plain) {
            return eof ? -1 : channel.read(dst);
        }
        if (helloKept) {
            return 0;
        }
        if (seen == null) {
            // the first read goes where any read goes: a client that does not speak TLS costs no copy
            int at = dst.position();
            int n = channel.read(dst);
            if (n <= 0) {
                if (n < 0) {
                    plain = true;
                    eof = true;
                    decided.accept(new ClientHello.Outcome.NotTls());
                }
                return n;
            }
            ClientHello.Outcome o = ClientHello.read(dst.duplicate().flip().position(at));
            if (o instanceof ClientHello.Outcome.NotTls) {
                plain = true;
                decided.accept(o);
                return n;
            }
            seen = ByteBuffer.allocate(Math.max(2048, n * 2));
            seen.put(dst.duplicate().flip().position(at));
            dst.position(at);
            return decide(o, channel, dst);
        }
        if (!seen.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(ClientHello.MAX_BYTES + 1, seen.capacity() * 2));
            seen.flip();
            bigger.put(seen);
            seen = bigger;
        }
        int n = channel.read(seen);
        if (n < 0) {
            eof = true;
            passThrough();
            decided.accept(new ClientHello.Outcome.NotTls());
            return read(channel, dst);
        }
        return decide(ClientHello.read(seen.duplicate().flip()), channel, dst);
    }

    /** What the bytes kept so far turned out to be. */
    private int decide(ClientHello.Outcome o, SocketChannel channel, ByteBuffer dst) throws IOException {
        if (o instanceof ClientHello.Outcome.NeedMore && seen.position() <= ClientHello.MAX_BYTES) {
            return 0;
        }
        if (o instanceof ClientHello.Outcome.Hello) {
            helloKept = true;
            decided.accept(o);
            return 0;
        }
        passThrough();
        decided.accept(o);
        return read(channel, dst);
    }

    @Override
    public int interestOps(int wanted) {
        return helloKept ? wanted & ~SelectionKey.OP_READ : wanted;
    }

    @Override
    public boolean holdsInput() {
        return release != null && release.hasRemaining() || (plain && eof);
    }
}
