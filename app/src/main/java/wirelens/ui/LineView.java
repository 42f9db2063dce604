package wirelens.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.ScrollBar;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.shape.Rectangle;

/**
 * A list of fixed-height lines of any count (billions are fine): only the rows on screen exist, and
 * every position is plain arithmetic on the line number. The JavaFX ListView walks every cell when its
 * item count changes, which stalls the FX thread for a stream of millions of lines; this does not.
 * Lines are drawn by a {@link Renderer}; selection is a range of whole lines (click, shift-click,
 * drag, shift+arrows, Ctrl+A).
 */
final class LineView extends Region {
    /** Fills a row with the nodes of one line. */
    interface Renderer {
        void render(int line, List<Node> out);
    }

    static final String SELECTED = "wl-selected";

    private final Renderer renderer;
    private final double lineHeight;
    private final ScrollBar vbar = new ScrollBar();
    private final ScrollBar hbar = new ScrollBar();
    private final Pane rows = new Pane();
    private final Rectangle clip = new Rectangle();
    private final List<HBox> rowNodes = new ArrayList<>();
    private int[] shownLines = new int[0];
    private long shownGeneration = -1;
    private long generation;
    private int lineCount;
    private int top;
    private int anchor = -1;
    private int caret = -1;
    private boolean syncingBar;
    private Runnable onSelectionChanged = () -> {};

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
            if (e.getY() > rowsHeight() || e.getX() > rowsWidth()) {
                return; // on a scroll bar
            }
            e.consume(); // keep the focus here (a parent would take it)
            int line = lineAt(e.getY());
            if (line < 0) {
                return;
            }
            if (!e.isShiftDown() || anchor < 0) {
                anchor = line;
            }
            caret = line;
            selectionChanged();
        });
        addEventHandler(MouseEvent.MOUSE_DRAGGED, e -> {
            if (anchor < 0 || e.getX() > rowsWidth()) {
                return;
            }
            e.consume();
            if (e.getY() < 0) {
                setTop(top - 1);
            } else if (e.getY() > rowsHeight()) {
                setTop(top + 1);
            }
            int line = lineAt(Math.max(0, Math.min(e.getY(), rowsHeight() - 1)));
            if (line >= 0 && line != caret) {
                caret = line;
                selectionChanged();
            }
        });
        addEventHandler(KeyEvent.KEY_PRESSED, this::key);
    }

    // ---- model -----------------------------------------------------------------------------

    int lineCount() {
        return lineCount;
    }

    /** Sets how many lines there are (growing keeps the position; shrinking clamps it). */
    void setLineCount(int count) {
        lineCount = count;
        if (anchor >= count || caret >= count) {
            anchor = -1;
            caret = -1;
            selectionChanged();
        }
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

    /** Selected lines as {from, to} inclusive, or null. */
    int[] selection() {
        if (anchor < 0 || caret < 0) {
            return null;
        }
        return new int[] {Math.min(anchor, caret), Math.max(anchor, caret)};
    }

    void select(int from, int to) {
        anchor = clamp(from, 0, lineCount - 1);
        caret = clamp(to, 0, lineCount - 1);
        selectionChanged();
    }

    /** The line the user last clicked or moved to, or -1. */
    int caretLine() {
        return caret;
    }

    void setOnSelectionChanged(Runnable action) {
        onSelectionChanged = action;
    }

    private void selectionChanged() {
        refresh();
        onSelectionChanged.run();
    }

    // ---- behaviour ---------------------------------------------------------------------------

    private void key(KeyEvent e) {
        int rowsOnScreen = Math.max(1, fullRows());
        int target;
        switch (e.getCode()) {
            case UP -> target = (caret < 0 ? top : caret) - 1;
            case DOWN -> target = (caret < 0 ? top : caret) + 1;
            case PAGE_UP -> target = (caret < 0 ? top : caret) - rowsOnScreen;
            case PAGE_DOWN -> target = (caret < 0 ? top : caret) + rowsOnScreen;
            case HOME -> target = 0;
            case END -> target = lineCount - 1;
            case A -> {
                if (e.isShortcutDown() && lineCount > 0) {
                    select(0, lineCount - 1);
                    e.consume();
                }
                return;
            }
            default -> {
                return;
            }
        }
        if (lineCount == 0) {
            return;
        }
        target = clamp(target, 0, lineCount - 1);
        if (e.isShiftDown()) {
            if (anchor < 0) {
                anchor = caret < 0 ? target : caret;
            }
        } else {
            anchor = target;
        }
        caret = target;
        if (e.getCode() == KeyCode.END) {
            scrollToEnd();
        } else if (target < top) {
            setTop(target);
        } else if (target > top + rowsOnScreen - 1) {
            setTop(target - rowsOnScreen + 1);
        }
        selectionChanged();
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

        int needed = (int) Math.ceil(height / lineHeight);
        while (rowNodes.size() < needed) {
            HBox row = new HBox();
            row.getStyleClass().add(Styles.STREAM_LINE);
            row.setManaged(false);
            rowNodes.add(row);
            rows.getChildren().add(row);
        }
        if (shownLines.length != rowNodes.size()) {
            shownLines = new int[rowNodes.size()];
            java.util.Arrays.fill(shownLines, -2);
        }
        boolean redrawAll = shownGeneration != generation;
        shownGeneration = generation;
        int[] sel = selection();
        double widest = width;
        for (int i = 0; i < rowNodes.size(); i++) {
            HBox row = rowNodes.get(i);
            int line = top + i;
            boolean visible = i < needed && line < lineCount;
            if (!visible) {
                if (shownLines[i] != -1) {
                    row.getChildren().clear();
                    row.getStyleClass().remove(SELECTED);
                    shownLines[i] = -1;
                }
                row.setVisible(false);
                continue;
            }
            row.setVisible(true);
            if (redrawAll || shownLines[i] != line) {
                renderer.render(line, row.getChildren());
                shownLines[i] = line;
                boolean selected = sel != null && line >= sel[0] && line <= sel[1];
                row.getStyleClass().remove(SELECTED);
                if (selected) {
                    row.getStyleClass().add(SELECTED);
                }
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

    @Override
    protected double computePrefWidth(double height) {
        return 400;
    }

    @Override
    protected double computePrefHeight(double width) {
        return 200;
    }
}
