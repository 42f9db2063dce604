package wirelens.ui.intercept;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import wirelens.intercept.Hex;
import wirelens.proto.http.Bodies;
import wirelens.proto.http.ContentTypes;
import wirelens.proto.http.Header;
import wirelens.proto.http.HttpMessages;

/**
 * Edits one whole HTTP message: a request's method and URL, or a response's status line; its headers, one
 * {@code Name: value} a line; and its body as a whole, as text or as hex. The body is shown with its
 * Content-Encoding undone where Wirelens can, and {@link #message()} makes the edit a valid message again
 * (Content-Length, chunked framing and the encoding, see {@link HttpMessages#valid}).
 */
public final class MessageEditor {
    private final TextField method = new TextField();
    private final TextField url = new TextField();
    private final TextField statusLine = new TextField();
    private final HBox requestLine;
    private final TextArea headers = new TextArea();
    private final TextArea text = new TextArea();
    private final TextArea hex = new TextArea();
    private final Tab textTab = new Tab("Text", text);
    private final Tab hexTab = new Tab("Hex", hex);
    private final TabPane bodyTabs = new TabPane(textTab, hexTab);
    private final Label bodyNote = new Label();
    private final VBox root;
    private boolean response;
    private String version = "HTTP/1.1";
    /** The body shown has its Content-Encoding undone (and gets it again on the way out). */
    private boolean decoded;
    private Charset charset = Charset.forName("UTF-8");
    /** The body as loaded (as shown: decoded where it could be), for text that was not touched. */
    private byte[] loadedBody = new byte[0];
    private boolean switching;

    /** {@code idPrefix} names the fields for tests: PREFIX-method, -url, -status, -headers, -text, -hex. */
    public MessageEditor(String idPrefix) {
        method.setId(idPrefix + "-method");
        method.setPrefColumnCount(7);
        url.setId(idPrefix + "-url");
        statusLine.setId(idPrefix + "-status");
        headers.setId(idPrefix + "-headers");
        text.setId(idPrefix + "-text");
        hex.setId(idPrefix + "-hex");
        for (TextArea area : List.of(headers, text, hex)) {
            area.getStyleClass().add(InterceptStyles.EDITOR);
        }
        headers.setPrefRowCount(7);
        text.setWrapText(true);
        requestLine = new HBox(4, method, url);
        HBox.setHgrow(url, Priority.ALWAYS);
        bodyTabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        bodyTabs.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> switched(was));
        bodyNote.getStyleClass().add(InterceptStyles.INFO);
        bodyNote.setWrapText(true);
        root = new VBox(4, requestLine, headers, bodyTabs, bodyNote);
        VBox.setVgrow(bodyTabs, Priority.ALWAYS);
    }

    public Node node() {
        return root;
    }

    /** Shows a request: method, absolute URL, headers, and its body as sent (any Content-Encoding kept). */
    public void loadRequest(String method, String url, String version, List<Header> headers, byte[] body) {
        response = false;
        this.method.setText(method);
        this.url.setText(url);
        this.version = version == null ? "HTTP/1.1" : version;
        root.getChildren().set(0, requestLine);
        load(headers, body);
    }

    /** Shows a response: its status line, headers, and its body as sent. */
    public void loadResponse(String statusLine, List<Header> headers, byte[] body) {
        response = true;
        this.statusLine.setText(statusLine);
        root.getChildren().set(0, this.statusLine);
        load(headers, body);
    }

    private void load(List<Header> list, byte[] body) {
        StringBuilder sb = new StringBuilder();
        String contentType = null;
        String encoding = null;
        for (Header h : list) {
            sb.append(h.name()).append(": ").append(h.value()).append('\n');
            if (h.is("Content-Type") && contentType == null) {
                contentType = h.value();
            } else if (h.is("Content-Encoding") && encoding == null) {
                encoding = h.value();
            }
        }
        headers.setText(sb.toString());
        charset = ContentTypes.charset(contentType);
        decoded = false;
        byte[] shown = body;
        String note = body.length + " bytes of body";
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity") && body.length > 0) {
            try {
                shown = Bodies.decode(encoding, body);
                decoded = true;
                note += ", " + encoding + " undone for editing and "
                        + (HttpMessages.canEncode(List.of(encoding.split("\\s*,\\s*"))) ? "applied again when sent"
                        : "not applied again (Wirelens cannot): sent without Content-Encoding");
            } catch (IOException | RuntimeException e) {
                note += ", shown as sent (cannot undo " + encoding + ": " + e.getMessage() + ")";
            }
        }
        loadedBody = shown;
        switching = true;
        try {
            text.setText(new String(shown, charset));
            hex.setText(Hex.formatLines(shown, InterceptEditor.HEX_PER_LINE));
            bodyTabs.getSelectionModel().select(Bodies.looksBinary(shown) ? hexTab : textTab);
        } finally {
            switching = false;
        }
        bodyNote.setText(note);
    }

    /** Carries the body over when the user switches between text and hex. */
    private void switched(Tab from) {
        if (switching || from == null) {
            return;
        }
        switching = true;
        try {
            if (from == textTab) {
                hex.setText(Hex.formatLines(textBytes(), InterceptEditor.HEX_PER_LINE));
            } else {
                byte[] b = InterceptEditor.parseHex(hex.getText());
                loadedBody = b;
                text.setText(new String(b, charset));
            }
            bodyNote.getStyleClass().removeAll(InterceptStyles.ERROR);
        } catch (IllegalArgumentException e) {
            bodyNote.setText(e.getMessage());
            bodyNote.getStyleClass().add(InterceptStyles.ERROR);
            bodyTabs.getSelectionModel().select(from);
        } finally {
            switching = false;
        }
    }

    /** Text the user did not touch keeps its exact bytes, even those the charset cannot round-trip. */
    private byte[] textBytes() {
        String now = text.getText();
        return now.equals(new String(loadedBody, charset)) ? loadedBody : now.getBytes(charset);
    }

    /** The body as edited, as shown (decoded when {@link #bodyDecoded()}). */
    public byte[] body() {
        return bodyTabs.getSelectionModel().getSelectedItem() == hexTab ? InterceptEditor.parseHex(hex.getText())
                : textBytes();
    }

    /** Whether {@link #body()} has its Content-Encoding undone. */
    public boolean bodyDecoded() {
        return decoded;
    }

    public String method() {
        return method.getText().strip();
    }

    public String url() {
        return url.getText().strip();
    }

    /** The headers as edited; {@link IllegalArgumentException} names a line that is not a header. */
    public List<Header> headers() {
        return HttpMessages.parseHeaders(headers.getText());
    }

    /** The start line as edited. */
    public String startLine() {
        return response ? statusLine.getText().strip() : method() + " " + url() + " " + version;
    }

    /** The whole message in wire form, valid for its body; {@link IllegalArgumentException} says what is wrong. */
    public byte[] message() {
        String line = startLine();
        if (response && !line.matches("HTTP/1\\.[01] [1-5]\\d\\d( .*)?")) {
            throw new IllegalArgumentException("the status line must read like HTTP/1.1 200 OK");
        }
        if (!response && (method().isEmpty() || method().contains(" ") || url().isEmpty() || url().contains(" "))) {
            throw new IllegalArgumentException("the request needs a method and a URL, each one word");
        }
        return HttpMessages.valid(line, headers(), body(), decoded);
    }

    /** True when nothing was edited since the load (so the original may go as it came, framing and all). */
    public boolean unchanged(String startLine, List<Header> original) {
        try {
            return startLine().equals(startLine) && headers().equals(original) && Arrays.equals(body(), loadedBody);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
