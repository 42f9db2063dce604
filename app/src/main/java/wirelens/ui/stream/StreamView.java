package wirelens.ui.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.text.Text;
import javafx.util.Subscription;
import wirelens.base.AtomicFiles;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.Direction;
import wirelens.ui.base.Background;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Pulse;
import wirelens.ui.base.Styles;
import wirelens.ui.intercept.InterceptCompare;

/**
 * One connection's stream, live: every chunk in order with a separator line, as text or hex. The list
 * is virtual: it holds only a line layout (a few numbers per chunk, computed off the FX thread), and
 * each visible line is rendered from chunk bytes read back from the capture file, so a connection of
 * any size opens at once and memory stays flat.
 */
public final class StreamView {
    public enum Mode { TEXT, HEX }

    /** Most bytes copied to the clipboard at once; more is a job for "Save". */
    static final int COPY_LIMIT = 32 << 20;
    private static final int JOB_CHUNKS = 4096;
    private static final long JOB_BYTES = 16L << 20;
    private static final double LINE_HEIGHT = 17;

    /** Text line counts of chunks {@code from..}, computed by a layout job. */
    private record Piece(int from, int[] displayLengths, int[] textLines) {}

    private final long connectionId;
    private final CaptureIndex index;
    private final CaptureFile file;
    private final Notifier notifier;
    private final FileDialogs dialogs;
    private final ChunkCache cache;

    // layout, FX thread only
    private int chunks;
    private long[] textFirst = new long[64];
    private long[] hexFirst = new long[64];
    private long[] directionOffset = new long[64];
    /** Where each chunk's bytes start in the whole stream (both directions, in order): selection positions. */
    private long[] byteFirst = new long[64];
    private long totalBytes;
    private int[] lengths = new int[64];
    private long textLines;
    private long hexLines;
    private final long[] directionTotals = new long[2];
    private int requested;
    private final AtomicBoolean jobRunning = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Piece> pieces = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private final Subscription following;

    private Mode mode;
    private StreamText.Charset charset = StreamText.Charset.UTF_8;
    /** The shortest time between two showings of a growing stream's new lines (20 a second). */
    private static final long SHOW_GROWTH_EVERY_NANOS = 50_000_000L;
    /** The same while the window is behind (its pulses came late): a full frame is what it cannot afford. */
    private static final long SHOW_GROWTH_BEHIND_NANOS = 150_000_000L;
    private boolean userMoved;

    // selection, FX thread only: positions between bytes of the whole stream, so appends never move it
    private long anchor = -1;
    private long caret = -1;
    /** Hex view: the byte the mouse went down on (a press selects whole bytes there). */
    private long cellAnchor = -1;
    /** The line of the last click or caret move (the compare pane shows its chunk), or -1. */
    private int caretLine = -1;
    /** Pulses to wait after the user moved before judging "at the end" (the list lays out in between). */
    private int settle;
    /** When the view last showed new lines (System.nanoTime). */
    private long grewShownAt;
    /** Chunks whose lines the view shows (laid out ones may wait for the next showing). */
    private int shownChunks;

    private final LineView list = new LineView(this::render, LINE_HEIGHT);
    private final Label placeholder = new Label();
    private final ToggleButton follow = new ToggleButton("Follow");
    private final ToggleButton textButton = new ToggleButton("Text");
    private final ToggleButton hexButton = new ToggleButton("Hex");
    private final ChoiceBox<StreamText.Charset> charsetBox = new ChoiceBox<>();
    private final Label summary = new Label();
    private final BorderPane root = new BorderPane();
    /** Original and forwarded bytes of the selected chunk, when a rule or the user changed it. */
    private final InterceptCompare compare = new InterceptCompare();

