package wirelens.flows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import wirelens.capture.CaptureFile;
import wirelens.capture.ConnectionInfo;
import wirelens.capture.HttpExchanges;
import wirelens.engine.Direction;
import wirelens.proto.http.Bodies;
import wirelens.proto.http.BodyRef;
import wirelens.proto.http.ByteSource;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.HarExport;
import wirelens.proto.http.MessageHead;

/**
 * What the Flows list's actions make of flows: a curl command, a body saved to a file, the selection as
 * HAR. Each reads the flows' exchanges back from the capture file; call them off the FX thread.
 */
public final class FlowExports {
    /** Largest request body read into memory for a curl command (larger ones are refused). */
    public static final int MAX_CURL_BODY_BYTES = 64 << 20;

    private FlowExports() {}

    /** Which body of a flow. */
    public enum Side { REQUEST, RESPONSE }

    /** The curl command line for {@code flow}'s request; a large body goes to the file {@code bodyFile} gives. */
    public static String curl(CaptureFile file, Flow flow, Supplier<Path> bodyFile) throws IOException {
        Exchange e = exchange(file, flow);
        ByteSource client = HttpExchanges.stream(file, flow.connectionId(), Direction.CLIENT_TO_SERVER);
        Bodies.Content body = e.requestBody().isEmpty() ? new Bodies.Content(new byte[0], false, null)
                : Bodies.raw(e.requestBody(), client, MAX_CURL_BODY_BYTES);
        if (body.truncated()) {
            throw new IOException("the request body is larger than " + (MAX_CURL_BODY_BYTES >> 20) + " MiB");
        }
        if (body.bytes().length < e.requestBody().length()) {
            throw new IOException("the capture file lacks part of the request body");
        }
        return CurlCommand.of(e, body.bytes(), bodyFile);
    }

    /**
     * Writes one body of {@code flow} to {@code target} with its Content-Encoding undone (as it was sent when
     * the encoding is not one Wirelens knows); returns how many bytes were written. The file appears whole.
     */
    public static long saveBody(CaptureFile file, Flow flow, Side side, Path target) throws IOException {
        Exchange e = exchange(file, flow);
        MessageHead head = side == Side.REQUEST ? e.request() : e.response();
        BodyRef body = side == Side.REQUEST ? e.requestBody() : e.responseBody();
        if (head == null) {
            throw new IOException("flow #" + flow.number() + " has no response");
        }
        ByteSource source = HttpExchanges.stream(file, flow.connectionId(),
                side == Side.REQUEST ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT);
        Path absolute = target.toAbsolutePath();
        Path temp = Files.createTempFile(absolute.getParent(), ".wirelens-", ".body");
        try {
            long written;
            try (InputStream in = Bodies.decodingStream(codings(head), Bodies.open(body, source))) {
                written = Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException undecodable) {
                try (InputStream in = Bodies.open(body, source)) {
                    written = Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            return written;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes {@code flows} as HAR 1.2 to {@code out}, in arrival order. */
    public static void har(CaptureFile file, List<Flow> flows, OutputStream out) throws IOException {
        Map<Long, Set<Integer>> byConnection = new LinkedHashMap<>();
        for (Flow f : flows) {
            byConnection.computeIfAbsent(f.connectionId(), c -> new TreeSet<>()).add(f.index());
        }
        List<HarExport.Connection> connections = new ArrayList<>();
        for (Map.Entry<Long, Set<Integer>> entry : byConnection.entrySet()) {
            long id = entry.getKey();
            ConnectionInfo info = file.index().connection(id).orElse(null);
            if (info == null) {
                continue; // let go of meanwhile: the list has no such rows any more either
            }
            Map<Integer, Exchange> exchanges = Flows.exchanges(file, id, entry.getValue());
            List<Exchange> inOrder = new ArrayList<>();
            entry.getValue().forEach(i -> {
                if (exchanges.containsKey(i)) {
                    inOrder.add(exchanges.get(i));
                }
            });
            InetSocketAddress target = info.target();
            String server = target == null || target.getAddress() == null ? null : target.getAddress().getHostAddress();
            connections.add(new HarExport.Connection(id, server, inOrder,
                    HttpExchanges.stream(file, id, Direction.CLIENT_TO_SERVER),
                    HttpExchanges.stream(file, id, Direction.SERVER_TO_CLIENT)));
        }
        HarExport.write(connections, out);
    }

    /** The exchange of {@code flow}, or an IOException saying the file no longer has it. */
    public static Exchange exchange(CaptureFile file, Flow flow) throws IOException {
        return Flows.exchange(file, flow).orElseThrow(() -> new IOException("flow #" + flow.number()
                + " is no longer in the capture file"));
    }

    private static List<String> codings(MessageHead head) {
        List<String> list = new ArrayList<>();
        String value = head.header("Content-Encoding");
        if (value != null) {
            for (String part : value.split(",")) {
                String c = part.strip().toLowerCase(java.util.Locale.ROOT);
                if (!c.isEmpty() && !c.equals("identity")) {
                    list.add(c);
                }
            }
        }
        return list;
    }
}
