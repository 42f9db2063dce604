package wirelens.ui.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.text.Text;
import wirelens.capture.CaptureIndex;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.ui.base.Styles;
import wirelens.ui.stream.StreamView.Mode;

/**
 * What one line of a stream view shows, drawn on demand: a chunk's separator (and where TLS began, a
 * TLS separator before it), or a line of its text or
 * hex from bytes read back through the chunk cache, cut into runs where the selection starts and ends.
 * Each drawn run carries a {@link HitMap} from its characters to stream positions, so a pointer is
 * mapped back to the byte (hex) or the gap between bytes (text) under it.
 */
final class StreamLines {
    private final long connectionId;
    private final CaptureIndex index;
    private final StreamLayout layout;
    private final ChunkCache cache;

    StreamLines(long connectionId, CaptureIndex index, StreamLayout layout, ChunkCache cache) {
        this.connectionId = connectionId;
        this.index = index;
        this.layout = layout;
        this.cache = cache;
    }

    /** Fills {@code out} with the Text nodes of one line. */
    void render(int line, List<Node> out, Mode mode, StreamText.Charset charset, long selFrom, long selTo) {
        out.clear();
        int c = layout.chunkAtLine(mode, line);
        if (c < 0) {
            return;
        }
        ChunkInfo info = layout.chunk(c);
        String dirClass = Styles.of(info.direction());
        long k = line - layout.firstLine(mode, c);
        int header = layout.headerLines(c);
        if (k == 0 && header == 2) {
            out.add(text(StreamText.tlsSeparator(layout.tlsStartingAt(c)), Styles.SEPARATOR));
            return;
        }
        if (k == header - 1) {
            ConnectionInfo conn = index.connection(connectionId).orElse(null);
            long offset = conn == null ? 0 : info.timeNanos() - conn.openedNanos();
            out.add(text(StreamText.separator(c, offset, info.direction(), layout.length(c), info.edited(), info.dropped(),
                    info.injected()), Styles.SEPARATOR, dirClass));
            return;
        }
        ChunkCache.Entry entry = cache.get(info);
        if (entry.error() != null) {
            out.add(text(entry.error(), Styles.ESCAPE, dirClass));
            return;
        }
        byte[] bytes = entry.bytes();
        int contentLine = (int) (k - header);
        long base = layout.byteFirst(c);
        if (mode == Mode.HEX) {
            int from = contentLine * StreamText.HEX_BYTES_PER_LINE;
            int to = Math.min(bytes.length, from + StreamText.HEX_BYTES_PER_LINE);
            String[] parts = StreamText.hexLine(layout.directionOffset(c) + from, bytes, from, to);
            out.add(text(parts[0], Styles.OFFSET));
            // the hex column: byte i's two digits sit at 3i (+1 past the gap after 8 bytes)
            String hex = parts[1];
            long[] pos = new long[hex.length()];
            boolean[] selected = new boolean[hex.length()];
            for (int ch = 0; ch < hex.length(); ch++) {
                int i = Math.min(to - from - 1, (ch - (ch > 24 ? 1 : 0)) / 3);
                pos[ch] = base + from + Math.max(0, i);
            }
            for (int i = 0; i < to - from; i++) {
                int at = 3 * i + (i >= 8 ? 1 : 0);
                boolean in = inside(base + from + i, selFrom, selTo);
                boolean nextIn = i + 1 < to - from && inside(base + from + i + 1, selFrom, selTo);
                selected[at] = in;
                selected[at + 1] = in;
                selected[at + 2] = in && nextIn; // the space between two selected bytes
                if (i == 7 && in && nextIn) {
                    selected[at + 3] = true; // the gap after 8 bytes
                }
            }
            addRuns(out, hex, pos, selected, base + to, true, dirClass);
            String ascii = parts[2];
            long[] asciiPos = new long[ascii.length()];
            boolean[] asciiSelected = new boolean[ascii.length()];
            for (int i = 0; i < ascii.length(); i++) {
                asciiPos[i] = base + from + i;
                asciiSelected[i] = inside(asciiPos[i], selFrom, selTo);
            }
            addRuns(out, ascii, asciiPos, asciiSelected, base + to, true, dirClass, Styles.HEX_ASCII);
        } else {
            int[] starts = entry.lineStarts();
            if (contentLine >= starts.length) {
                return;
            }
            int from = starts[contentLine];
            int to = contentLine + 1 < starts.length ? starts[contentLine + 1] : bytes.length;
            List<StreamText.Unit> units = StreamText.units(bytes, from, to, charset);
            // runs of escapes and of plain text, each cut where the selection starts or ends
            int u = 0;
            while (u < units.size()) {
                boolean escape = units.get(u).escape();
                int end = u;
                StringBuilder run = new StringBuilder();
                while (end < units.size() && units.get(end).escape() == escape) {
                    run.append(units.get(end).text());
                    end++;
                }
                long[] pos = new long[run.length()];
                boolean[] selected = new boolean[run.length()];
                int ch = 0;
                for (int i = u; i < end; i++) {
                    StreamText.Unit unit = units.get(i);
                    boolean in = inside(base + unit.byteFrom(), selFrom, selTo);
                    for (int n = 0; n < unit.text().length(); n++, ch++) {
                        pos[ch] = base + unit.byteFrom();
                        selected[ch] = in;
                    }
                }
                long runEnd = base + units.get(end - 1).byteTo();
                if (escape) {
                    addRuns(out, run.toString(), pos, selected, runEnd, false, dirClass, Styles.ESCAPE);
                } else {
                    addRuns(out, run.toString(), pos, selected, runEnd, false, dirClass);
                }
                u = end;
            }
        }
    }

