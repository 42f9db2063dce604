package wirelens.ui.stream;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import javafx.util.Subscription;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureIndex;
import wirelens.capture.ChunkInfo;
import wirelens.capture.ConnectionInfo;
import wirelens.engine.Direction;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Notifier;
import wirelens.ui.base.Pulse;
import wirelens.ui.intercept.InterceptCompare;

/**
 * One connection's stream, live: every chunk in order with a separator line, as text or hex, with a
 * byte-precise selection, copy, save, and the original and forwarded bytes of an edited chunk below.
 * The list is virtual ({@link LineView}): it holds only the line index ({@link StreamLayout}), and
 * each visible line is drawn ({@link StreamLines}) from chunk bytes read back from the capture file,
 * so a connection of any size opens at once and memory stays flat. It follows the window's pulse and
 * shows a growing stream's new lines at most 20 times a second.
 */
public final class StreamView {
    public enum Mode { TEXT, HEX }

    private static final double LINE_HEIGHT = 17;
    /** The shortest time between two showings of a growing stream's new lines (20 a second). */
    private static final long SHOW_GROWTH_EVERY_NANOS = 50_000_000L;
    /** The same while the window is behind (its pulses came late): a full frame is what it cannot afford. */
    private static final long SHOW_GROWTH_BEHIND_NANOS = 150_000_000L;

    private final long connectionId;
    private final CaptureIndex index;
    private final CaptureFile file;
    private final Notifier notifier;
    private final FileDialogs dialogs;
    private final ChunkCache cache;
    private final StreamLayout layout;
    private final StreamLines lines;
    private final StreamSelection selection;
    private final Subscription following;

    private Mode mode;
    private StreamText.Charset charset = StreamText.Charset.UTF_8;
    private boolean userMoved;
    /** Pulses to wait after the user moved before judging "at the end" (the list lays out in between). */
    private int settle;
    /** When the view last showed new lines (System.nanoTime). */
    private long grewShownAt;
    /** Chunks whose lines the view shows (laid out ones may wait for the next showing). */
    private int shownChunks;

    private final LineView list = new LineView(this::render, LINE_HEIGHT);
    private final Label placeholder = new Label();
    private final ToggleButton follow = new ToggleButton("Follow");
    /** Shown once the stream has a chunk a rule or the user changed: the way to its comparison. */
    private final javafx.scene.control.Button compareNext = new javafx.scene.control.Button("Compare");
    /** Chunks looked at for edits so far, and whether one was found. */
    private int scannedForEdits;
    private boolean hasEdits;
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
        this.layout = new StreamLayout(connectionId, index, file);
        this.lines = new StreamLines(connectionId, index, layout, cache);
        this.selection = new StreamSelection(layout, lines, list, file, () -> this.mode, this::selectionChanged);