    public StreamView(ConnectionInfo connection, CaptureIndex index, CaptureFile file, Mode mode, Notifier notifier,
            FileDialogs dialogs, Pulse pulse) {
        this.connectionId = connection.id();
        this.index = index;
        this.file = file;
        this.notifier = notifier;
        this.dialogs = dialogs;
        this.mode = mode;
        this.cache = new ChunkCache(file);

        list.setId("stream-" + connectionId);
        placeholder.setText(file == null ? "This session is not recorded to a file: no bytes to show." : "No bytes yet.");
        placeholder.setMouseTransparent(true);
        for (var type : List.of(ScrollEvent.SCROLL, MouseEvent.MOUSE_DRAGGED, MouseEvent.MOUSE_RELEASED)) {
            list.addEventFilter(type, e -> userMoved = true);
        }
        list.addEventFilter(KeyEvent.KEY_PRESSED, e -> userMoved = true);
        list.addEventHandler(KeyEvent.KEY_PRESSED, this::key);
        list.setPointer(this::pointerAt);
        javafx.scene.control.ContextMenu menu = new javafx.scene.control.ContextMenu(
                menuItem("Copy as text", "copy-text", () -> copy(true)),
                menuItem("Copy as hex", "copy-hex", () -> copy(false)));
        menu.setId("stream-menu");
        list.setOnContextMenuRequested(e -> {
            if (!menu.isShowing()) {
                menu.show(list, e.getScreenX(), e.getScreenY());
            }
            e.consume();
        });
        // not every platform makes a context-menu request of a right click (Monocle does not)
        list.addEventHandler(MouseEvent.MOUSE_PRESSED, e -> {
            if (e.getButton() == javafx.scene.input.MouseButton.SECONDARY && !menu.isShowing()) {
                menu.show(list, e.getScreenX(), e.getScreenY());
            }
        });

        follow.setSelected(true);
        follow.setId("follow");
        follow.selectedProperty().addListener((o, was, now) -> {
            if (now) {
                scrollToEnd();
            }
        });
        ToggleGroup modes = new ToggleGroup();
        textButton.setToggleGroup(modes);
        hexButton.setToggleGroup(modes);
        textButton.setId("mode-text");
        hexButton.setId("mode-hex");
        (mode == Mode.TEXT ? textButton : hexButton).setSelected(true);
        modes.selectedToggleProperty().addListener((o, was, now) -> {
            if (now == null) {
                was.setSelected(true); // one mode is always chosen
            } else {
                setMode(now == textButton ? Mode.TEXT : Mode.HEX);
            }
        });
        charsetBox.getItems().setAll(StreamText.Charset.values());
        charsetBox.setValue(charset);
        charsetBox.setId("charset");
        charsetBox.valueProperty().addListener((o, was, now) -> {
            charset = now;
            list.refresh();
        });

        MenuButton copy = new MenuButton("Copy");
        copy.getItems().addAll(menuItem("Copy selection as text", null, () -> copy(true)),
                menuItem("Copy selection as hex", null, () -> copy(false)));
        MenuButton save = new MenuButton("Save");
        save.setId("save-stream");
        MenuItem saveC2s = new MenuItem("Save client \u2192 server bytes\u2026");
        saveC2s.setOnAction(e -> chooseAndSave(Direction.CLIENT_TO_SERVER));
        MenuItem saveS2c = new MenuItem("Save server \u2192 client bytes\u2026");
        saveS2c.setOnAction(e -> chooseAndSave(Direction.SERVER_TO_CLIENT));
        MenuItem saveBoth = new MenuItem("Save both directions, interleaved\u2026");
        saveBoth.setOnAction(e -> chooseAndSave(null));
        save.getItems().addAll(saveC2s, saveS2c, saveBoth);

        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        summary.setId("stream-summary");
        ToolBar bar = new ToolBar(textButton, hexButton, charsetBox, follow, copy, save, spacer, summary);
        root.setTop(bar);
        root.setCenter(new javafx.scene.layout.StackPane(list, placeholder));
        root.setBottom(compare.node());
        updateSummary();
        following = pulse.add((now, behind) -> pulse(behind));
    }

    private static MenuItem menuItem(String text, String id, Runnable action) {
        MenuItem item = new MenuItem(text);
        item.setId(id);
        item.setOnAction(e -> action.run());
        return item;
    }

    public Node node() {
        return root;
    }

    public long connectionId() {
        return connectionId;
    }

    public LineView list() {
        return list;
    }

    public Mode mode() {
        return mode;
    }

    public boolean following() {
        return follow.isSelected();
    }

