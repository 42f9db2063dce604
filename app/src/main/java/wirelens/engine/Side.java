package wirelens.engine;

/** One of the two sockets of a connection. */
public enum Side {
    CLIENT,
    TARGET;

    public Side opposite() {
        return this == CLIENT ? TARGET : CLIENT;
    }

    /** The direction of bytes read from this side. */
    public Direction from() {
        return this == CLIENT ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
    }

    /** The side whose bytes travel in {@code direction}. */
    public static Side sending(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? CLIENT : TARGET;
    }
}
