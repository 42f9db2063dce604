package wirelens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import wirelens.capture.CaptureFile;
import wirelens.flows.Flow;
import wirelens.flows.FlowExports;
import wirelens.flows.FlowFilter;
import wirelens.flows.FlowText;
import wirelens.flows.Flows;

/**
 * {@code --read CAPTURE --flows [FILTER]}: one line per HTTP flow in arrival order,
 * {@code #N METHOD URL STATUS RESPONSE-BYTES DURATION} ({@code -} for a missing status or an unfinished
 * duration), numbered before the filter applies so that a number names the same flow whatever the filter;
 * and {@code --read CAPTURE --curl N}: flow N as a curl command line.
 */
final class ListFlows {
    private ListFlows() {}

    /** Returns the exit code: 0 printed (also none), 1 the capture cannot be read, 2 the filter is wrong. */
    static int list(Path capture, String filter, PrintWriter out, PrintWriter err) {
        String text = filter == null ? "" : filter;
        Predicate<FlowFilter.Searched> content;
        try {
            content = FlowFilter.content(text);
        } catch (IllegalArgumentException e) {
            err.println("wirelens: --flows: " + e.getMessage());
            return 2;
        }
        return withFile(capture, out, err, file -> {
            List<Flow> flows = Flows.read(file);
            List<Flow> shown = flows;
            if (FlowFilter.searchesContent(text)) {
                Set<Flow.Key> matching = new HashSet<>();
                FlowText.search(file, flows, content, () -> false, (f, yes) -> {
                    if (yes) {
                        matching.add(f.key());
                    }
                }, n -> {});
                shown = flows.stream().filter(f -> matching.contains(f.key())).toList();
            } else {
                Predicate<Flow> rows = FlowFilter.rows(text);
                shown = flows.stream().filter(rows).toList();
            }
            for (Flow f : shown) {
                out.println(line(f));
            }
            return 0;
        });
    }

    /** Prints flow {@code number} as a curl command; a body too large for the line goes to a file beside the capture. */
    static int curl(Path capture, int number, PrintWriter out, PrintWriter err) {
        return withFile(capture, out, err, file -> {
            List<Flow> flows = Flows.read(file);
            if (number < 1 || number > flows.size()) {
                err.println("wirelens: --curl " + number + ": " + capture + " has " + flows.size()
                        + (flows.size() == 1 ? " flow" : " flows") + " (--flows lists them)");
                return 1;
            }
            Flow flow = flows.get(number - 1);
            List<Path> written = new ArrayList<>();
            String command = FlowExports.curl(file, flow, () -> {
                Path body = capture.toAbsolutePath().resolveSibling(fileName(capture) + "-flow-" + number + "-body.bin");
                written.add(body);
                return body;
            });
            out.println(command);
            written.forEach(p -> err.println("wirelens: the request body is in " + p));
            return 0;
        });
    }

    static String line(Flow f) {
        return "#" + f.number() + " " + f.method() + " " + f.url() + " " + f.statusLabel() + " "
                + f.responseBodyBytes() + " " + f.durationLabel();
    }

    private static String fileName(Path capture) {
        String name = capture.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private interface Work {
        int run(CaptureFile file) throws IOException;
    }

    private static int withFile(Path capture, PrintWriter out, PrintWriter err, Work work) {
        if (!CaptureFile.exists(capture)) {
            err.println("wirelens: " + capture + ": no such capture file");
            return 1;
        }
        try (CaptureFile file = CaptureFile.open(capture)) {
            file.skipped().forEach(s -> err.println("wirelens: warning: " + capture + ": " + s));
            return work.run(file);
        } catch (IOException e) {
            err.println("wirelens: " + capture + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
