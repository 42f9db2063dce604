package wirelens.ui.stream;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.ScrollBar;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Text;
import wirelens.ui.base.Styles;

/**
 * A list of fixed-height lines of any count (billions are fine): only the rows on screen exist, and
 * every position is plain arithmetic on the line number. The JavaFX ListView walks every cell when its
 * item count changes, which stalls the FX thread for a stream of millions of lines; this does not.
 * Lines are drawn by a {@link Renderer}; what a press or drag means (selecting bytes) is up to the
 * {@link Pointer}, which gets the line and the row node under the mouse.
 * <p>
 * Rows are drawn before the pulse's CSS pass (a scene pre-layout listener), not in
 * {@link #layoutChildren()}: nodes added during layout leave the scene root's CSS flag dirty after the
 * sync, so JavaFX runs one more pulse that changes nothing, finds no dirty region, and then repaints
 * the whole window (with the software renderer that is 100 ms or more, every other pulse while a
 * stream follows).
 */
public final class LineView extends Region {
    /** Puts the nodes of one line into {@code out}; a row shows them (or takes their texts, see {@link #draw}). */
    interface Renderer {
        void render(int line, List<Node> out);
    }

    /** Told where the primary button went down ({@code dragging} false) or was dragged to. */
    interface Pointer {
        /**
         * @param row the row node drawing {@code line} (for hit-testing its text), or null
         * @param sceneX the mouse position in scene coordinates
         * @param extend shift held (or a drag): extend the selection rather than start one
         */
        void at(int line, Node row, double sceneX, boolean extend, boolean dragging);
    }

    private final Renderer renderer;
    private final double lineHeight;
    private final ScrollBar vbar = new ScrollBar();
    private final ScrollBar hbar = new ScrollBar();
    private final Pane rows = new Pane();
    private final Rectangle clip = new Rectangle();
    private final List<HBox> rowNodes = new ArrayList<>();
    /** The nodes of a line being drawn, before they go into (or update) a row. */
    private final List<Node> scratch = new ArrayList<>();
    private int[] shownLines = new int[0];
    private long shownGeneration = -1;
    private long generation;
    private int lineCount;
    private int top;
    private boolean syncingBar;
    private boolean pressed;
    private Pointer pointer = (line, row, x, extend, dragging) -> {};
    private final Runnable drawBeforeCss = () -> {
        if (drawRows(false)) {
            requestLayout();
        }
    };

    LineView(Renderer renderer, double lineHeight) {
        this.renderer = renderer;
        this.lineHeight = lineHeight;
        getStyleClass().add(Styles.STREAM);
        setFocusTraversable(true);
        vbar.setOrientation(Orientation.VERTICAL);
        hbar.setOrientation(Orientation.HORIZONTAL);
        vbar.setUnitIncrement(1);
        hbar.setUnitIncrement(20);
        rows.setClip(clip);
        rows.setManaged(false);
        getChildren().addAll(rows, vbar, hbar);
        vbar.valueProperty().addListener((o, was, now) -> {
            if (!syncingBar) {
                setTop((int) Math.round(now.doubleValue()));
            }
        });
        hbar.valueProperty().addListener((o, was, now) -> rows.setTranslateX(-now.doubleValue()));
        addEventHandler(ScrollEvent.SCROLL, e -> {
            if (e.getDeltaY() != 0) {
                setTop(top - (int) Math.signum(e.getDeltaY()) * 3);
            }
            if (e.getDeltaX() != 0) {
                hbar.setValue(clamp(hbar.getValue() - e.getDeltaX(), 0, hbar.getMax()));
            }
            e.consume();
        });
        addEventHandler(MouseEvent.MOUSE_PRESSED, e -> {
            requestFocus();
            pressed = false;
            if (e.getY() > rowsHeight() || e.getX() > rowsWidth()) {
                return; // on a scroll bar
            }
            e.consume(); // keep the focus here (a parent would take it)
            if (e.getButton() != MouseButton.PRIMARY) {
                return; // the context menu acts on the selection as it is
            }
            int line = lineAt(e.getY());
            if (line < 0) {
                line = lineCount - 1; // below the last line: the end
            }
            if (line < 0) {
                return;
            }
            pressed = true;
            pointer.at(line, rowOf(line), e.getSceneX(), e.isShiftDown(), false);
        });
        addEventHandler(MouseEvent.MOUSE_DRAGGED, e -> {
            if (!pressed) {
                return;
            }
            e.consume();
            if (e.getY() < 0) {
                setTop(top - 1);
            } else if (e.getY() > rowsHeight()) {
                setTop(top + 1);
            }
            int line = lineAt(Math.max(0, Math.min(e.getY(), rowsHeight() - 1)));
            if (line < 0) {
                line = lineCount - 1;
            }
            if (line >= 0) {
                pointer.at(line, rowOf(line), e.getSceneX(), true, true);
            }
        });
        addEventHandler(MouseEvent.MOUSE_RELEASED, e -> pressed = false);
        addEventHandler(KeyEvent.KEY_PRESSED, this::key);
        sceneProperty().addListener((o, was, now) -> {
            if (was != null) {
                was.removePreLayoutPulseListener(drawBeforeCss);
            }
            if (now != null) {
                now.addPreLayoutPulseListener(drawBeforeCss);
            }
        });
    }

