package wirelens.ui.intercept;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.util.StringConverter;
import wirelens.intercept.HoldQueue.HeldChunk;

/** How the intercept and rules panes show values: held chunks' table cells, ages, choice box labels. */
final class InterceptCells {
    private InterceptCells() {}

    static String formatAge(long nanos) {
        long tenths = Math.max(0, nanos) / 100_000_000L;
        if (tenths < 100) {
            return tenths / 10 + "." + tenths % 10 + " s";
        }
        long s = tenths / 10;
        if (s < 60) {
            return s + " s";
        }
        if (s < 60 * 60) {
            return String.format("%d:%02d", s / 60, s % 60);
        }
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** Shows values by a function; the choice boxes never parse text back. */
    static <T> StringConverter<T> converter(Function<T, String> show) {
        return new StringConverter<>() {
            @Override
            public String toString(T value) {
                return value == null ? "" : show.apply(value);
            }

            @Override
            public T fromString(String text) {
                throw new UnsupportedOperationException("not editable");
            }
        };
    }

    static <T> TableColumn<HeldChunk, T> column(String title, double width,
            Function<HeldChunk, T> value) {
        TableColumn<HeldChunk, T> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        c.setSortable(false); // oldest first is the order that matters
        return c;
    }

    static <T> TableCell<HeldChunk, T> textCell(Function<T, String> text,
            Function<T, String> styleClass) {
        return new TableCell<>() {
            private String style;

            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                if (style != null) {
                    getStyleClass().remove(style);
                    style = null;
                }
                if (empty || item == null) {
                    setText(null);
                } else {
                    setText(text.apply(item));
                    if (styleClass != null) {
                        style = styleClass.apply(item);
                        getStyleClass().add(style);
                    }
                }
            }
        };
    }
}