        list.setId("stream-" + connectionId);
        placeholder.setText(file == null ? "This session is not recorded to a file: no bytes to show." : "No bytes yet.");
        placeholder.setMouseTransparent(true);
        for (var type : List.of(ScrollEvent.SCROLL, MouseEvent.MOUSE_DRAGGED, MouseEvent.MOUSE_RELEASED)) {
            list.addEventFilter(type, e -> userMoved = true);
        }
        list.addEventFilter(KeyEvent.KEY_PRESSED, e -> userMoved = true);
        list.addEventHandler(KeyEvent.KEY_PRESSED, this::key);
        list.setPointer(selection::pointerAt);
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
        compareNext.setId("compare-next");
        compareNext.setTooltip(new javafx.scene.control.Tooltip(
                "Show the next edited, dropped or injected chunk: the bytes read beside the bytes sent"));
        compareNext.setOnAction(e -> compareNext());
        compareNext.setVisible(false);
        compareNext.setManaged(false);
        ToolBar bar = new ToolBar(textButton, hexButton, charsetBox, follow, copy, save, compareNext, spacer, summary);
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
        layout.takeFinished();
        // a stream that grows on every pulse is shown at most SHOW_GROWTH_EVERY_NANOS apart: each
        // showing redraws every row (a followed stream's rows all change), and at 60 a second that work
        // and its painting take the FX and render threads more CPU than a small machine can spare while
        // it also relays and records the traffic (pulses then came up to 100 ms apart); nobody reads
        // faster than 20 screens a second, and a quiet stream's new chunk still shows at the next pulse
        long now = System.nanoTime();
        if (shownChunks != layout.chunks() && now - grewShownAt >= (windowBehind ? SHOW_GROWTH_BEHIND_NANOS : SHOW_GROWTH_EVERY_NANOS)) {
            grewShownAt = now;
            shownChunks = layout.chunks();
            list.setLineCount(layout.lineCount(mode));
            placeholder.setVisible(list.lineCount() == 0);
            updateSummary();
            if (follow.isSelected() && settle == 0) {
                scrollToEnd();
            }
        }
        layout.startJob();
    }

    /** Stops background work and drops cached bytes (the tab was closed). */
    public void close() {
        layout.close();
        following.unsubscribe();
        cache.clear();
    }

    /** Text of what the view shows at line {@code line}, without styles (for tests and copy). */
    public String lineText(int line) {
        List<Node> nodes = new ArrayList<>();
        render(line, nodes);
        StringBuilder s = new StringBuilder();
        for (Node n : nodes) {
            s.append(StreamLines.textOf(n).getText());
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
        int topChunk = layout.chunkAtLine(mode, firstVisibleLine());
        mode = newMode;
        (mode == Mode.TEXT ? textButton : hexButton).setSelected(true);
        list.setLineCount(layout.lineCount(mode));
        selection.modeChanged();
        list.refresh();
        showCompare();
        if (follow.isSelected() || topChunk < 0) {
            scrollToEnd();
        } else {
            list.scrollTo((int) layout.firstLine(mode, topChunk));
        }
    }

    public InterceptCompare compare() {
        return compare;
    }

    private void showCompare() {
        int c = layout.chunkAtLine(mode, selection.caretLine());
        compare.show(c < 0 ? null : layout.chunk(c), file, mode == Mode.HEX);
    }

    private void render(int line, List<Node> out) {
        lines.render(line, out, mode, charset, selection.from(), selection.to());
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

    // ---- selection, copy and save ------------------------------------------------------

    /** Selects the bytes {@code [from, to)} of the stream (a caret when equal). */
    public void select(long from, long to) {
        selection.select(from, to);
    }

    /** The selection as {from, to} stream positions, or null. */
    public long[] selection() {
        return selection.range();
    }

    /**
     * For tests that drive the mouse: the screen bounds of the character drawing the byte at stream
     * position {@code p} (in the hex view, in the hex column or with {@code ascii} in the ASCII column),
     * or null when it is not on screen.
     */
    public javafx.geometry.Bounds screenBoundsOf(long p, boolean ascii) {
        int line = selection.lineOf(p);
        return line < 0 ? null : StreamLines.screenBoundsOf(list.rowOf(line), mode, p, ascii);
    }

    /** Texts drawn highlighted as selected now (for tests). */
    public List<String> highlightedTexts() {
        return StreamLines.highlightedTexts(list);
    }

    private void selectionChanged() {
        list.refresh();
        showCompare();
    }

    /** Ctrl+C copies (as text in the text view, as hex in the hex view or with shift); the rest moves the selection. */
    private void key(KeyEvent e) {
        if (e.isShortcutDown() && e.getCode() == KeyCode.C) {
            copy(!e.isShiftDown() && mode == Mode.TEXT);
            e.consume();
            return;
        }
        selection.key(e);
    }

    public void copy(boolean asText) {
        try {
            byte[] bytes = selection.bytes();
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
        StreamSaving.save(index, file, connectionId, index.chunkCount(connectionId), target, direction, notifier);
    }

    /** Moves the caret to the separator of the next changed chunk after the caret (wrapping), which compares it. */
    void compareNext() {
        int chunks = layout.chunks();
        int from = selection.caretLine() < 0 ? -1 : layout.chunkAtLine(mode, selection.caretLine());
        for (int i = 1; i <= chunks; i++) {
            int c = Math.floorMod(from + i, chunks);
            ChunkInfo info = layout.chunk(c);
            if (info.edited() || info.dropped() || info.injected()) {
                follow.setSelected(false);
                int line = (int) layout.firstLine(mode, c);
                selection.caretAt(line);
                list.scrollTo(line);
                return;
            }
        }
    }

    private void updateSummary() {
        int chunks = layout.chunks();
        for (; !hasEdits && scannedForEdits < chunks; scannedForEdits++) {
            ChunkInfo info = layout.chunk(scannedForEdits);
            hasEdits = info.edited() || info.dropped() || info.injected();
        }
        compareNext.setVisible(hasEdits);
        compareNext.setManaged(hasEdits);
        // short, as the table's C→S / S→C headers, so the toolbar never pushes it into its overflow menu
        summary.setText(chunks + (chunks == 1 ? " chunk" : " chunks") + "   C\u2192S "
                + Units.bytes(layout.directionTotal(Direction.CLIENT_TO_SERVER)) + "   S\u2192C "
                + Units.bytes(layout.directionTotal(Direction.SERVER_TO_CLIENT)));
    }
}