    private static boolean inside(long position, long from, long to) {
        return position >= from && position < to;
    }

    /**
     * Where the characters of a drawn piece of a line are in the stream. {@code pos[i]} is the byte that
     * character i shows; {@code end} the position just after the piece. With {@code cells} (hex view) a
     * pointer picks the byte under it, otherwise the gap between characters nearest to it.
     * <p>
     * A class, not a record: the node keeps it in its properties map, which compares old and new values
     * on every redraw, and a record's generated equals makes its first caller spin method handles for
     * tens of ms (measured: 50 ms on the FX thread, the longest stall of a live view's first second of
     * traffic). Identity is also what equality means here.
     */
    private static final class HitMap {
        private final long[] pos;
        private final long end;
        private final boolean cells;

        HitMap(long[] pos, long end, boolean cells) {
            this.pos = pos;
            this.end = end;
            this.cells = cells;
        }

        long[] pos() {
            return pos;
        }

        long end() {
            return end;
        }

        boolean cells() {
            return cells;
        }
    }

    /** Adds {@code s} as Text nodes, cut into runs of selected and unselected characters; selected ones highlighted. */
    private static void addRuns(List<Node> out, String s, long[] pos, boolean[] selected, long end, boolean cells,
            String... styleClasses) {
        int i = 0;
        while (i < s.length()) {
            int j = i;
            while (j < s.length() && selected[j] == selected[i]) {
                j++;
            }
            Text t = text(s.substring(i, j), styleClasses);
            HitMap hits = new HitMap(Arrays.copyOfRange(pos, i, j), j < s.length() ? pos[j] : end, cells);
            t.setUserData(hits);
            if (selected[i]) {
                javafx.scene.layout.StackPane highlight = new javafx.scene.layout.StackPane(t);
                highlight.getStyleClass().add(Styles.SELECTION);
                highlight.setUserData(hits);
                out.add(highlight);
            } else {
                out.add(t);
            }
            i = j;
        }
    }

    /** The Text of a node a line is drawn with (a selected run sits in a highlight pane). */
    static Text textOf(Node n) {
        return n instanceof Text t ? t : (Text) ((javafx.scene.Parent) n).getChildrenUnmodifiable().get(0);
    }

    private static Text text(String s, String... styleClasses) {
        Text t = new Text(s);
        t.getStyleClass().addAll(styleClasses);
        return t;
    }

    /**
     * The stream position under the pointer on a line: hit-tests the drawn text. Cells: the byte under it
     * (-1 on a separator); otherwise the gap between bytes nearest to it.
     */
    long positionAt(Mode mode, int line, Node row, double sceneX, boolean cells) {
        HitMap last = null;
        if (row instanceof javafx.scene.Parent parent) {
            for (Node n : parent.getChildrenUnmodifiable()) {
                if (!(n.getUserData() instanceof HitMap hits)) {
                    continue;
                }
                javafx.geometry.Bounds b = n.localToScene(n.getBoundsInLocal());
                if (last == null && sceneX < b.getMinX()) {
                    return hits.pos()[0];
                }
                last = hits;
                if (sceneX < b.getMaxX()) {
                    Text t = textOf(n);
                    javafx.geometry.Point2D local = t.sceneToLocal(sceneX, b.getCenterY());
                    javafx.scene.text.HitInfo hit = t.hitTest(new javafx.geometry.Point2D(local.getX(),
                            t.getLayoutBounds().getCenterY()));
                    int length = hits.pos().length;
                    if (hits.cells()) {
                        return hits.pos()[Math.max(0, Math.min(length - 1, hit.getCharIndex()))];
                    }
                    int i = hit.getInsertionIndex();
                    return i < length ? hits.pos()[Math.max(0, i)] : hits.end();
                }
            }
        }
        if (last != null) {
            return cells ? last.pos()[last.pos().length - 1] : last.end();
        }
        long[] range = lineRange(mode, line);
        return cells && range[0] == range[1] ? -1 : range[0];
    }

