package wirelens.ui.protocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.fxmisc.flowless.VirtualizedScrollPane;
import org.fxmisc.richtext.StyleClassedTextArea;
import org.fxmisc.richtext.model.StyleSpans;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.capture.HttpExchanges;
import wirelens.engine.Direction;
import wirelens.proto.http.Bodies;
import wirelens.proto.http.BodyRef;
import wirelens.proto.http.ContentTypes;
import wirelens.proto.http.Exchange;
import wirelens.proto.http.Header;
import wirelens.proto.http.MessageHead;

/**
 * One side of an HTTP exchange: its head, and its body as text (JSON pretty-printed), hex or image, with
 * chunked framing and gzip / deflate / br undone. The body is read back from the capture file by range on
 * {@code bodies} (a serial executor, so a newer selection's read comes after the older one's) and what is
 * rendered is capped. The HTTP view shows its selected exchange in two of these; the Flows list's detail
 * shows flows of any connection in two more.
 */
public final class MessagePane extends VBox {
    private final Direction direction;
    private final CaptureFile file;
    private final Executor bodies;
    private final Label title = new Label();
    private final StyleClassedTextArea head;
    private final ToggleGroup modes = new ToggleGroup();
    private final ToggleButton textMode = new ToggleButton("Text");
    private final ToggleButton hexMode = new ToggleButton("Hex");
    private final ToggleButton imageMode = new ToggleButton("Image");
    private final Label note = new Label();
    private final StyleClassedTextArea body;
    private final VirtualizedScrollPane<StyleClassedTextArea> bodyPane;
    private final ImageView image = new ImageView();
    private final ScrollPane imagePane = new ScrollPane(new StackPane(image));
    private Prepared prepared;
    private long generation;
    private long shownConnection;
    private Exchange shownFor;
    private BodyRef shownBody;

