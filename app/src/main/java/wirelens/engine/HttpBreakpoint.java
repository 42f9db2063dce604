package wirelens.engine;

import java.io.ByteArrayOutputStream;
import java.util.List;
import wirelens.proto.http.HttpDecoder;
import wirelens.proto.http.HttpEvent;
import wirelens.proto.http.HttpMessages;
import wirelens.proto.http.MessageHead;

/**
 * One HTTP message a breakpoint wants, in {@link HttpProxySession}: its body bytes are collected as they
 * arrive (as they came, framing and all, to send on unchanged; and as content, framing removed, for the
 * user to see), then the whole message is held until the user decides.
 */
final class HttpBreakpoint {
    final MessageHook.MessageContext context;
    final long id;
    /** Where the message starts in its side's stream (the decoder's position of its first byte). */
    private final long start;
    private final ByteArrayOutputStream framed = new ByteArrayOutputStream();
    private final ByteArrayOutputStream content = new ByteArrayOutputStream();
    /** The message is complete and handed to the hook (until then it is being collected). */
    boolean held;
    /** A response whose body the target's close ended. */
    boolean untilClose;

    HttpBreakpoint(MessageHook.MessageContext context, long id, long start) {
        this.context = context;
        this.id = id;
        this.start = start;
    }

    boolean isResponse() {
        return context.isResponse();
    }

    MessageHead head() {
        return context.head();
    }

    /**
     * Adds the body bytes {@code data[from, to)} and the content the same feed decoded ({@code events});
     * false once the body has grown past {@link MessageHook#MAX_BODY_BYTES} (the message goes on unheld).
     */
    boolean add(byte[] data, int from, int to, List<HttpEvent> events) {
        if (from < to) {
            framed.write(data, from, to - from);
        }
        for (HttpEvent e : events) {
            if (e instanceof HttpEvent.Data d) {
                content.write(d.array(), d.offset(), d.length());
            }
        }
        return framed.size() <= MessageHook.MAX_BODY_BYTES;
    }

    /** How many bytes the message took in its side's stream, head and body as they came. */
    long length() {
        return head().end() - start + framed.size();
    }

    /** The body bytes as they came. */
    byte[] framed() {
        return framed.toByteArray();
    }

    MessageHook.HeldMessage message() {
        return new MessageHook.HeldMessage(context, id, content.toByteArray());
    }

    /**
     * The message to send on: {@code head}, then {@code wire} from {@code bodyStart} (its body as it goes on);
     * {@code untilClose} when the connection's close ends a response's body; {@code notice} tells an edit.
     */
    record Outgoing(MessageHead head, byte[] wire, int bodyStart, boolean untilClose, String notice) {}

    /**
     * What goes on for this message: as it came when {@code edited} is null, else {@code edited} (one complete
     * message, checked by {@link Engine#resumeMessage}); {@code method} is the request's, for a response.
     */
    Outgoing outgoing(byte[] edited, String method) {
        if (edited == null) {
            return new Outgoing(head(), framed(), 0, untilClose, null);
        }
        HttpDecoder.Role role = isResponse() ? HttpDecoder.Role.RESPONSE : HttpDecoder.Role.REQUEST;
        HttpMessages.Whole whole = HttpMessages.parse(edited, role, method);
        String notice = describe() + " went on edited at a breakpoint: " + whole.head().startLine() + ", "
                + whole.body().length + " bytes of body";
        return new Outgoing(whole.head(), edited, (int) whole.head().end(), whole.untilClose(), notice);
    }

    /** How the message reads in a notice: {@code request GET http://a/x} or {@code response 200 to GET http://a/x}. */
    String describe() {
        String request = context.request().method() + " " + context.url();
        return isResponse() ? "response " + context.response().status() + " to " + request : "request " + request;
    }
}
