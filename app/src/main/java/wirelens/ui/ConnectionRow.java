package wirelens.ui;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import wirelens.capture.ConnectionEnd;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.Hosts;

/** One row of the connection table: the latest {@link ConnectionInfo} of a connection, as a property. */
final class ConnectionRow {
    static final DateTimeFormatter START_TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    /** What the state column says. */
    enum State {
        CONNECTING("connecting"), OPEN("open"), HALF_CLOSED("half-closed"), CLOSED("closed"), RESET("reset"),
        ERROR("error");

        final String label;

        State(String label) {
            this.label = label;
        }
    }

    private final ReadOnlyObjectWrapper<ConnectionInfo> info;
    private boolean targetConnected;

    ConnectionRow(ConnectionInfo info, boolean targetConnected) {
        this.info = new ReadOnlyObjectWrapper<>(info);
        this.targetConnected = targetConnected;
    }

    ReadOnlyObjectProperty<ConnectionInfo> infoProperty() {
        return info.getReadOnlyProperty();
    }

    ConnectionInfo info() {
        return info.get();
    }

    long id() {
        return info.get().id();
    }

    void update(ConnectionInfo newInfo, boolean connectedNow) {
        targetConnected |= connectedNow;
        info.set(newInfo);
    }

    State state() {
        ConnectionInfo c = info.get();
        return switch (c.end()) {
            case CLOSED -> State.CLOSED;
            case RESET -> State.RESET;
            case FAILED -> State.ERROR;
            case OPEN -> c.clientFinished() || c.serverFinished() ? State.HALF_CLOSED
                    : targetConnected ? State.OPEN : State.CONNECTING;
        };
    }

    /** The state, with the reason for an error. */
    String stateText() {
        ConnectionInfo c = info.get();
        return c.end() == ConnectionEnd.FAILED && c.failure() != null ? "error: " + c.failure() : state().label;
    }

    String startText() {
        return START_TIME.format(Instant.ofEpochSecond(0, info.get().openedNanos()));
    }

    String clientText() {
        return Hosts.format(info.get().client());
    }

    String targetText() {
        return Hosts.format(info.get().target());
    }

    /** Duration so far for an open connection ({@code nowNanos} epoch), final once it ended. */
    long durationNanos(long nowNanos) {
        ConnectionInfo c = info.get();
        return c.isOpen() ? Math.max(0, nowNanos - c.openedNanos()) : c.durationNanos();
    }

    /** True when the filter text (lower case) occurs in the id, listener, addresses or state. */
    boolean matches(String needle) {
        if (needle.isEmpty()) {
            return true;
        }
        ConnectionInfo c = info.get();
        return Long.toString(c.id()).equals(needle)
                || c.listenerName().toLowerCase(Locale.ROOT).contains(needle)
                || clientText().toLowerCase(Locale.ROOT).contains(needle)
                || targetText().toLowerCase(Locale.ROOT).contains(needle)
                || stateText().toLowerCase(Locale.ROOT).contains(needle);
    }

    static String duration(long nanos) {
        if (nanos < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%d ms", nanos / 1_000_000);
        }
        if (nanos < 600_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        }
        long s = nanos / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    static String bytes(long n) {
        if (n < 10_000) {
            return n + " B";
        }
        if (n < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / 1073741824.0);
    }
}
