package wirelens.ui.tls;

import java.time.Instant;
import java.util.List;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import wirelens.engine.EngineEvent;
import wirelens.ui.base.Background;

/**
 * A connection's TLS, leg by leg (client &harr; Wirelens, Wirelens &harr; server): version, cipher suite,
 * SNI, ALPN, handshake time, whether the server was verified, STARTTLS / passthrough / failure, and the
 * certificates each peer showed. Values are selectable text; Copy all copies the whole panel.
 */
public final class TlsPanel {
    private final long connectionId;
    private final VBox content = new VBox();
    private final ScrollPane root = new ScrollPane(content);
    private List<TlsLegs.Leg> legs = List.of();
    private int shownEvents = -1;
    /** The newest {@link #show} asked for; an older one's work, done later, is not shown. */
    private int asked;

    public TlsPanel(long connectionId) {
        this.connectionId = connectionId;
        content.getStyleClass().add(TlsStyles.PANEL);
        root.setFitToWidth(true);
        root.setId("tls-panel-" + connectionId);
        root.getStylesheets().add(TlsStyles.STYLESHEET);
    }

    public Node node() {
        return root;
    }

    /**
     * Shows these events (the connection's TLS so far); does nothing when none was added since. The
     * certificates are parsed off the FX thread; the panel follows when they are.
     */
    public void show(List<EngineEvent.Tls> events) {
        if (events.size() == shownEvents) {
            return;
        }
        shownEvents = events.size();
        int request = ++asked;
        Background.execute(() -> {
            List<TlsLegs.Leg> worked = TlsLegs.of(events, Instant.now());
            Platform.runLater(() -> {
                if (request == asked) {
                    legs = worked;
                    rebuild();
                }
            });
        });
    }

    /** What the panel shows, as text. */
    public String text() {
        return TlsLegs.text(legs);
    }

    private void rebuild() {
        Label intro = new Label("Wirelens ends the client's TLS and opens its own to the server, so the byte views"
                + " show what travels inside.");
        intro.getStyleClass().add(TlsStyles.HINT);
        intro.setWrapText(true);
        HBox.setHgrow(intro, Priority.ALWAYS);
        Button copy = new Button("Copy all");
        copy.setId("tls-copy-" + connectionId);
        copy.setOnAction(e -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(text());
            javafx.scene.input.Clipboard.getSystemClipboard().setContent(c);
        });
        content.getChildren().setAll(new HBox(12, intro, copy));
        for (TlsLegs.Leg leg : legs) {
            Label title = new Label(leg.title());
            title.getStyleClass().add(TlsStyles.LEG_TITLE);
            content.getChildren().addAll(title, grid(leg.fields()));
            if (leg.chainTitle() != null) {
                Label chain = new Label(leg.chainTitle());
                chain.getStyleClass().add(TlsStyles.CHAIN_TITLE);
                content.getChildren().add(chain);
            }
            for (TlsLegs.Certificate c : leg.chain()) {
                Label t = new Label(c.title());
                t.getStyleClass().add(TlsStyles.NAME);
                content.getChildren().addAll(t, grid(c.fields()));
            }
        }
    }

    /** Names on the left, values (selectable) on the right. */
    static GridPane grid(List<TlsLegs.Field> fields) {
        GridPane grid = new GridPane();
        grid.setHgap(12);
        grid.setVgap(1);
        ColumnConstraints names = new ColumnConstraints();
        names.setMinWidth(Region.USE_PREF_SIZE);
        names.setPrefWidth(140);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        values.setFillWidth(true);
        grid.getColumnConstraints().setAll(names, values);
        for (int i = 0; i < fields.size(); i++) {
            TlsLegs.Field f = fields.get(i);
            Label name = new Label(f.name());
            name.getStyleClass().add(TlsStyles.NAME);
            TextField value = new TextField(f.value());
            value.setEditable(false);
            value.setFocusTraversable(false);
            value.getStyleClass().add(TlsStyles.VALUE);
            if (f.warning()) {
                value.getStyleClass().add(TlsStyles.WARNING);
            }
            grid.addRow(i, name, value);
        }
        return grid;
    }
}