    /**
     * Called once per pulse on the FX thread: takes finished layout work, starts more, follows.
     * {@code windowBehind}: the window's pulses came late lately, so new lines are shown less often.
     */
    public void pulse(boolean windowBehind) {
        if (userMoved) {
            userMoved = false;
            settle = 2;
        } else if (settle > 0 && --settle == 0) {
            follow.setSelected(atEnd());
        }
        Piece p;
        while ((p = pieces.poll()) != null) {
            apply(p);
        }
        // a stream that grows on every pulse is shown at most SHOW_GROWTH_EVERY_NANOS apart: each
        // showing redraws every row (a followed stream's rows all change), and at 60 a second that work
        // and its painting take the FX and render threads more CPU than a small machine can spare while
        // it also relays and records the traffic (pulses then came up to 100 ms apart); nobody reads
        // faster than 20 screens a second, and a quiet stream's new chunk still shows at the next pulse
        long now = System.nanoTime();
        if (shownChunks != chunks && now - grewShownAt >= (windowBehind ? SHOW_GROWTH_BEHIND_NANOS : SHOW_GROWTH_EVERY_NANOS)) {
            grewShownAt = now;
            shownChunks = chunks;
            list.setLineCount(modeLineCount());
            placeholder.setVisible(list.lineCount() == 0);
            updateSummary();
            if (follow.isSelected() && settle == 0) {
                scrollToEnd();
            }
        }
        startLayoutJob();
    }

    /** Stops background work and drops cached bytes (the tab was closed). */
    public void close() {
        closed = true;
        following.unsubscribe();
        cache.clear();
    }

    /** Text of what the view shows at line {@code line}, without styles (for tests and copy). */
    public String lineText(int line) {
        List<Node> nodes = new ArrayList<>();
        render(line, nodes);
        StringBuilder s = new StringBuilder();
        for (Node n : nodes) {
            s.append(textOf(n).getText());
        }
        return s.toString();
    }

    public int lineCount() {
        return list.lineCount();
    }

    /** Chunks shown so far. */
    public int chunkCount() {
        return shownChunks;
    }

    public void setMode(Mode newMode) {
        if (newMode == mode) {
            return;
        }
        int topChunk = chunkAtLine(firstVisibleLine());
        mode = newMode;
        (mode == Mode.TEXT ? textButton : hexButton).setSelected(true);
        list.setLineCount(modeLineCount());
        // the selection is in bytes and stays; the caret's line is another one in this mode
        caretLine = anchor < 0 ? -1 : lineOfPosition(Math.min(anchor, caret));
        list.refresh();
        showCompare();
        if (follow.isSelected() || topChunk < 0) {
            scrollToEnd();
        } else {
            list.scrollTo((int) first()[topChunk]);
        }
    }

    // ---- layout ------------------------------------------------------------------------

    private void startLayoutJob() {
        if (closed || jobRunning.get()) {
            return;
        }
        int available = index.chunkCount(connectionId);
        if (available <= requested) {
            return;
        }
        int from = requested;
        int to = (int) Math.min(available, (long) from + JOB_CHUNKS);
        jobRunning.set(true);
        // jobRunning is cleared by apply() on the FX thread, so the next job starts where this one ended
        // and a view never has two jobs in flight
        Background.execute(() -> {
            Piece piece;
            try {
                piece = layout(from, to);
            } catch (RuntimeException e) {
                piece = new Piece(from, new int[0], new int[0]);
            }
            pieces.add(piece);
        });
    }

    /** On a background thread: display length and text line count of chunks {@code from..to} (may stop early). */
    private Piece layout(int from, int to) {
        List<ChunkInfo> infos = index.chunks(connectionId, from, to - from);
        int[] displayLengths = new int[infos.size()];
        int[] textLineCounts = new int[infos.size()];
        long read = 0;
        int n = 0;
        for (ChunkInfo c : infos) {
            if (closed || read > JOB_BYTES) {
                break;
            }
            displayLengths[n] = displayLength(c);
            textLineCounts[n] = textLineCount(c);
            read += displayLengths[n];
            n++;
        }
        return new Piece(from, Arrays.copyOf(displayLengths, n), Arrays.copyOf(textLineCounts, n));
    }

    /** Reused by each background thread: reading a whole stream back makes no garbage. */
    private static final ThreadLocal<byte[]> LAYOUT_BUFFER = ThreadLocal.withInitial(() -> new byte[256 << 10]);

    /** On a background thread: how many text lines a chunk shows (1 for a chunk that cannot be read). */
    private int textLineCount(ChunkInfo c) {
        if (file == null) {
            return 1;
        }
        if (c.dropped()) {
            byte[] bytes = ChunkCache.readDisplayBytes(file, c);
            return bytes == null ? 1 : StreamText.lineCount(bytes);
        }
        try {
            byte[] bytes = file.forwarded(c, LAYOUT_BUFFER.get());
            if (bytes.length <= 4 << 20) {
                LAYOUT_BUFFER.set(bytes); // keep a grown buffer, within reason
            }
            return StreamText.lineCount(bytes, c.forwardedLength());
        } catch (IOException e) {
            return 1;
        }
    }

