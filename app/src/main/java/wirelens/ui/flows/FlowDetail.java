package wirelens.ui.flows;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import wirelens.capture.CaptureFile;
import wirelens.engine.Direction;
import wirelens.flows.Flow;
import wirelens.flows.Flows;
import wirelens.proto.http.Exchange;
import wirelens.ui.base.Background;
import wirelens.ui.protocol.MessagePane;

/**
 * The selected flow beside the list: its timing on top, its request and response (heads, and bodies
 * decoded as in the HTTP view) below. The exchange is decoded again from the capture file on a
 * background queue; a newer selection makes an older read's result stale.
 */
final class FlowDetail extends BorderPane {
    private final CaptureFile file;
    private final Executor reads = Background.serial();
    private final Label timing = new Label();
    private final MessagePane request;
    private final MessagePane response;
    private long generation;
    private Flow shown;

    FlowDetail(CaptureFile file) {
        this.file = file;
        Executor bodies = Background.serial();
        request = new MessagePane("flow", "Request", Direction.CLIENT_TO_SERVER, file, bodies);
        response = new MessagePane("flow", "Response", Direction.SERVER_TO_CLIENT, file, bodies);
        timing.setId("flow-timing");
        timing.setWrapText(true);
        timing.setPadding(new Insets(4, 6, 4, 6));
        timing.getStyleClass().add("wl-view-status");
        SplitPane messages = new SplitPane(request, response);
        messages.setOrientation(javafx.geometry.Orientation.VERTICAL);
        messages.setDividerPositions(0.45);
        setTop(timing);
        setCenter(messages);
        show(null);
    }

    MessagePane request() {
        return request;
    }

    MessagePane response() {
        return response;
    }

    Label timing() {
        return timing;
    }

    Flow shown() {
        return shown;
    }

    /** Shows {@code flow} (null: nothing), reading its exchange back from the capture. */
    void show(Flow flow) {
        shown = flow;
        long gen = ++generation;
        if (flow == null) {
            timing.setText("Select a flow to see its request and response.");
            request.show(0, null, null, null, List.of());
            response.show(0, null, null, null, List.of());
            return;
        }
        timing.setText(timingText(flow));
        if (file == null) {
            return; // a capture without a file (it could not be created): rows only
        }
        reads.execute(() -> {
            Optional<Exchange> exchange;
            String problem = null;
            try {
                exchange = Flows.exchange(file, flow);
                if (exchange.isEmpty()) {
                    problem = "flow #" + flow.number() + " is no longer in the capture file";
                }
            } catch (IOException e) {
                exchange = Optional.empty();
                problem = "cannot read flow #" + flow.number() + " back: " + e.getMessage();
            }
            Exchange e = exchange.orElse(null);
            String why = problem;
            Platform.runLater(() -> {
                if (gen != generation) {
                    return;
                }
                if (e == null) {
                    timing.setText(why);
                    return;
                }
                long c = flow.connectionId();
                request.show(c, e, e.request(), e.requestBody(), e.requestTrailers());
                response.show(c, e, e.response(), e.responseBody(), e.responseTrailers());
            });
        });
    }

    /** {@code connection #3, request 2 on it (reused) · first byte after 12.1 ms · 15.3 ms in all}. */
    static String timingText(Flow f) {
        StringBuilder sb = new StringBuilder("#").append(f.number()).append(" \u00b7 connection #").append(f.connectionId())
                .append(", request ").append(f.index() + 1).append(" on it")
                .append(f.index() == 0 ? " (a new connection)" : " (connection reused)");
        if (f.tls()) {
            sb.append(" \u00b7 TLS decrypted");
        }
        if (f.resent()) {
            sb.append(" \u00b7 resent from Wirelens");
        }
        if (f.requestEndNanos() != 0) {
            sb.append(" \u00b7 request sent in ").append(millis(f.requestEndNanos() - f.startNanos()));
        }
        if (f.waitNanos() >= 0) {
            sb.append(" \u00b7 first byte after ").append(millis(f.waitNanos()));
        }
        if (f.durationNanos() >= 0) {
            sb.append(" \u00b7 ").append(millis(f.durationNanos())).append(" in all");
        } else if (f.pending()) {
            sb.append(" \u00b7 waiting for the response");
        }
        if (f.problem() != null) {
            sb.append(" \u00b7 ").append(f.problem());
        }
        return sb.toString();
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", Math.max(0, nanos) / 1e6);
    }
}
