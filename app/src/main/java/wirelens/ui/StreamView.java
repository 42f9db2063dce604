package wirelens.ui;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.Direction;

/**
 * One connection's stream, live: every chunk in order with a separator line, as text or hex. The list
 * is virtual: it holds only a line layout (a few numbers per chunk, computed off the FX thread), and
 * each visible line is rendered from chunk bytes read back from the capture file, so a connection of
 * any size opens at once and memory stays flat.
 */
final class StreamView {
    enum Mode { TEXT, HEX }

    /** Most bytes copied to the clipboard at once; more is a job for "Save". */
    static final int COPY_LIMIT = 32 << 20;
    private static final int JOB_CHUNKS = 4096;
    private static final long JOB_BYTES = 16L << 20;
    private static final double LINE_HEIGHT = 17;

    /** Lays out new chunks (reads them once to count text lines), shared by all views. */
    private static final ExecutorService LAYOUT = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wirelens-stream-layout");
        t.setDaemon(true);
        return t;
    });

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
    private int[] lengths = new int[64];
    private long textLines;
    private long hexLines;
    private final long[] directionTotals = new long[2];
    private int requested;
    private final AtomicBoolean jobRunning = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Piece> pieces = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private Mode mode;
    private StreamText.Charset charset = StreamText.Charset.UTF_8;
    private boolean userMoved;
    /** Pulses to wait after the user moved before judging "at the end" (the list lays out in between). */
    private int settle;

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

    StreamView(ConnectionInfo connection, CaptureIndex index, CaptureFile file, Mode mode, Notifier notifier,
            FileDialogs dialogs) {
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
        list.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (e.isShortcutDown() && e.getCode() == KeyCode.C) {
                copy(!e.isShiftDown());
                e.consume();
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
        MenuItem copyText = new MenuItem("Copy selection as text");
        copyText.setOnAction(e -> copy(true));
        MenuItem copyHex = new MenuItem("Copy selection as hex");
        copyHex.setOnAction(e -> copy(false));
        copy.getItems().addAll(copyText, copyHex);
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
        list.setOnSelectionChanged(this::showCompare);
        updateSummary();
    }

    Node node() {
        return root;
    }

    long connectionId() {
        return connectionId;
    }

    LineView list() {
        return list;
    }

    Mode mode() {
        return mode;
    }

    boolean following() {
        return follow.isSelected();
    }

    /** Called once per pulse on the FX thread: takes finished layout work, starts more, follows. */
    void pulse() {
        if (userMoved) {
            userMoved = false;
            settle = 2;
        } else if (settle > 0 && --settle == 0) {
            follow.setSelected(atEnd());
        }
        boolean grew = false;
        Piece p;
        while ((p = pieces.poll()) != null) {
            apply(p);
            grew = true;
        }
        if (grew) {
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
    void close() {
        closed = true;
        cache.clear();
    }

    /** Text of what the view shows at line {@code line}, without styles (for tests and copy). */
    String lineText(int line) {
        List<Node> nodes = new ArrayList<>();
        render(line, nodes);
        StringBuilder s = new StringBuilder();
        for (Node n : nodes) {
            s.append(((Text) n).getText());
        }
        return s.toString();
    }

    int lineCount() {
        return list.lineCount();
    }

    /** Chunks laid out so far. */
    int chunkCount() {
        return chunks;
    }

    void setMode(Mode newMode) {
        if (newMode == mode) {
            return;
        }
        int topChunk = chunkAtLine(firstVisibleLine());
        mode = newMode;
        (mode == Mode.TEXT ? textButton : hexButton).setSelected(true);
        list.setLineCount(modeLineCount());
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
        LAYOUT.execute(() -> {
            Piece piece;
            try {
                piece = layout(from, to);
            } catch (RuntimeException e) {
                piece = new Piece(from, new int[0], new int[0]);
            }
            pieces.add(piece);
        });
    }

    /** On the layout thread: display length and text line count of chunks {@code from..to} (may stop early). */
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
            byte[] bytes = ChunkCache.readDisplayBytes(file, c);
            textLineCounts[n] = bytes == null ? 1 : StreamText.lineCount(bytes);
            read += displayLengths[n];
            n++;
        }
        return new Piece(from, Arrays.copyOf(displayLengths, n), Arrays.copyOf(textLineCounts, n));
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

    InterceptCompare compare() {
        return compare;
    }

    private void showCompare() {
        int c = chunkAtLine(list.caretLine());
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
        if (mode == Mode.HEX) {
            int from = contentLine * StreamText.HEX_BYTES_PER_LINE;
            int to = Math.min(bytes.length, from + StreamText.HEX_BYTES_PER_LINE);
            String[] parts = StreamText.hexLine(directionOffset[c] + from, bytes, from, to);
            out.add(text(parts[0], Styles.OFFSET));
            out.add(text(parts[1], dirClass));
            out.add(text(parts[2], dirClass, Styles.HEX_ASCII));
        } else {
            int[] starts = entry.lineStarts();
            if (contentLine >= starts.length) {
                return;
            }
            int from = starts[contentLine];
            int to = contentLine + 1 < starts.length ? starts[contentLine + 1] : bytes.length;
            for (StreamText.Segment s : StreamText.decode(bytes, from, to, charset)) {
                out.add(s.escape() ? text(s.text(), dirClass, Styles.ESCAPE) : text(s.text(), dirClass));
            }
        }
    }

    private static Text text(String s, String... styleClasses) {
        Text t = new Text(s);
        t.getStyleClass().addAll(styleClasses);
        return t;
    }

    // ---- follow ------------------------------------------------------------------------

    int firstVisibleLine() {
        return list.firstVisibleLine();
    }

    int lastVisibleLine() {
        return list.lastVisibleLine();
    }

    private boolean atEnd() {
        return list.atEnd();
    }

    private void scrollToEnd() {
        list.scrollToEnd();
    }

    // ---- copy and save -----------------------------------------------------------------

    /** The bytes of the selected lines, in order (separators contribute nothing). */
    byte[] selectedBytes() throws IOException {
        int[] range = list.selection();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int line = range == null ? 0 : range[0]; range != null && line <= range[1]; line++) {
            int c = chunkAtLine(line);
            long k = c < 0 ? 0 : line - first()[c];
            if (k == 0) {
                continue;
            }
            ChunkCache.Entry entry = cache.get(index.chunk(connectionId, c));
            if (entry.error() != null) {
                throw new IOException(entry.error());
            }
            byte[] bytes = entry.bytes();
            int contentLine = (int) (k - 1);
            int from;
            int to;
            if (mode == Mode.HEX) {
                from = contentLine * StreamText.HEX_BYTES_PER_LINE;
                to = Math.min(bytes.length, from + StreamText.HEX_BYTES_PER_LINE);
            } else {
                int[] starts = entry.lineStarts();
                from = starts[contentLine];
                to = contentLine + 1 < starts.length ? starts[contentLine + 1] : bytes.length;
            }
            if (out.size() + (to - from) > COPY_LIMIT) {
                throw new IOException("the selection is larger than " + (COPY_LIMIT >> 20)
                        + " MiB; use Save to write it to a file");
            }
            out.write(bytes, from, to - from);
        }
        return out.toByteArray();
    }

    void copy(boolean asText) {
        try {
            byte[] bytes = selectedBytes();
            if (bytes.length == 0) {
                notifier.info("Select lines to copy first (click, shift-click, or Ctrl+A).");
                return;
            }
            ClipboardContent content = new ClipboardContent();
            content.putString(asText ? new String(bytes, charset.java()) : StreamText.hexDump(bytes));
            Clipboard.getSystemClipboard().setContent(content);
        } catch (IOException e) {
            notifier.error("Cannot copy: " + e.getMessage());
        }
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
        Thread t = new Thread(() -> {
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
        }, "wirelens-save-stream");
        t.setDaemon(true);
        t.start();
    }

    private long writeStream(Path target, Direction direction, int count) throws IOException {
        long written = 0;
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(partial)) {
            for (int from = 0; from < count; from += 1024) {
                for (ChunkInfo c : index.chunks(connectionId, from, Math.min(1024, count - from))) {
                    if (direction == null || c.direction() == direction) {
                        byte[] b = file.forwarded(c);
                        out.write(b);
                        written += b.length;
                    }
                }
            }
        }
        Files.move(partial, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return written;
    }

    private void updateSummary() {
        summary.setText(chunks + (chunks == 1 ? " chunk" : " chunks") + "   client \u2192 server "
                + ConnectionRow.bytes(directionTotals[0]) + "   server \u2192 client "
                + ConnectionRow.bytes(directionTotals[1]));
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
