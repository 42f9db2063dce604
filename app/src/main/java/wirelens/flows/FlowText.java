package wirelens.flows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import wirelens.capture.CaptureFile;
import wirelens.capture.HttpExchanges;
import wirelens.engine.Direction;
import wirelens.proto.http.Bodies;
import wirelens.proto.http.BodyRef;
import wirelens.proto.http.ByteSource;
import wirelens.proto.http.ContentTypes;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.MessageHead;

/**
 * What a filter's text terms search in a flow: its request and response heads and bodies, with
 * Content-Encoding undone, read back from the capture file. A body is searched up to
 * {@link #MAX_BODY_BYTES}; more than that is what a text editor is for.
 */
public final class FlowText {
    public static final int MAX_BODY_BYTES = 1 << 20;

    private FlowText() {}

    /** The heads and decoded bodies of {@code e} as one text, bodies read from the two streams. */
    public static String of(Exchange e, ByteSource client, ByteSource server) throws IOException {
        StringBuilder sb = new StringBuilder(512);
        message(sb, e.request(), e.requestBody(), client);
        message(sb, e.response(), e.responseBody(), server);
        return sb.toString();
    }

    private static void message(StringBuilder sb, MessageHead head, BodyRef body, ByteSource source) throws IOException {
        if (head == null) {
            return;
        }
        sb.append(head.toWireText());
        if (!body.isEmpty()) {
            Bodies.Content c = Bodies.decoded(body, head.header("Content-Encoding"), source, MAX_BODY_BYTES);
            String type = head.header("Content-Type");
            sb.append(new String(c.bytes(), ContentTypes.charset(type))).append('\n');
        }
    }

    /**
     * Tests each of {@code flows} with its heads and bodies, one connection at a time (each decoded once),
     * telling {@code result} each verdict and {@code progress} how many were searched; stops early when
     * {@code cancelled} says so. A flow the file no longer has counts as not matching. Call it off the FX thread.
     */
    public static void search(CaptureFile file, List<Flow> flows, Predicate<FlowFilter.Searched> test,
            BooleanSupplier cancelled, BiConsumer<Flow, Boolean> result, java.util.function.IntConsumer progress)
            throws IOException {
        Map<Long, List<Flow>> byConnection = new LinkedHashMap<>();
        for (Flow f : flows) {
            byConnection.computeIfAbsent(f.connectionId(), c -> new ArrayList<>()).add(f);
        }
        int done = 0;
        for (Map.Entry<Long, List<Flow>> entry : byConnection.entrySet()) {
            if (cancelled.getAsBoolean()) {
                return;
            }
            long id = entry.getKey();
            Set<Integer> indexes = new HashSet<>();
            entry.getValue().forEach(f -> indexes.add(f.index()));
            Map<Integer, Exchange> exchanges = file.index().connection(id).isPresent()
                    ? Flows.exchanges(file, id, indexes) : Map.of();
            ByteSource client = HttpExchanges.stream(file, id, Direction.CLIENT_TO_SERVER);
            ByteSource server = HttpExchanges.stream(file, id, Direction.SERVER_TO_CLIENT);
            for (Flow f : entry.getValue()) {
                if (cancelled.getAsBoolean()) {
                    return;
                }
                Exchange e = exchanges.get(f.index());
                result.accept(f, e != null && test.test(new FlowFilter.Searched(f, of(e, client, server))));
                progress.accept(++done);
            }
        }
    }
}
