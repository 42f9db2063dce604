package wirelens.ui.protocol;

import java.util.EnumMap;
import java.util.Map;

/**
 * The view a connection's tab opens in once its protocol is known, per protocol: the protocol's own view
 * until the user picks another one in a tab of that protocol, then the one last picked. One per window, so
 * a user who reads HTTP as bytes says so once, not in every tab.
 */
public final class ViewChoices {
    private final Map<ConnectionTab.Shown, ConnectionTab.Shown> chosen = new EnumMap<>(ConnectionTab.Shown.class);

    /** The view a tab of {@code protocol} (SMTP or HTTP) opens in. */
    ConnectionTab.Shown preferred(ConnectionTab.Shown protocol) {
        return chosen.getOrDefault(protocol, protocol);
    }

    /** The user picked {@code shown} in a tab of {@code protocol}. */
    void picked(ConnectionTab.Shown protocol, ConnectionTab.Shown shown) {
        if (shown == ConnectionTab.Shown.BYTES || shown == protocol) {
            chosen.put(protocol, shown);
        }
    }
}
