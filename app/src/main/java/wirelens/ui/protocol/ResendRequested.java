package wirelens.ui.protocol;

import java.io.IOException;
import java.util.List;
import javafx.application.Platform;
import javafx.event.Event;
import javafx.event.EventType;
import javafx.scene.Node;
import wirelens.capture.CaptureFile;
import wirelens.capture.HttpExchanges;
import wirelens.engine.Direction;
import wirelens.engine.MessageHook;
import wirelens.proto.http.Bodies;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.Header;
import wirelens.ui.base.Background;

/**
 * "Edit and resend this request", bubbling up from the view where the user asked (the HTTP view, the flows
 * list) to the window, which opens the resend editor. A view fires it; it need not know the editor.
 *
 * @param method  the request's method
 * @param url     its absolute URL ({@code https://} for a request Wirelens decrypted)
 * @param headers its headers in order
 * @param body    its body as sent (chunked framing removed, any Content-Encoding kept)
 */
public final class ResendRequested extends Event {
    public static final EventType<ResendRequested> OPEN = new EventType<>(Event.ANY, "WIRELENS_RESEND");

    private final String method;
    private final String url;
    private final List<Header> headers;
    private final byte[] body;

    public ResendRequested(String method, String url, List<Header> headers, byte[] body) {
        super(OPEN);
        this.method = method;
        this.url = url;
        this.headers = List.copyOf(headers);
        this.body = body.clone();
    }

    public String method() {
        return method;
    }

    public String url() {
        return url;
    }

    public List<Header> headers() {
        return headers;
    }

    public byte[] body() {
        return body.clone();
    }

    /**
     * Reads the request body of {@code exchange} back from the capture off the FX thread (up to the size a
     * breakpoint holds), then fires the event from {@code source}; {@code failed} hears why it could not.
     */
    public static void fireFor(Node source, CaptureFile file, long connectionId, Exchange exchange,
            java.util.function.Consumer<String> failed) {
        if (exchange.request() == null || "CONNECT".equalsIgnoreCase(exchange.method())) {
            failed.accept("only a request with a method and URL can be resent");
            return;
        }
        Background.execute(() -> {
            try {
                Bodies.Content content = Bodies.raw(exchange.requestBody(),
                        HttpExchanges.stream(file, connectionId, Direction.CLIENT_TO_SERVER), MessageHook.MAX_BODY_BYTES);
                ResendRequested event = new ResendRequested(exchange.method(), exchange.url(),
                        exchange.request().headers(), content.bytes());
                Platform.runLater(() -> source.fireEvent(event));
            } catch (IOException | RuntimeException e) {
                Platform.runLater(() -> failed.accept("cannot read the request back: " + e.getMessage()));
            }
        });
    }
}
