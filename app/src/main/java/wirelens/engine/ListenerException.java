package wirelens.engine;

/** A listener could not be bound; the message is meant for the user. */
public final class ListenerException extends Exception {
    public ListenerException(String message) {
        super(message, null, false, false);
    }
}
