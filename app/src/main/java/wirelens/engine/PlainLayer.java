package wirelens.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The identity {@link SideLayer}: plain TCP. Each call is the channel's own, so once the JIT has
 * inlined it a plain connection reads and writes exactly as if there were no layer. Not final: the
 * ClientHello sniffer is plain TCP but for its reads.
 */
class PlainLayer implements SideLayer {

    @Override
    public void start(Runnable wake) {
        // nothing ever runs off the selector thread
    }

    @Override
    public int read(SocketChannel channel, ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public int write(SocketChannel channel, ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public void shutdownOutput(SocketChannel channel) throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void advance(SocketChannel channel) {
        // holds nothing and has no handshake
    }

    @Override
    public int interestOps(int wanted) {
        return wanted;
    }

    @Override
    public boolean holdsOutput() {
        return false;
    }

    @Override
    public boolean holdsInput() {
        return false;
    }
}