    private void apply(Piece p) {
        int n = p.displayLengths.length;
        ensureCapacity(chunks + n);
        for (int i = 0; i < n; i++) {
            int c = chunks;
            ChunkInfo info = index.chunk(connectionId, c);
            int length = p.displayLengths[i];
            lengths[c] = length;
            textFirst[c] = textLines;
            textLines += 1 + p.textLines[i];
            hexFirst[c] = hexLines;
            hexLines += 1 + StreamText.hexLineCount(length);
            int d = info.direction() == Direction.CLIENT_TO_SERVER ? 0 : 1;
            directionOffset[c] = directionTotals[d];
            directionTotals[d] += length;
            byteFirst[c] = totalBytes;
            totalBytes += length;
            chunks++;
        }
        requested = chunks; // a job that stopped early (byte limit) is continued from here
        jobRunning.set(false);
    }

    private void ensureCapacity(int n) {
        if (n > textFirst.length) {
            int size = Math.max(n, textFirst.length * 2);
            textFirst = Arrays.copyOf(textFirst, size);
            hexFirst = Arrays.copyOf(hexFirst, size);
            directionOffset = Arrays.copyOf(directionOffset, size);
            lengths = Arrays.copyOf(lengths, size);
            byteFirst = Arrays.copyOf(byteFirst, size);
        }
    }

    static int displayLength(ChunkInfo c) {
        return c.dropped() ? c.originalLength() : c.forwardedLength();
    }

    private long[] first() {
        return mode == Mode.TEXT ? textFirst : hexFirst;
    }

    private int modeLineCount() {
        return (int) Math.min(Integer.MAX_VALUE - 8, mode == Mode.TEXT ? textLines : hexLines);
    }

    public InterceptCompare compare() {
        return compare;
    }

    private void showCompare() {
        int c = chunkAtLine(caretLine);
        compare.show(c < 0 ? null : index.chunk(connectionId, c), file, mode == Mode.HEX);
    }

    /** The chunk that line {@code line} belongs to, or -1. */
    private int chunkAtLine(int line) {
        if (line < 0 || chunks == 0) {
            return -1;
        }
        int i = Arrays.binarySearch(first(), 0, chunks, line);
        return i >= 0 ? i : -i - 2;
    }

    // ---- rendering ---------------------------------------------------------------------