    /**
     * {@code idPrefix} names the nodes ({@code http} gives {@code http-response-body}); {@code name} is the
     * title, {@code Request} or {@code Response}.
     */
    public MessagePane(String idPrefix, String name, Direction direction, CaptureFile file, Executor bodies) {
        this.direction = direction;
        this.file = file;
        this.bodies = bodies;
        String id = idPrefix + "-" + name.toLowerCase(Locale.ROOT);
        setId(id);
        title.setText(name);
        title.getStyleClass().add("wl-view-title");
        head = HeadText.area(id + "-head");
        VirtualizedScrollPane<StyleClassedTextArea> headPane = HeadText.scrolled(head);
        headPane.setPrefHeight(150);
        headPane.setMinHeight(60);
        body = HeadText.area(id + "-body");
        body.getStyleClass().add(HttpView.BODY);
        note.getStyleClass().add(HttpView.NOTE);
        note.setId(id + "-note");
        for (ToggleButton b : List.of(textMode, hexMode, imageMode)) {
            b.setToggleGroup(modes);
            b.setId(id + "-" + b.getText().toLowerCase(Locale.ROOT));
        }
        textMode.setSelected(true);
        modes.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null) {
                old.setSelected(true); // one mode is always on
            } else {
                render();
            }
        });
        imagePane.getStyleClass().add(HttpView.IMAGE_PANE);
        imagePane.setFitToWidth(true);
        imagePane.setFitToHeight(true);
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(4, new Label("Body"), grow, textMode, hexMode, imageMode);
        bar.setPadding(new Insets(4, 0, 0, 0));
        bodyPane = HeadText.scrolled(body);
        StackPane content = new StackPane(bodyPane, imagePane);
        VBox.setVgrow(content, Priority.ALWAYS);
        setSpacing(4);
        setPadding(new Insets(4));
        getChildren().setAll(title, headPane, bar, note, content);
        showNothing("");
    }

    public HttpView.Mode mode() {
        return hexMode.isSelected() ? HttpView.Mode.HEX : imageMode.isSelected() ? HttpView.Mode.IMAGE : HttpView.Mode.TEXT;
    }

    public void setMode(HttpView.Mode mode) {
        (mode == HttpView.Mode.HEX ? hexMode : mode == HttpView.Mode.IMAGE ? imageMode : textMode).setSelected(true);
    }

    public StyleClassedTextArea head() {
        return head;
    }

    public StyleClassedTextArea body() {
        return body;
    }

    public Label note() {
        return note;
    }

    public ImageView image() {
        return image;
    }

    private void showNothing(String why) {
        prepared = null;
        HeadText.show(head, why);
        HeadText.show(body, "");
        note.setText("");
        image.setImage(null);
        imageMode.setDisable(true);
        render();
    }

    /** Shows one side of {@code e}, an exchange of connection {@code connectionId}; null shows nothing. */
    public void show(long connectionId, Exchange e, MessageHead message, BodyRef bodyRef, List<Header> trailers) {
        if (e == null) {
            shownFor = null;
            shownBody = null;
            showNothing("");
            return;
        }
        if (message == null) {
            shownFor = e;
            shownBody = null;
            showNothing(direction == Direction.CLIENT_TO_SERVER ? "(a response no request asked for)"
                    : e.state() == Exchange.State.FAILED ? "(no response: " + e.problem() + ")" : "(waiting for the response)");
            return;
        }
        HeadText.show(head, headText(e, message, trailers));
        boolean sameExchange = shownFor != null && shownConnection == connectionId && shownFor.index() == e.index();
        boolean sameBody = sameExchange && bodyRef.equals(shownBody);
        boolean capped = shownBody != null && shownBody.length() >= HttpView.MAX_IMAGE_BYTES;
        if (sameBody || (capped && sameExchange)) {
            shownFor = e;
            return; // nothing new to read (or more than is ever shown)
        }
        boolean newExchange = !sameExchange;
        shownConnection = connectionId;
        shownFor = e;
        shownBody = bodyRef;
        long gen = ++generation;
        String contentType = message.header("Content-Type");
        String encoding = message.header("Content-Encoding");
        boolean tunnel = e.state() == Exchange.State.TUNNEL;
        long tunnelBytes = direction == Direction.CLIENT_TO_SERVER ? e.tunnelBytesUp() : e.tunnelBytesDown();
        String tunnelNote = !tunnel ? "" : e.tunnelDecrypted()
                ? "tunnel: " + ("https".equals(e.scheme()) ? "TLS decrypted" : "plain HTTP") + ", its exchanges follow"
                : "tunnel: " + Units.bytes(tunnelBytes) + " relayed after the switch, not decoded";
        if (newExchange) {
            note.setText(bodyRef.isEmpty() ? "" : "reading " + Units.bytes(bodyRef.length()) + "\u2026");
        }
        bodies.execute(() -> {
            Prepared p = prepare(connectionId, bodyRef, contentType, encoding, tunnelNote, gen);
            Platform.runLater(() -> {
                if (p.generation() == generation) {
                    prepared = p;
                    boolean hasImage = p.image() != null;
                    imageMode.setDisable(!hasImage);
                    if (newExchange) {
                        setMode(hasImage ? HttpView.Mode.IMAGE : HttpView.Mode.TEXT);
                    }
                    render();
                }
            });
        });
    }

    private Prepared prepare(long connectionId, BodyRef ref, String contentType, String encoding, String tunnelNote, long gen) {
        if (ref.isEmpty()) {
            return Prepared.empty(tunnelNote.isEmpty() ? "no body" : tunnelNote, gen);
        }
        try {
            boolean imageLike = ContentTypes.isPreviewableImage(contentType);
            Bodies.Content c = Bodies.decoded(ref, encoding, HttpExchanges.stream(file, connectionId, direction),
                    imageLike ? HttpView.MAX_IMAGE_BYTES : HttpView.MAX_BODY_BYTES);
            byte[] bytes = c.bytes();
            StringBuilder n = new StringBuilder();
            n.append(Units.bytes(ref.length())).append(" on the wire");
            String codings = encoding == null ? "" : encoding.strip();
            if (!codings.isEmpty() && !codings.equalsIgnoreCase("identity") && c.problem() == null) {
                n.append(" \u00b7 ").append(codings).append(" decoded: ").append(Units.bytes(bytes.length))
                        .append(c.truncated() ? "+" : "");
            }
            if (contentType != null) {
                n.append(" \u00b7 ").append(ContentTypes.mediaType(contentType));
            }
            if (c.truncated()) {
                n.append(" \u00b7 showing the first ").append(Units.bytes(bytes.length));
            }
            if (c.problem() != null) {
                n.append(" \u00b7 ").append(c.problem());
            }
            if (!tunnelNote.isEmpty()) {
                n.append(" \u00b7 ").append(tunnelNote);
            }
            Image img = null;
            if (imageLike || ContentTypes.sniffImage(bytes) != null) {
                Image candidate = new Image(new ByteArrayInputStream(bytes));
                if (!candidate.isError() && candidate.getWidth() > 0) {
                    img = candidate;
                    n.append(" \u00b7 ").append((int) img.getWidth()).append('\u00d7').append((int) img.getHeight());
                }
            }
            byte[] forText = bytes.length > HttpView.MAX_TEXT_CHARS ? java.util.Arrays.copyOf(bytes, HttpView.MAX_TEXT_CHARS) : bytes;
            String text = Bodies.render(contentType, forText);
            if (forText.length < bytes.length || c.truncated()) {
                text += "\n\u2026 (cut: showing the first " + Units.bytes(forText.length) + ")";
            }
            String hex = HttpView.hexDump(bytes, HttpView.MAX_HEX_BYTES);
            StyleSpans<Collection<String>> textStyles =
                    contentType != null && ContentTypes.mediaType(contentType).contains("json") ? BodyText.json(text) : null;
            return new Prepared(text, textStyles, hex, BodyText.hex(hex), img, n.toString(), gen);
        } catch (IOException | RuntimeException e) {
            return Prepared.empty("cannot read the body back: " + e.getMessage(), gen);
        }
    }

    private void render() {
        HttpView.Mode m = mode();
        boolean showImage = m == HttpView.Mode.IMAGE && prepared != null && prepared.image() != null;
        imagePane.setVisible(showImage);
        bodyPane.setVisible(!showImage);
        if (prepared == null) {
            return;
        }
        note.setText(prepared.note());
        image.setImage(prepared.image());
        if (!showImage) {
            boolean hex = m == HttpView.Mode.HEX;
            body.setWrapText(!hex);
            HeadText.show(body, hex ? prepared.hex() : prepared.text(), hex ? prepared.hexStyles() : prepared.textStyles());
        }
    }

    /** A body as prepared off the FX thread. */
    record Prepared(String text, StyleSpans<Collection<String>> textStyles, String hex,
            StyleSpans<Collection<String>> hexStyles, Image image, String note, long generation) {
        static Prepared empty(String note, long generation) {
            return new Prepared("", null, "", null, null, note, generation);
        }
    }

    /** The head as it was sent: interim responses first, trailers last; line ends as plain newlines. */
    private static String headText(Exchange e, MessageHead message, List<Header> trailers) {
        StringBuilder sb = new StringBuilder();
        if (!message.isRequest()) {
            for (MessageHead interim : e.interim()) {
                sb.append(interim.toWireText().replace("\r\n", "\n"));
            }
        }
        sb.append(message.toWireText().replace("\r\n", "\n"));
        if (!trailers.isEmpty()) {
            sb.append("(trailers)\n");
            trailers.forEach(t -> sb.append(t).append('\n'));
        }
        return sb.toString().stripTrailing();
    }
}
