package wirelens.ui.connections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import wirelens.capture.ConnectionEnd;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.ListenerKind;

/** What the state column says of how a connection ended. */
class ConnectionRowTest {

    private static ConnectionRow ended(ConnectionEnd end, String reason) {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 40000);
        return new ConnectionRow(new ConnectionInfo(1, 1, "http proxy 8080", ListenerKind.HTTP, a, a, List.of(), 1, 2, end, reason,
                10, 20, 2, false, false), true);
    }

    @Test
    void aCloseWirelensChoseSaysWhyAsAnErrorDoes() {
        assertEquals("closed: idle timeout 5m", ended(ConnectionEnd.CLOSED, "idle timeout 5m").stateText());
        assertEquals("closed: request head timeout 60s",
                ended(ConnectionEnd.CLOSED, "request head timeout 60s").stateText());
        assertEquals("error: connection refused", ended(ConnectionEnd.FAILED, "connection refused").stateText());
        assertEquals("closed", ended(ConnectionEnd.CLOSED, null).stateText());
        assertEquals("reset", ended(ConnectionEnd.RESET, null).stateText());
        assertEquals("error", ended(ConnectionEnd.FAILED, null).stateText());
    }

    @Test
    void theStateColumnLeavesOutTheTargetItShowsBeside() {
        // the row's target is 127.0.0.1:40000 (no origin): the column says only what went wrong
        assertEquals("error: connection refused",
                ended(ConnectionEnd.FAILED, "connect to 127.0.0.1:40000 failed: connection refused").stateCellText());
        assertEquals("error: connect timed out",
                ended(ConnectionEnd.FAILED, "connect to 127.0.0.1:40000 timed out").stateCellText());
        assertEquals("error: connect to 192.0.2.1:25 failed: connection refused",
                ended(ConnectionEnd.FAILED, "connect to 192.0.2.1:25 failed: connection refused").stateCellText());
        assertEquals("closed: idle timeout 5m", ended(ConnectionEnd.CLOSED, "idle timeout 5m").stateCellText());
    }
}
