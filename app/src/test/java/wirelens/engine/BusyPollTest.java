package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Loopback;
import wirelens.testkit.LoopbackServer;

/**
 * The engine polls for an answer only in conversations (connections whose sides keep taking turns),
 * with or without hooks, stops polling where answers are slow, and relays every byte of a polled
 * conversation exactly.
 */
class BusyPollTest {

    /** Echoes each 64-byte message, after {@code delayMillis}. */
    private static LoopbackServer.Handler echoMessages(long delayMillis) {
        return s -> {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] message = new byte[64];
            while (true) {
                try {
                    in.readFully(message);
                } catch (java.io.EOFException end) {
                    return;
                }
                if (delayMillis > 0) {
                    try {
                        Thread.sleep(delayMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                out.write(message);
            }
        };
    }

    /** {@code count} request/answer exchanges of 64 bytes on one connection; each answer checked. */
    private static void converse(int port, int count) throws Exception {
        try (Socket s = Loopback.connect(port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] request = new byte[64];
            byte[] answer = new byte[64];
            for (int i = 0; i < count; i++) {
                Arrays.fill(request, (byte) i);
                request[0] = (byte) (i >> 8);
                out.write(request);
                in.readFully(answer);
                assertArrayEquals(request, answer, "answer " + i);
            }
        }
    }

    /**
     * Runs {@code connections} connections of {@code exchanges} exchanges each through an engine that
     * polls for {@code busyPollMicros}, against an echo that answers after {@code answerDelayMillis};
     * returns the engine's poll counts: {found the answer, gave up}.
     */
    private static long[] pollCounts(int busyPollMicros, long answerDelayMillis, int connections, int exchanges)
            throws Exception {
        return pollCounts(busyPollMicros, answerDelayMillis, connections, exchanges, List.of());
    }

    /** As above, with {@code hooks} installed on the engine. */
    private static long[] pollCounts(int busyPollMicros, long answerDelayMillis, int connections, int exchanges,
            List<ChunkHook> hooks) throws Exception {
        EngineOptions options = EngineOptions.defaults().withBusyPollMicros(busyPollMicros);
        try (LoopbackServer echo = new LoopbackServer("127.0.0.1", echoMessages(answerDelayMillis));
                EngineRig rig = new EngineRig(options)) {
            rig.engine.setHooks(hooks);
            int port = rig.forward(echo.port());
            for (int i = 0; i < connections; i++) {
                converse(port, exchanges);
            }
            assertTrue(echo.failures.isEmpty(), echo.failures.toString());
            return rig.engine.pollCounts();
        }
    }

    @Test
    void aConversationIsPolledAndEveryAnswerArrivesIntact() throws Exception {
        // a wide window, so that a loaded machine's slow answers still count as found
        long[] polls = pollCounts(5_000, 0, 1, 300);
        assertTrue(polls[0] >= 100, "polls that found the answer: " + polls[0] + ", missed: " + polls[1]);
    }

    @Test
    void aConversationIsPolledWithAHookInstalled() throws Exception {
        // a hook that passes every chunk on unchanged: the chunks take the hook path (copied, offered to
        // the hook), which must count the conversation's turns just as the path without hooks does
        ChunkHook passThrough = (context, data) -> ChunkHook.Verdict.forward(data);
        long[] polls = pollCounts(5_000, 0, 1, 300, List.of(passThrough));
        assertTrue(polls[0] + polls[1] >= 100, "polls that found the answer: " + polls[0] + ", missed: " + polls[1]);
    }

    @Test
    void shortConnectionsNeverMakeTheEnginePoll() throws Exception {
        assertArrayEquals(new long[] {0, 0}, pollCounts(5_000, 0, 50, 2));
    }

    @Test
    void slowAnswersStopThePolling() throws Exception {
        // every answer takes 3 ms, far past the 200 us window: polling for them would only burn CPU
        int exchanges = 80;
        long missed = pollCounts(200, 3, 1, exchanges)[1];
        assertTrue(missed <= exchanges / 4, "polls that gave up: " + missed + " of " + exchanges + " slow answers");
    }

    @Test
    void zeroTurnsPollingOff() throws Exception {
        assertArrayEquals(new long[] {0, 0}, pollCounts(0, 0, 1, 100));
    }
}
