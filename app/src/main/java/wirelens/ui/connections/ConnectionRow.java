package wirelens.ui.connections;

import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import wirelens.base.Units;
import wirelens.capture.ConnectionEnd;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.Hosts;

/** One row of the connection table: the latest {@link ConnectionInfo} of a connection, as a property. */
public final class ConnectionRow {
    /** What the state column says. */
    public enum State {
        CONNECTING("connecting"), OPEN("open"), HALF_CLOSED("half-closed"), CLOSED("closed"), RESET("reset"),
        ERROR("error");

        final String label;

        State(String label) {
            this.label = label;
        }
    }

    private final ReadOnlyObjectWrapper<ConnectionInfo> info;
    /** What the TLS column says ({@code CaptureIndex.tlsSummary}); empty for plain TCP. */
    private final ReadOnlyStringWrapper tls = new ReadOnlyStringWrapper("");
    /** The target a SOCKS5 client asked for ({@code host:port}), else the SNI the client sent over TLS, or null. */
    private String serverName;
    private boolean targetConnected;

    ConnectionRow(ConnectionInfo info, boolean targetConnected) {
        this.info = new ReadOnlyObjectWrapper<>(info);
        this.targetConnected = targetConnected;
    }

    ReadOnlyObjectProperty<ConnectionInfo> infoProperty() {
        return info.getReadOnlyProperty();
    }

    ReadOnlyStringProperty tlsProperty() {
        return tls.getReadOnlyProperty();
    }

    /** {@code TLSv1.3}, {@code STARTTLS TLSv1.3}, {@code passthrough}, {@code failed: ...}, or empty. */
    public String tlsText() {
        return tls.get();
    }

    /**
     * The TLS column's text and the target's name (a SOCKS5 client's requested {@code host:port}, else the
     * SNI; null: none); set together, so the target cell follows both.
     */
    void setTls(String summary, String sni) {
        serverName = sni;
        tls.set(summary == null ? "" : summary);
    }

    public ConnectionInfo info() {
        return info.get();
    }

    public long id() {
        return info.get().id();
    }

    void update(ConnectionInfo newInfo, boolean connectedNow) {
        targetConnected |= connectedNow;
        info.set(newInfo);
    }

    public State state() {
        ConnectionInfo c = info.get();
        return switch (c.end()) {
            case CLOSED -> State.CLOSED;
            case RESET -> State.RESET;
            case FAILED -> State.ERROR;
            case OPEN -> c.clientFinished() || c.serverFinished() ? State.HALF_CLOSED
                    : targetConnected ? State.OPEN : State.CONNECTING;
        };
    }

    /** The state, with the reason for an error or for a close Wirelens chose ("closed: idle timeout 5m"). */
    public String stateText() {
        ConnectionInfo c = info.get();
        if (c.endReason() == null || c.isOpen()) {
            return state().label;
        }
        return (c.end() == ConnectionEnd.FAILED ? "error" : state().label) + ": " + c.endReason();
    }

    /**
     * The state as the column shows it: as {@link #stateText()}, less what the Target column says already,
     * so a failed connect fits ("error: connection refused", "error: connect timed out"); the whole text is
     * in the cell's tooltip.
     */
    String stateCellText() {
        String text = stateText();
        String prefix = "error: connect to " + info.get().destination() + " ";
        if (!text.startsWith(prefix)) {
            return text;
        }
        String rest = text.substring(prefix.length());
        return rest.startsWith("failed: ") ? "error: " + rest.substring("failed: ".length()) : "error: connect " + rest;
    }

    String startText() {
        return Units.clock(info.get().openedNanos());
    }

    public String clientText() {
        return Hosts.format(info.get().client());
    }

    /**
     * Where the connection goes: an HTTP proxy's latest origin as the client named it, else the target's
     * address; after the name the client asked for (SOCKS5, else over TLS) if it named another one.
     */
    public String targetText() {
        String origin = info.get().origin();
        String address = info.get().destination();
        boolean named = serverName == null || (origin != null && origin.startsWith(serverName + ":"));
        return named ? address : serverName + " (" + address + ")";
    }

    /** Every origin of a kept-alive HTTP proxy connection that went to more than one, in order; else null. */
    String originsText() {
        List<String> origins = info.get().origins();
        return origins.size() < 2 ? null : "Origins, in order:\n" + String.join("\n", origins);
    }

    /** Duration so far for an open connection ({@code nowNanos} epoch), final once it ended. */
    long durationNanos(long nowNanos) {
        ConnectionInfo c = info.get();
        return c.isOpen() ? Math.max(0, nowNanos - c.openedNanos()) : c.durationNanos();
    }

    /** True when the filter text (lower case) occurs in the id, listener, addresses, state or TLS column. */
    boolean matches(String needle) {
        if (needle.isEmpty()) {
            return true;
        }
        ConnectionInfo c = info.get();
        return Long.toString(c.id()).equals(needle)
                || c.listenerName().toLowerCase(Locale.ROOT).contains(needle)
                || clientText().toLowerCase(Locale.ROOT).contains(needle)
                || targetText().toLowerCase(Locale.ROOT).contains(needle)
                || c.origins().stream().anyMatch(o -> o.toLowerCase(Locale.ROOT).contains(needle))
                || stateText().toLowerCase(Locale.ROOT).contains(needle)
                || tlsText().toLowerCase(Locale.ROOT).contains(needle);
    }
}
