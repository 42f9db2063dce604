package wirelens.flows;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One copy of each string that many rows repeat (a site's origin, {@code GET}, {@code OK}, a media type),
 * among the {@value #MAX} most recently seen; older ones are let go, so the cache stays small whatever the
 * traffic. Not thread-safe: one per thread that makes rows.
 */
final class SharedStrings {
    static final int MAX = 4096;

    private final Map<String, String> seen = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX;
        }
    };

    String of(String s) {
        if (s == null || s.isEmpty()) {
            return s == null ? null : "";
        }
        String held = seen.putIfAbsent(s, s);
        return held == null ? s : held;
    }
}
