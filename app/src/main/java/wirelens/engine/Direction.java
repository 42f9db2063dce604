package wirelens.engine;

/** Which way a chunk travels. */
public enum Direction {
    CLIENT_TO_SERVER("c2s", ">"),
    SERVER_TO_CLIENT("s2c", "<");

    private final String shortName;
    private final String arrow;

    Direction(String shortName, String arrow) {
        this.shortName = shortName;
        this.arrow = arrow;
    }

    /** {@code c2s} or {@code s2c}, as used on the command line and in files. */
    public String shortName() {
        return shortName;
    }

    /** {@code >} for client to server, {@code <} for server to client, as socat -x prints them. */
    public String arrow() {
        return arrow;
    }

    public Direction opposite() {
        return this == CLIENT_TO_SERVER ? SERVER_TO_CLIENT : CLIENT_TO_SERVER;
    }
}
