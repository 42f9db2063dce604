package wirelens.ui.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Supplier;
import javafx.scene.Node;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import wirelens.capture.CaptureFile;
import wirelens.ui.stream.StreamView.Mode;

/**
 * The selection of one stream view, in positions between bytes of the whole stream (both directions
 * as they came), so live appends never move it. The text view puts a caret between bytes, the hex view
 * selects whole bytes; the mouse (press, drag, shift+click) and the keys (shift+arrows, shift+Home/End,
 * Ctrl+A) change it, and the view redraws the lines it touches.
 */
final class StreamSelection {
    /** Most bytes copied to the clipboard at once; more is a job for "Save". */
    static final int COPY_LIMIT = 32 << 20;

    private final StreamLayout layout;
    private final StreamLines lines;
    private final LineView list;
    private final CaptureFile file;
    private final Supplier<Mode> mode;
    private final Runnable changed;

    private long anchor = -1;
    private long caret = -1;
    /** Hex view: the byte the mouse went down on (a press selects whole bytes there). */
    private long cellAnchor = -1;
    /** The line of the last click or caret move (the compare pane shows its chunk), or -1. */
    private int caretLine = -1;

    StreamSelection(StreamLayout layout, StreamLines lines, LineView list, CaptureFile file, Supplier<Mode> mode,
            Runnable changed) {
        this.layout = layout;
        this.lines = lines;
        this.list = list;
        this.file = file;
        this.mode = mode;
        this.changed = changed;
    }

    long from() {
        return Math.min(anchor, caret);
    }

    long to() {
        return Math.max(anchor, caret);
    }

    int caretLine() {
        return caretLine;
    }

    /** The view changed mode: the selection is in bytes and stays; the caret's line is another one now. */
    void modeChanged() {
        caretLine = anchor < 0 ? -1 : lineOf(Math.min(anchor, caret));
    }

    /** The shown line holding stream position {@code p} (its chunk's separator when it has no bytes), or -1. */
    int lineOf(long p) {
        long line = lines.lineOfPosition(mode.get(), p);
        return line < 0 ? -1 : (int) Math.min(line, list.lineCount() - 1L);
    }

    /** The selected bytes, in stream order (both directions as they came), or none. */
    byte[] bytes() throws IOException {
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
        for (int c = layout.chunkAtPosition(from); c >= 0 && c < layout.chunks() && layout.byteFirst(c) < to; c++) {
            if (layout.length(c) == 0) {
                continue;
            }
            byte[] bytes = ChunkCache.readDisplayBytes(file, layout.chunk(c));
            if (bytes == null) {
                throw new IOException("chunk " + (c + 1) + " cannot be read from the capture file");
            }
            int a = (int) Math.max(0, from - layout.byteFirst(c));
            int b = (int) Math.min(bytes.length, to - layout.byteFirst(c));
            if (b > a) {
                out.write(bytes, a, b - a);
            }
        }
        return out.toByteArray();
    }

    /** Selects the bytes {@code [from, to)} of the stream (a caret when equal). */
    void select(long from, long to) {
        anchor = clamp(from);
        caret = clamp(to);
        cellAnchor = -1;
        caretLine = lineOf(Math.min(anchor, caret));
        changed.run();
    }

    /** Puts the caret on {@code line} with nothing selected (a chunk's separator: its chunk is compared). */
    void caretAt(int line) {
        anchor = caret = cellAnchor = -1;
        caretLine = line;
        changed.run();
    }

    /** The selection as {from, to} stream positions, or null. */
    long[] range() {
        return anchor < 0 ? null : new long[] {Math.min(anchor, caret), Math.max(anchor, caret)};
    }

    private long clamp(long position) {
        return Math.max(0, Math.min(layout.totalBytes(), position));
    }

    /** A press (or drag) on a line: the text view puts the caret between bytes, the hex view picks whole bytes. */
    void pointerAt(int line, Node row, double sceneX, boolean extend, boolean dragging) {
        caretLine = line;
        if (mode.get() == Mode.HEX) {
            long cell = lines.positionAt(mode.get(), line, row, sceneX, true);
            if (cell < 0 || layout.totalBytes() == 0) {
                if (!dragging && !extend) {
                    anchor = caret = cellAnchor = -1; // a separator: nothing selected, its chunk compared
                }
                changed.run();
                return;
            }
            cell = Math.min(cell, layout.totalBytes() - 1);
            if (!(extend && (cellAnchor >= 0 || anchor >= 0))) {
                cellAnchor = cell;
            } else if (cellAnchor < 0) {
                cellAnchor = anchor == caret ? Math.min(anchor, layout.totalBytes() - 1) : anchor;
            }
            anchor = cell >= cellAnchor ? cellAnchor : cellAnchor + 1;
            caret = cell >= cellAnchor ? cell + 1 : cell;
        } else {
            long p = lines.positionAt(mode.get(), line, row, sceneX, false);
            if (!extend || anchor < 0) {
                anchor = p;
            }
            caret = p;
            cellAnchor = -1;
        }
        changed.run();
    }

    /** Arrows move the caret (shift extends the selection), shift+Home/End select to either end, Ctrl+A all. */
    void key(KeyEvent e) {
        KeyCode code = e.getCode();
        if (e.isShortcutDown() && code == KeyCode.A) {
            select(0, layout.totalBytes());
            e.consume();
            return;
        }
        long from = caret < 0 ? (anchor < 0 ? -1 : anchor) : caret;
        if (from < 0) {
            int l = list.firstVisibleLine();
            from = layout.chunks() == 0 ? 0 : lines.lineRange(mode.get(), l)[0];
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
                target = layout.totalBytes();
            }
            default -> {
                return;
            }
        }
        e.consume();
        if (layout.chunks() == 0) {
            return;
        }
        target = clamp(target);
        if (!e.isShiftDown() || anchor < 0) {
            anchor = target;
        }
        caret = target;
        cellAnchor = -1;
        caretLine = lineOf(target);
        if (caretLine >= 0) {
            list.ensureVisible(caretLine);
        }
        changed.run();
    }

    /** The position one line up or down from {@code p}, at the same offset within the line where it fits. */
    private long verticalMove(long p, int step) {
        int line = lineOf(p);
        if (line < 0) {
            return p;
        }
        long[] here = lines.lineRange(mode.get(), line);
        long column = p - here[0];
        int next = line + step;
        while (next >= 0 && next < list.lineCount()) {
            long[] there = lines.lineRange(mode.get(), next);
            if (there[1] > there[0]) {
                return there[0] + Math.min(column, there[1] - there[0]);
            }
            next += step; // skip separators
        }
        return step < 0 ? 0 : layout.totalBytes();
    }
}
