package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The engine polls for an answer only in conversations (connections whose sides keep taking turns),
 * stops polling where answers are slow, and relays every byte of a polled conversation exactly.
 */
class BusyPollTest {

    /** Echoes each 64-byte message, after {@code delayMillis}. */
    private static Loopback.Handler echoMessages(long delayMillis) {
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

    @Test
    void aConversationIsPolledAndEveryAnswerArrivesIntact() throws Exception {
        // a wide window, so that a loaded machine's slow answers still count as found
        EngineOptions options = EngineOptions.defaults().withBusyPollMicros(5_000);
        try (Loopback.Server echo = new Loopback.Server("127.0.0.1", echoMessages(0));
                Loopback.Rig rig = new Loopback.Rig(options)) {
            converse(rig.forward(echo.port()), 300);
            long[] polls = rig.engine.pollCounts();
            assertTrue(polls[0] >= 100, "polls that found the answer: " + polls[0] + ", missed: " + polls[1]);
            assertTrue(echo.failures.isEmpty(), echo.failures.toString());
        }
    }

    @Test
    void shortConnectionsNeverMakeTheEnginePoll() throws Exception {
        EngineOptions options = EngineOptions.defaults().withBusyPollMicros(5_000);
        try (Loopback.Server echo = new Loopback.Server("127.0.0.1", echoMessages(0));
                Loopback.Rig rig = new Loopback.Rig(options)) {
            int port = rig.forward(echo.port());
            for (int i = 0; i < 50; i++) {
                converse(port, 2);
            }
            assertArrayEquals(new long[] {0, 0}, rig.engine.pollCounts());
        }
    }

    @Test
    void slowAnswersStopThePolling() throws Exception {
        // every answer takes 3 ms, far past the 200 us window: polling for them would only burn CPU
        EngineOptions options = EngineOptions.defaults().withBusyPollMicros(200);
        int exchanges = 80;
        try (Loopback.Server echo = new Loopback.Server("127.0.0.1", echoMessages(3));
                Loopback.Rig rig = new Loopback.Rig(options)) {
            converse(rig.forward(echo.port()), exchanges);
            long missed = rig.engine.pollCounts()[1];
            assertTrue(missed <= exchanges / 4, "polls that gave up: " + missed + " of " + exchanges + " slow answers");
        }
    }

    @Test
    void zeroTurnsPollingOff() throws Exception {
        EngineOptions options = EngineOptions.defaults().withBusyPollMicros(0);
        try (Loopback.Server echo = new Loopback.Server("127.0.0.1", echoMessages(0));
                Loopback.Rig rig = new Loopback.Rig(options)) {
            converse(rig.forward(echo.port()), 100);
            assertArrayEquals(new long[] {0, 0}, rig.engine.pollCounts());
        }
    }
}
