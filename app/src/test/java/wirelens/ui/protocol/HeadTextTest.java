package wirelens.ui.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class HeadTextTest {
    private static List<String> runs(String text) {
        return BodyTextTest.runs(text, HeadText.styles(text));
    }

    @Test
    void aRequestHeadIsSplitIntoMethodTargetVersionAndFields() {
        assertEquals(List.of("wl-head-method:GET", "wl-head-target: http://example.test/a?b=c:d",
                "wl-head-version: HTTP/1.1", "wl-head-name:Host", "wl-head-value:: example.test",
                "wl-head-name:X-Empty", "wl-head-value::"),
                runs("GET http://example.test/a?b=c:d HTTP/1.1\nHost: example.test\nX-Empty:"));
    }

    @Test
    void statusCodesAreClassedAndInterimResponsesToo() {
        assertEquals(List.of("wl-head-version:HTTP/1.1 ", "wl-head-status-1xx:100", "wl-head-value: Continue",
                "wl-head-version:HTTP/1.1 ", "wl-head-status-5xx:502", "wl-head-value: Bad Gateway",
                "wl-head-name:Content-Length", "wl-head-value:: 0", "wl-head-note:(trailers)"),
                runs("HTTP/1.1 100 Continue\n\nHTTP/1.1 502 Bad Gateway\nContent-Length: 0\n(trailers)"));
        assertEquals(List.of("wl-head-version:HTTP/1.1 ", "wl-head-status-other:abc"),
                runs("HTTP/1.1 abc"));
    }
}