    // ---- model -----------------------------------------------------------------------------

    int lineCount() {
        return lineCount;
    }

    /** Sets how many lines there are (growing keeps the position; shrinking clamps it). */
    void setLineCount(int count) {
        lineCount = count;
        top = clamp(top, 0, maxTop());
        updateBar();
        requestLayout();
    }

    /** Redraws every visible line (e.g. after the charset changed). */
    void refresh() {
        generation++;
        requestLayout();
    }

    int firstVisibleLine() {
        return lineCount == 0 ? 0 : top;
    }

    int lastVisibleLine() {
        return lineCount == 0 ? -1 : Math.min(lineCount - 1, top + fullRows() - 1);
    }

    boolean atEnd() {
        return top >= maxTop();
    }

    void scrollTo(int line) {
        setTop(line);
    }

    void scrollToEnd() {
        setTop(maxTop());
    }

    /** Shows {@code line}, scrolling as little as possible. */
    void ensureVisible(int line) {
        int rowsOnScreen = Math.max(1, fullRows());
        if (line < top) {
            setTop(line);
        } else if (line > top + rowsOnScreen - 1) {
            setTop(line - rowsOnScreen + 1);
        }
    }

    void setPointer(Pointer pointer) {
        this.pointer = pointer;
    }

    /** The row node drawing {@code line} now, or null when it is not on screen. */
    Node rowOf(int line) {
        int i = line - top;
        if (i < 0 || i >= rowNodes.size()) {
            return null;
        }
        if (i >= shownLines.length || shownLines[i] != line || shownGeneration != generation) {
            if (drawRows(true)) { // scrolled or redrawn since the last pulse: draw it now
                requestLayout();
            }
            layout();
        }
        return i < shownLines.length && shownLines[i] == line && rowNodes.get(i).isVisible() ? rowNodes.get(i) : null;
    }

    // ---- behaviour ---------------------------------------------------------------------------

    /** Paging keys; arrows and shift+keys are the selection's (see {@link StreamView}). */
    private void key(KeyEvent e) {
        if (e.isShiftDown() || e.isShortcutDown()) {
            return;
        }
        int rowsOnScreen = Math.max(1, fullRows());
        switch (e.getCode()) {
            case PAGE_UP -> setTop(top - rowsOnScreen);
            case PAGE_DOWN -> setTop(top + rowsOnScreen);
            case HOME -> setTop(0);
            case END -> scrollToEnd();
            default -> {
                return;
            }
        }
        e.consume();
    }

    private void setTop(int line) {
        int t = clamp(line, 0, maxTop());
        if (t != top) {
            top = t;
            updateBar();
            requestLayout();
        }
    }

    private void updateBar() {
        syncingBar = true;
        try {
            int rowsOnScreen = Math.max(1, fullRows());
            vbar.setMin(0);
            vbar.setMax(maxTop());
            vbar.setVisibleAmount(Math.max(1, Math.min(rowsOnScreen, lineCount)));
            vbar.setBlockIncrement(rowsOnScreen);
            vbar.setValue(top);
        } finally {
            syncingBar = false;
        }
    }

    private int maxTop() {
        return Math.max(0, lineCount - Math.max(1, fullRows()));
    }

    private int fullRows() {
        return (int) Math.floor(rowsHeight() / lineHeight);
    }

    private double rowsHeight() {
        return Math.max(0, getHeight() - snappedTopInset() - snappedBottomInset() - hbar.prefHeight(-1));
    }

    private double rowsWidth() {
        return Math.max(0, getWidth() - snappedLeftInset() - snappedRightInset() - vbar.prefWidth(-1));
    }

    private int lineAt(double y) {
        int line = top + (int) Math.floor((y - snappedTopInset()) / lineHeight);
        return line >= 0 && line < lineCount ? line : -1;
    }

