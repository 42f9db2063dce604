package wirelens.capture;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Random;
import wirelens.engine.Direction;
import wirelens.engine.EngineEvent;
import wirelens.engine.EpochClock;
import wirelens.engine.EventQueue;
import wirelens.engine.ListenerConfig;

/**
 * The process {@link KillTest} kills: records synthetic traffic to a capture as fast as it can,
 * printing "flushed BYTES CHUNKS" after each written batch, until it is killed.
 */
public final class KillChild {
    private KillChild() {}

    /** The bytes of chunk {@code index} of connection {@code id}: its size and content follow from both. */
    static byte[] content(long id, int index) {
        Random r = new Random(id * 1_000_003L + index);
        byte[] b = new byte[1 + r.nextInt(150_000)];
        r.nextBytes(b);
        return b;
    }

    static boolean edited(int index) {
        return index % 7 == 3;
    }

    static byte[] reversed(byte[] b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[b.length - 1 - i];
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        EventQueue queue = new EventQueue(16L << 20);
        Recorder recorder = Recorder.toFile(queue, Path.of(args[0]));
        recorder.subscribe(batch -> {
            long chunks = 0;
            for (ConnectionInfo c : recorder.index().connections()) {
                chunks += c.chunkCount();
            }
            System.out.println("flushed " + recorder.flushedBytes() + " " + chunks);
            System.out.flush();
        });
        recorder.start();
        ListenerConfig listener = ListenerConfig.forward("127.0.0.1", 2626, "127.0.0.1", 2525);
        for (long id = 1; ; id++) {
            InetSocketAddress client = new InetSocketAddress("127.0.0.1", 20_000 + (int) (id % 40_000));
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", 2525);
            queue.publish(new EngineEvent.Opened(id, 1, listener, client, target, EpochClock.nowNanos()));
            queue.publish(new EngineEvent.TargetConnected(id, target, EpochClock.nowNanos()));
            for (int i = 0; i < 20; i++) {
                byte[] original = content(id, i);
                byte[] forwarded = edited(i) ? reversed(original) : original;
                Direction d = i % 2 == 0 ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
                queue.publish(new EngineEvent.Chunk(id, d, EpochClock.nowNanos(), original, forwarded));
                while (queue.overBudget()) {
                    Thread.sleep(1);
                }
            }
            queue.publish(new EngineEvent.Closed(id, EpochClock.nowNanos(), 0, 0, false));
        }
    }
}
