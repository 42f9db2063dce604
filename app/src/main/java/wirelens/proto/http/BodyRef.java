package wirelens.proto.http;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a body's content lies in its direction's byte stream: ranges of stream positions, in order,
 * with chunked framing left out. The bytes themselves stay in the capture (see {@link ByteSource}), so
 * a 1 GiB body costs a few ranges of heap. Adjacent ranges are merged.
 */
public record BodyRef(List<Range> ranges, long length) {

    public static final BodyRef EMPTY = new BodyRef(List.of(), 0);

    /** {@code length} bytes starting at stream position {@code position}. */
    public record Range(long position, long length) {
        public long end() {
            return position + length;
        }
    }

    public BodyRef {
        ranges = List.copyOf(ranges);
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** Collects ranges as a body arrives. */
    static final class Builder {
        private final List<Range> ranges = new ArrayList<>();
        private long length;
        private BodyRef built = EMPTY;

        void add(long position, long n) {
            if (n <= 0) {
                return;
            }
            int last = ranges.size() - 1;
            if (last >= 0 && ranges.get(last).end() == position) {
                ranges.set(last, new Range(ranges.get(last).position(), ranges.get(last).length() + n));
            } else {
                ranges.add(new Range(position, n));
            }
            length += n;
            built = null;
        }

        long length() {
            return length;
        }

        BodyRef build() {
            if (built == null) {
                built = new BodyRef(ranges, length);
            }
            return built;
        }
    }
}
