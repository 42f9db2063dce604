package wirelens.cli;

import java.util.ArrayList;
import java.util.List;
import wirelens.engine.ListenerConfig;

/** Parses {@code [BIND:]PORT:HOST:HOSTPORT} as {@code ssh -L} does, with IPv6 literals in brackets. */
final class ForwardSpec {
    private ForwardSpec() {}

    static ListenerConfig parse(String spec) {
        List<String> parts = split(spec);
        if (parts.size() != 3 && parts.size() != 4) {
            throw new IllegalArgumentException("--forward wants [BIND:]PORT:HOST:HOSTPORT, got '" + spec + "'");
        }
        String bind = parts.size() == 4 ? parts.get(0) : "127.0.0.1";
        int at = parts.size() - 3;
        int port = port(parts.get(at), spec, true);
        String host = parts.get(at + 1);
        int targetPort = port(parts.get(at + 2), spec, false);
        if (bind.isEmpty() || host.isEmpty()) {
            throw new IllegalArgumentException("--forward '" + spec + "': empty host");
        }
        return ListenerConfig.forward(bind, port, host, targetPort);
    }

    /** Parses {@code [BIND:]PORT} for listeners without a fixed target. */
    static String[] parseBind(String option, String spec) {
        List<String> parts = split(spec);
        if (parts.size() == 1) {
            return new String[] {"127.0.0.1", String.valueOf(port(parts.get(0), spec, true))};
        }
        if (parts.size() == 2 && !parts.get(0).isEmpty()) {
            return new String[] {parts.get(0), String.valueOf(port(parts.get(1), spec, true))};
        }
        throw new IllegalArgumentException(option + " wants [BIND:]PORT, got '" + spec + "'");
    }

    private static int port(String text, String spec, boolean zeroAllowed) {
        try {
            int p = Integer.parseInt(text);
            if (p >= (zeroAllowed ? 0 : 1) && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the whole spec
        }
        throw new IllegalArgumentException("'" + text + "' in '" + spec + "' is not a port number"
                + (zeroAllowed ? " (0-65535)" : " (1-65535)"));
    }

    /** Splits on ':' outside brackets; brackets are removed. */
    private static List<String> split(String spec) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inBrackets = false;
        for (int i = 0; i < spec.length(); i++) {
            char ch = spec.charAt(i);
            if (ch == '[' && !inBrackets && current.length() == 0) {
                inBrackets = true;
            } else if (ch == ']' && inBrackets) {
                inBrackets = false;
            } else if (ch == ':' && !inBrackets) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(ch);
            }
        }
        if (inBrackets) {
            throw new IllegalArgumentException("unclosed '[' in '" + spec + "'");
        }
        parts.add(current.toString());
        return parts;
    }
}
