package wirelens.engine;

/**
 * The protocol logic of one connection as a sans-IO state machine: events in, commands out. It owns
 * no sockets and does no I/O, so it is tested with scripts of events and expected commands.
 * Implementations: {@link ForwardSession}; the HTTP proxy.
 */
public interface Session {
    void handle(SessionEvent event, SessionOutput out);
}
