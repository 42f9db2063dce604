package wirelens.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import wirelens.engine.MessageHook;
import wirelens.filter.FilterSyntaxException;
import wirelens.proto.http.Header;
import wirelens.proto.http.MessageHead;

/** Which messages the breakpoint rule holds, in the filter language, and how decisions leave the queue. */
class BreakpointQueueTest {
    private final List<String> decided = new ArrayList<>();
    private final BreakpointQueue queue = new BreakpointQueue((m, v) -> decided.add(m.id() + " " + v));

    private static MessageHook.MessageContext request(String method, String url, String type) {
        MessageHead head = new MessageHead(method, url, 0, null, "HTTP/1.1",
                type == null ? List.of() : List.of(new Header("Content-Type", type)), 0, 0);
        return new MessageHook.MessageContext(3, null, url, head, null);
    }

    private static MessageHook.MessageContext response(int status, String url) {
        MessageHead req = new MessageHead("GET", url, 0, null, "HTTP/1.1", List.of(), 0, 0);
        MessageHead resp = new MessageHead(null, null, status, "X", "HTTP/1.1", List.of(new Header("Server", "nginx")), 0, 0);
        return new MessageHook.MessageContext(3, null, url, req, resp);
    }

    @Test
    void theRuleSpeaksTheFilterLanguageOverTheHead() {
        queue.setEnabled(true);
        queue.setRule(BreakpointQueue.Rule.of(true, true, "method:POST host:api.test path:/v1 type:json"));
        assertTrue(queue.wants(request("POST", "http://api.test:8080/v1/users?x=1", "application/json")));
        assertFalse(queue.wants(request("GET", "http://api.test:8080/v1/users", "application/json")));
        assertFalse(queue.wants(request("POST", "http://other.test/v1", "application/json")));
        queue.setRule(BreakpointQueue.Rule.of(false, true, "status:5xx nginx !path:/health"));
        assertTrue(queue.wants(response(503, "http://a.test/x")));
        assertFalse(queue.wants(response(200, "http://a.test/x")));
        assertFalse(queue.wants(response(503, "http://a.test/health")));
        assertFalse(queue.wants(request("GET", "http://a.test/x", null)), "requests are not held by this rule");
        queue.setEnabled(false);
        assertFalse(queue.wants(response(503, "http://a.test/x")), "off holds nothing");
    }

    @Test
    void aFilterThatDoesNotParseSaysWhere() {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class,
                () -> BreakpointQueue.Rule.of(true, false, "method:GET status:abc"));
        assertEquals(11, e.position());
        assertTrue(assertThrows(FilterSyntaxException.class, () -> BreakpointQueue.Rule.of(true, false, "subject:x"))
                .getMessage().startsWith("no field 'subject:'"));
    }

    @Test
    void aDecisionTheEngineRefusesLeavesTheMessageHeld() {
        BreakpointQueue strict = new BreakpointQueue((m, v) -> {
            throw new IllegalArgumentException("not a valid HTTP message");
        });
        MessageHook.HeldMessage held = new MessageHook.HeldMessage(request("GET", "http://a.test/", null), 1, new byte[0]);
        strict.held(held);
        assertThrows(IllegalArgumentException.class, () -> strict.resume(held, new MessageHook.Verdict.Continue(new byte[] {1})));
        assertTrue(strict.isHeld(held));

        queue.held(held);
        queue.held(new MessageHook.HeldMessage(request("GET", "http://a.test/2", null), 2, new byte[0]));
        assertTrue(queue.resume(held, new MessageHook.Verdict.Drop(true)));
        assertFalse(queue.resume(held, new MessageHook.Verdict.Drop(true)), "decided once");
        queue.continueAll();
        assertEquals(List.of("1 Drop[answer502=true]", "2 Continue[message=null]"), decided);
        assertEquals(0, queue.size());
    }
}
