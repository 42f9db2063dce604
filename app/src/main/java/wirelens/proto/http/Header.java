package wirelens.proto.http;

/** One header field as it appeared on the wire: name in its original case, value without surrounding blanks. */
public record Header(String name, String value) {

    public boolean is(String other) {
        return name.equalsIgnoreCase(other);
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
