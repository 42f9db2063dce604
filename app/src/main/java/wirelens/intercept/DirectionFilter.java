package wirelens.intercept;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import wirelens.engine.Direction;

/** Which directions a rule or the intercept filter applies to. */
public enum DirectionFilter {
    C2S("c2s"),
    S2C("s2c"),
    BOTH("both");

    private final String shortName;

    DirectionFilter(String shortName) {
        this.shortName = shortName;
    }

    /** {@code c2s}, {@code s2c} or {@code both}, as written on the command line. */
    @JsonValue
    public String shortName() {
        return shortName;
    }

    public boolean matches(Direction direction) {
        return switch (this) {
            case BOTH -> true;
            case C2S -> direction == Direction.CLIENT_TO_SERVER;
            case S2C -> direction == Direction.SERVER_TO_CLIENT;
        };
    }

    /** Parses {@code c2s}, {@code s2c} or {@code both} (any case). */
    @JsonCreator
    public static DirectionFilter parse(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (DirectionFilter f : values()) {
            if (f.shortName.equals(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown direction '" + text + "' (expected c2s, s2c or both)");
    }
}