    private static int clamp(int v, int min, int max) {
        return Math.max(min, Math.min(max, v));
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    // ---- layout ------------------------------------------------------------------------------

    @Override
    protected void layoutChildren() {
        double x = snappedLeftInset();
        double y = snappedTopInset();
        double width = rowsWidth();
        double height = rowsHeight();
        double barWidth = vbar.prefWidth(-1);
        double barHeight = hbar.prefHeight(-1);
        vbar.resizeRelocate(x + width, y, barWidth, height);
        hbar.resizeRelocate(x, y + height, width, barHeight);
        rows.resizeRelocate(x, y, width, height);
        clip.setX(hbar.getValue());
        clip.setWidth(width);
        clip.setHeight(height);
        // a taller view shows more lines: never leave rows empty below the last line
        top = clamp(top, 0, maxTop());
        updateBar();
        // normally drawn before the CSS pass already; here only when the size changed since
        drawRows(true);

        double widest = width;
        for (int i = 0; i < rowNodes.size(); i++) {
            HBox row = rowNodes.get(i);
            if (!row.isVisible()) {
                continue;
            }
            double w = Math.max(width, row.prefWidth(-1));
            row.resizeRelocate(0, i * lineHeight, w, lineHeight);
            widest = Math.max(widest, w);
        }
        hbar.setMin(0);
        hbar.setMax(Math.max(0, widest - width));
        hbar.setVisibleAmount(width);
        hbar.setDisable(widest <= width);
        if (hbar.getValue() > hbar.getMax()) {
            hbar.setValue(hbar.getMax());
        }
    }

    /**
     * Fills the rows with the lines from {@link #top} on, redrawing only rows whose line changed (or all
     * after {@link #refresh()}). {@code styleNow}: apply CSS to redrawn rows at once (outside the pulse's
     * CSS pass, where widths and hit-tests need the fonts). Returns whether a row was redrawn.
     */
    private boolean drawRows(boolean styleNow) {
        boolean drawn = false;
        int needed = (int) Math.ceil(rowsHeight() / lineHeight);
        while (rowNodes.size() < needed) {
            HBox row = new HBox();
            row.getStyleClass().add(Styles.STREAM_LINE);
            row.setManaged(false);
            row.setVisible(false);
            rowNodes.add(row);
            rows.getChildren().add(row);
        }
        if (shownLines.length != rowNodes.size()) {
            shownLines = new int[rowNodes.size()];
            java.util.Arrays.fill(shownLines, -2);
        }
        boolean redrawAll = shownGeneration != generation;
        shownGeneration = generation;
        for (int i = 0; i < rowNodes.size(); i++) {
            HBox row = rowNodes.get(i);
            int line = top + i;
            boolean visible = i < needed && line < lineCount;
            if (!visible) {
                if (shownLines[i] != -1) {
                    row.getChildren().clear();
                    shownLines[i] = -1;
                }
                row.setVisible(false);
                continue;
            }
            row.setVisible(true);
            if (redrawAll || shownLines[i] != line) {
                if (draw(line, row) && styleNow) {
                    row.applyCss();
                }
                shownLines[i] = line;
                drawn = true;
            }
        }
        return drawn;
    }

    /**
     * Draws {@code line} into {@code row}. When the line has the same pieces as the row shows (the same
     * kinds of nodes with the same style classes, as most lines of a stream do), only their texts change:
     * that needs no CSS, while every new node must be styled (the bulk of a pulse's work when a followed
     * stream redraws every row). Returns whether new nodes were put in.
     */
    private boolean draw(int line, HBox row) {
        scratch.clear();
        renderer.render(line, scratch);
        javafx.collections.ObservableList<Node> shown = row.getChildren();
        boolean same = shown.size() == scratch.size();
        for (int i = 0; same && i < scratch.size(); i++) {
            same = shown.get(i) instanceof Text old && scratch.get(i) instanceof Text now
                    && old.getStyleClass().equals(now.getStyleClass());
        }
        if (same) {
            for (int i = 0; i < scratch.size(); i++) {
                Text old = (Text) shown.get(i);
                Text now = (Text) scratch.get(i);
                old.setText(now.getText());
                old.setUserData(now.getUserData());
            }
        } else {
            shown.setAll(scratch);
        }
        scratch.clear();
        return !same;
    }

    @Override
    protected double computePrefWidth(double height) {
        return 400;
    }

    @Override
    protected double computePrefHeight(double width) {
        return 200;
    }
}