    /** Fills {@code out} with the Text nodes of one line. */
    private void render(int line, List<Node> out) {
        out.clear();
        int c = chunkAtLine(line);
        if (c < 0) {
            return;
        }
        ChunkInfo info = index.chunk(connectionId, c);
        String dirClass = Styles.of(info.direction());
        long k = line - first()[c];
        if (k == 0) {
            ConnectionInfo conn = index.connection(connectionId).orElse(null);
            long offset = conn == null ? 0 : info.timeNanos() - conn.openedNanos();
            out.add(text(StreamText.separator(c, offset, info.direction(), lengths[c], info.edited(), info.dropped(),
                    info.injected()), Styles.SEPARATOR, dirClass));
            return;
        }
        ChunkCache.Entry entry = cache.get(info);
        if (entry.error() != null) {
            out.add(text(entry.error(), Styles.ESCAPE, dirClass));
            return;
        }
        byte[] bytes = entry.bytes();
        int contentLine = (int) (k - 1);
        long base = byteFirst[c];
        long selFrom = Math.min(anchor, caret);
        long selTo = Math.max(anchor, caret);
        if (mode == Mode.HEX) {
            int from = contentLine * StreamText.HEX_BYTES_PER_LINE;
            int to = Math.min(bytes.length, from + StreamText.HEX_BYTES_PER_LINE);
            String[] parts = StreamText.hexLine(directionOffset[c] + from, bytes, from, to);
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
    private static Text textOf(Node n) {
        return n instanceof Text t ? t : (Text) ((javafx.scene.Parent) n).getChildrenUnmodifiable().get(0);
    }

    private static Text text(String s, String... styleClasses) {
        Text t = new Text(s);
        t.getStyleClass().addAll(styleClasses);
        return t;
    }

    // ---- follow ------------------------------------------------------------------------

    public int firstVisibleLine() {
        return list.firstVisibleLine();
    }

    public int lastVisibleLine() {
        return list.lastVisibleLine();
    }

    private boolean atEnd() {
        return list.atEnd();
    }

    private void scrollToEnd() {
        list.scrollToEnd();
    }

    // ---- copy and save -----------------------------------------------------------------

    /** The selected bytes, in stream order (both directions as they came), or none. */
    byte[] selectedBytes() throws IOException {
        long from = Math.min(anchor, caret);
        long to = Math.max(anchor, caret);
        if (from < 0 || to <= from) {
            return new byte[0];
        }
        if (to - from > COPY_LIMIT) {
            throw new IOException("the selection is larger than " + (COPY_LIMIT >> 20)
                    + " MiB; use Save to write it to a file");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) (to - from));
        for (int c = chunkAtPosition(from); c >= 0 && c < chunks && byteFirst[c] < to; c++) {
            if (lengths[c] == 0) {
                continue;
            }
            byte[] bytes = ChunkCache.readDisplayBytes(file, index.chunk(connectionId, c));
            if (bytes == null) {
                throw new IOException("chunk " + (c + 1) + " cannot be read from the capture file");
            }
            int a = (int) Math.max(0, from - byteFirst[c]);
            int b = (int) Math.min(bytes.length, to - byteFirst[c]);
            if (b > a) {
                out.write(bytes, a, b - a);
            }
        }
        return out.toByteArray();
    }

    public void copy(boolean asText) {
        try {
            byte[] bytes = selectedBytes();
            if (bytes.length == 0) {
                notifier.info("Select bytes to copy first: drag over them, shift-click, shift+arrows, or Ctrl+A.");
                return;
            }
            ClipboardContent content = new ClipboardContent();
            content.putString(asText ? new String(bytes, charset.java()) : StreamText.hexDump(bytes));
            Clipboard.getSystemClipboard().setContent(content);
        } catch (IOException e) {
            notifier.error("Cannot copy: " + e.getMessage());
        }
    }

    // ---- selection ---------------------------------------------------------------------

    /** Selects the bytes {@code [from, to)} of the stream (a caret when equal). */
    public void select(long from, long to) {
        anchor = clamp(from);
        caret = clamp(to);
        cellAnchor = -1;
        caretLine = lineOfPosition(Math.min(anchor, caret));
        selectionChanged();
    }

    /** The selection as {from, to} stream positions, or null. */
    public long[] selection() {
        return anchor < 0 ? null : new long[] {Math.min(anchor, caret), Math.max(anchor, caret)};
    }

    private long clamp(long position) {
        return Math.max(0, Math.min(totalBytes, position));
    }

    private void selectionChanged() {
        list.refresh();
        showCompare();
    }

    /** A press (or drag) on a line: the text view puts the caret between bytes, the hex view picks whole bytes. */
    private void pointerAt(int line, Node row, double sceneX, boolean extend, boolean dragging) {
        caretLine = line;
        if (mode == Mode.HEX) {
            long cell = positionAt(line, row, sceneX, true);
            if (cell < 0 || totalBytes == 0) {
                if (!dragging && !extend) {
                    anchor = caret = cellAnchor = -1; // a separator: nothing selected, its chunk compared
                }
                selectionChanged();
                return;
            }
            cell = Math.min(cell, totalBytes - 1);
            if (!(extend && (cellAnchor >= 0 || anchor >= 0))) {
                cellAnchor = cell;
            } else if (cellAnchor < 0) {
                cellAnchor = anchor == caret ? Math.min(anchor, totalBytes - 1) : anchor;
            }
            anchor = cell >= cellAnchor ? cellAnchor : cellAnchor + 1;
            caret = cell >= cellAnchor ? cell + 1 : cell;
        } else {
            long p = positionAt(line, row, sceneX, false);
            if (!extend || anchor < 0) {
                anchor = p;
            }
            caret = p;
            cellAnchor = -1;
        }
        selectionChanged();
    }

    /**
     * The stream position under the pointer on a line: hit-tests the drawn text. Cells: the byte under it
     * (-1 on a separator); otherwise the gap between bytes nearest to it.
     */
    private long positionAt(int line, Node row, double sceneX, boolean cells) {
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
        long[] range = lineRange(line);
        return cells && range[0] == range[1] ? -1 : range[0];
    }

    /** The stream positions {from, to} of the bytes a line shows (equal for a separator). */
    private long[] lineRange(int line) {
        int c = chunkAtLine(line);
        if (c < 0) {
            return new long[] {0, 0};
        }
        long k = line - first()[c];
        if (k == 0) {
            return new long[] {byteFirst[c], byteFirst[c]};
        }
        int contentLine = (int) (k - 1);
        int from;
        int to;
        if (mode == Mode.HEX) {
            from = Math.min(lengths[c], contentLine * StreamText.HEX_BYTES_PER_LINE);
            to = Math.min(lengths[c], from + StreamText.HEX_BYTES_PER_LINE);
        } else {
            ChunkCache.Entry entry = cache.get(index.chunk(connectionId, c));
            int[] starts = entry.lineStarts();
            if (contentLine >= starts.length) {
                return new long[] {byteFirst[c] + lengths[c], byteFirst[c] + lengths[c]};
            }
            from = starts[contentLine];
            to = contentLine + 1 < starts.length ? starts[contentLine + 1] : entry.bytes().length;
        }
        return new long[] {byteFirst[c] + from, byteFirst[c] + to};
    }

    /**
     * For tests that drive the mouse: the screen bounds of the character drawing the byte at stream
     * position {@code p} (in the hex view, in the hex column or with {@code ascii} in the ASCII column),
     * or null when it is not on screen.
     */
    public javafx.geometry.Bounds screenBoundsOf(long p, boolean ascii) {
        int line = lineOfPosition(p);
        Node row = line < 0 ? null : list.rowOf(line);
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
    public List<String> highlightedTexts() {
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

    /** The chunk holding stream position {@code p}: the last one starting at or before it (-1 if none). */
    private int chunkAtPosition(long p) {
        int lo = 0;
        int hi = chunks - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (byteFirst[mid] <= p) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // a position at the very end belongs to the last chunk with bytes
        while (found > 0 && p >= byteFirst[found] + lengths[found] && lengths[found] == 0) {
            found--;
        }
        return found;
    }

    /** The content line showing stream position {@code p} (its chunk's separator when it has no bytes). */
    private int lineOfPosition(long p) {
        int c = chunkAtPosition(p);
        if (c < 0) {
            return -1;
        }
        int offset = (int) (p - byteFirst[c]);
        long line;
        if (lengths[c] == 0) {
            line = first()[c];
        } else if (mode == Mode.HEX) {
            line = first()[c] + 1 + Math.min(offset, lengths[c] - 1) / StreamText.HEX_BYTES_PER_LINE;
        } else {
            int[] starts = cache.get(index.chunk(connectionId, c)).lineStarts();
            int i = Arrays.binarySearch(starts, offset);
            i = i >= 0 ? i : Math.max(0, -i - 2);
            line = first()[c] + 1 + i;
        }
        return (int) Math.min(line, list.lineCount() - 1L);
    }

    /** Arrows move the caret (shift extends the selection), shift+Home/End select to either end, Ctrl+A all, Ctrl+C copies. */
    private void key(KeyEvent e) {
        KeyCode code = e.getCode();
        if (e.isShortcutDown() && code == KeyCode.C) {
            copy(!e.isShiftDown() && mode == Mode.TEXT);
            e.consume();
            return;
        }
        if (e.isShortcutDown() && code == KeyCode.A) {
          select(0, totalBytes);
            e.consume();
            return;
        }
        long from = caret < 0 ? (anchor < 0 ? -1 : anchor) : caret;
        if (from < 0) {
            int l = list.firstVisibleLine();
            from = chunks == 0 ? 0 : lineRange(l)[0];
        }
        long target;
        switch (code) {
            case LEFT -> target = from - 1;
            case RIGHT -> target = from + 1;
            case UP, DOWN -> target = verticalMove(from, code == KeyCode.UP ? -1 : 1);
            case HOME -> {
                if (!e.isShiftDown()) {
                    return;
                }
                target = 0;
            }
            case END -> {
                if (!e.isShiftDown()) {
                    return;
                }
                target = totalBytes;
            }
            default -> {
                return;
            }
        }
        e.consume();
        if (chunks == 0) {
            return;
        }
        target = clamp(target);
        if (!e.isShiftDown() || anchor < 0) {
            anchor = target;
        }
        caret = target;
        cellAnchor = -1;
        caretLine = lineOfPosition(target);
        if (caretLine >= 0) {
            list.ensureVisible(caretLine);
        }
        selectionChanged();
    }

    /** The position one line up or down from {@code p}, at the same offset within the line where it fits. */
    private long verticalMove(long p, int step) {
        int line = lineOfPosition(p);
        if (line < 0) {
            return p;
        }
        long[] here = lineRange(line);
        long column = p - here[0];
        int next = line + step;
        while (next >= 0 && next < list.lineCount()) {
            long[] there = lineRange(next);
            if (there[1] > there[0]) {
                return there[0] + Math.min(column, there[1] - there[0]);
            }
            next += step; // skip separators
        }
        return step < 0 ? 0 : totalBytes;
    }

    private void chooseAndSave(Direction direction) {
        String which = direction == null ? "both" : direction.shortName();
        dialogs.save(root.getScene().getWindow(), "Save bytes of connection " + connectionId,
                "connection-" + connectionId + "-" + which + ".bin").ifPresent(p -> save(p, direction));
    }

    /**
     * Writes the forwarded bytes of one direction (or both, interleaved in order) to {@code target} on a
     * background thread, then notifies. Null direction means both.
     */
    void save(Path target, Direction direction) {
        if (file == null) {
            notifier.error("Cannot save: this session is not recorded to a file.");
            return;
        }
        int count = index.chunkCount(connectionId);
        Background.execute(() -> {
            String result;
            boolean ok = false;
            try {
                long written = writeStream(target, direction, count);
                result = "Saved " + written + " bytes (" + (direction == null ? "both directions"
                        : direction == Direction.CLIENT_TO_SERVER ? "client \u2192 server" : "server \u2192 client")
                        + ") to " + target;
                ok = true;
            } catch (IOException e) {
                result = "Cannot save to " + target + ": " + e.getMessage();
            }
            String message = result;
            boolean success = ok;
            Platform.runLater(() -> {
                if (success) {
                    notifier.info(message);
                } else {
                    notifier.error(message);
                }
            });
        });
    }

    private long writeStream(Path target, Direction direction, int count) throws IOException {
        return AtomicFiles.write(target, out -> {
            long written = 0;
            for (int from = 0; from < count; from += 1024) {
                for (ChunkInfo c : index.chunks(connectionId, from, Math.min(1024, count - from))) {
                    if (direction == null || c.direction() == direction) {
                        byte[] b = file.forwarded(c);
                        out.write(b);
                        written += b.length;
                    }
                }
            }
            return written;
        });
    }

    private void updateSummary() {
        summary.setText(chunks + (chunks == 1 ? " chunk" : " chunks") + "   client \u2192 server "
                + Units.bytes(directionTotals[0]) + "   server \u2192 client "
                + Units.bytes(directionTotals[1]));
    }

    /** Recently shown chunks' bytes, bounded in total size; read from the capture file on a miss. */
    static final class ChunkCache {
        private static final long BUDGET = 16L << 20;

        record Entry(byte[] bytes, String error, int[][] starts) {
            int[] lineStarts() {
                if (starts[0] == null) {
                    starts[0] = StreamText.lineStarts(bytes);
                }
                return starts[0];
            }
        }

        private final CaptureFile file;
        private final Map<Integer, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
        private long size;

        ChunkCache(CaptureFile file) {
            this.file = file;
        }

        Entry get(ChunkInfo info) {
            Entry e = entries.get(info.index());
            if (e != null) {
                return e;
            }
            byte[] bytes = null;
            String error = null;
            if (file == null) {
                error = "(this session is not recorded to a file: no bytes to show)";
            } else {
                try {
                    bytes = info.dropped() ? file.original(info) : file.forwarded(info);
                } catch (IOException ex) {
                    error = "(cannot read this chunk from the capture file: " + ex.getMessage() + ")";
                }
            }
            e = new Entry(bytes == null ? new byte[0] : bytes, error, new int[1][]);
            entries.put(info.index(), e);
            size += e.bytes.length;
            var it = entries.entrySet().iterator();
            while (size > BUDGET && entries.size() > 1 && it.hasNext()) {
                Entry old = it.next().getValue();
                size -= old.bytes.length;
                it.remove();
            }
            return e;
        }

        void clear() {
            entries.clear();
            size = 0;
        }

        /** The bytes a view shows for a chunk (originals of a dropped one), or null when unreadable. */
        static byte[] readDisplayBytes(CaptureFile file, ChunkInfo info) {
            if (file == null) {
                return null;
            }
            try {
                return info.dropped() ? file.original(info) : file.forwarded(info);
            } catch (IOException e) {
                return null;
            }
        }
    }
}