    /** The stream positions {from, to} of the bytes a line shows (equal for a separator). */
    long[] lineRange(Mode mode, int line) {
        int c = layout.chunkAtLine(mode, line);
        if (c < 0) {
            return new long[] {0, 0};
        }
        long k = line - layout.firstLine(mode, c);
        if (k < layout.headerLines(c)) {
            return new long[] {layout.byteFirst(c), layout.byteFirst(c)};
        }
        int contentLine = (int) (k - layout.headerLines(c));
        int from;
        int to;
        if (mode == Mode.HEX) {
            from = Math.min(layout.length(c), contentLine * StreamText.HEX_BYTES_PER_LINE);
            to = Math.min(layout.length(c), from + StreamText.HEX_BYTES_PER_LINE);
        } else {
            ChunkCache.Entry entry = cache.get(layout.chunk(c));
            int[] starts = entry.lineStarts();
            if (contentLine >= starts.length) {
                return new long[] {layout.byteFirst(c) + layout.length(c), layout.byteFirst(c) + layout.length(c)};
            }
            from = starts[contentLine];
            to = contentLine + 1 < starts.length ? starts[contentLine + 1] : entry.bytes().length;
        }
        return new long[] {layout.byteFirst(c) + from, layout.byteFirst(c) + to};
    }

    /** The content line showing stream position {@code p} (its chunk's separator when it has no bytes). */
    long lineOfPosition(Mode mode, long p) {
        int c = layout.chunkAtPosition(p);
        if (c < 0) {
            return -1;
        }
        int offset = (int) (p - layout.byteFirst(c));
        long line;
        if (layout.length(c) == 0) {
            line = layout.firstLine(mode, c);
        } else if (mode == Mode.HEX) {
            line = layout.firstLine(mode, c) + layout.headerLines(c) + Math.min(offset, layout.length(c) - 1) / StreamText.HEX_BYTES_PER_LINE;
        } else {
            int[] starts = cache.get(layout.chunk(c)).lineStarts();
            int i = Arrays.binarySearch(starts, offset);
            i = i >= 0 ? i : Math.max(0, -i - 2);
            line = layout.firstLine(mode, c) + layout.headerLines(c) + i;
        }
        return line;
    }

    /**
     * For tests that drive the mouse: the screen bounds of the character drawing the byte at stream
     * position {@code p} (in the hex view, in the hex column or with {@code ascii} in the ASCII column),
     * or null when it is not on screen.
     */
    static javafx.geometry.Bounds screenBoundsOf(Node row, Mode mode, long p, boolean ascii) {
        if (!(row instanceof javafx.scene.Parent parent)) {
            return null;
        }
        for (Node n : parent.getChildrenUnmodifiable()) {
            if (!(n.getUserData() instanceof HitMap hits)) {
                continue;
            }
            Text t = textOf(n);
            if (mode == Mode.HEX && t.getStyleClass().contains(Styles.HEX_ASCII) != ascii) {
                continue;
            }
            for (int i = 0; i < hits.pos().length; i++) {
                if (hits.pos()[i] == p) {
                    Text before = new Text(t.getText().substring(0, i));
                    Text through = new Text(t.getText().substring(0, i + 1));
                    before.setFont(t.getFont());
                    through.setFont(t.getFont());
                    javafx.geometry.Bounds all = t.getLayoutBounds();
                    double x = all.getMinX() + before.getLayoutBounds().getWidth();
                    return t.localToScreen(new javafx.geometry.BoundingBox(x, all.getMinY(),
                            through.getLayoutBounds().getWidth() - before.getLayoutBounds().getWidth(),
                            all.getHeight()));
                }
            }
        }
        return null;
    }

    /** Texts drawn highlighted as selected now (for tests). */
    static List<String> highlightedTexts(javafx.scene.Parent list) {
        List<String> out = new ArrayList<>();
        collectHighlighted(list, out);
        return out;
    }

    private static void collectHighlighted(javafx.scene.Parent parent, List<String> out) {
        for (Node n : parent.getChildrenUnmodifiable()) {
            if (n.getStyleClass().contains(Styles.SELECTION) && n.isVisible() && n.getParent().isVisible()) {
                out.add(textOf(n).getText());
            } else if (n instanceof javafx.scene.Parent p && n.isVisible()) {
                collectHighlighted(p, out);
            }
        }
    }
}
