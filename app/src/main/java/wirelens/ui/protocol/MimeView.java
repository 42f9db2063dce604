package wirelens.ui.protocol;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.fxmisc.richtext.StyleClassedTextArea;
import wirelens.base.Units;
import wirelens.proto.smtp.MimeHeader;
import wirelens.proto.smtp.MimeMessage;
import wirelens.proto.smtp.MimePart;

/**
 * One mail message as its reader sees it: the header block, the MIME parts as a tree with the chosen
 * part's text, and the attachments, each savable to a file. Shown by the SMTP view's Messages tab and by
 * the window's Messages list.
 */
public final class MimeView {
    /** Most characters of one part shown as text; the whole part can be saved. */
    static final int MAX_PART_CHARS = 1 << 20;

    private final StyleClassedTextArea headers;
    private final TreeView<MimePart> parts = new TreeView<>();
    private final TextArea partText = new TextArea();
    private final ObservableList<MimePart> attachmentRows = FXCollections.observableArrayList();
    private final ListView<MimePart> attachments = new ListView<>(attachmentRows);
    private final Button saveAttachment = new Button("Save attachment\u2026");
    private final Executor saving;
    private final BiFunction<Window, String, Path> chooseFile;
    private final Consumer<String> status;
    private final SplitPane node;

    /** {@code idPrefix} names its parts for tests and CSS: {@code PREFIX-headers}, {@code PREFIX-parts}, ... */
    public MimeView(String idPrefix, Executor saving, BiFunction<Window, String, Path> chooseFile,
            Consumer<String> status) {
        this.saving = saving;
        this.chooseFile = chooseFile;
        this.status = status;
        headers = HeadText.area(idPrefix + "-headers");
        partText.setId(idPrefix + "-part-text");
        partText.setEditable(false);
        partText.setWrapText(true);
        partText.getStyleClass().add(SmtpView.MONO);

        parts.setId(idPrefix + "-parts");
        parts.setShowRoot(true);
        parts.setCellFactory(t -> new TreeCell<>() {
            @Override
            protected void updateItem(MimePart p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : partTitle(p));
            }
        });
        parts.getSelectionModel().selectedItemProperty().addListener((obs, old, item) ->
                showPart(item == null ? null : item.getValue()));

        attachments.setId(idPrefix + "-attachments");
        attachments.setPlaceholder(new Label("No attachments"));
        attachments.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(MimePart p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null
                        : p.safeFileName() + "  (" + p.mediaType() + ", " + Units.bytes(p.size()) + ")");
            }
        });
        saveAttachment.setId(idPrefix + "-save-attachment");
        saveAttachment.setDisable(true);
        attachments.getSelectionModel().selectedItemProperty().addListener((obs, old, p) ->
                saveAttachment.setDisable(p == null));
        saveAttachment.setOnAction(e -> saveSelectedAttachment());

        Label partsTitle = new Label("MIME parts");
        Label attachmentsTitle = new Label("Attachments");
        partsTitle.getStyleClass().add("wl-view-title");
        attachmentsTitle.getStyleClass().add("wl-view-title");
        VBox.setVgrow(parts, Priority.ALWAYS);
        VBox.setVgrow(attachments, Priority.SOMETIMES);
        attachments.setPrefHeight(90);
        attachments.setMinHeight(64);
        parts.setMinHeight(80);
        VBox tree = new VBox(4, partsTitle, parts, attachmentsTitle, attachments, saveAttachment);
        tree.setPadding(new Insets(4));
        SplitPane content = new SplitPane(HeadText.scrolled(headers), partText);
        content.setOrientation(Orientation.VERTICAL);
        content.setDividerPositions(0.4);
        node = new SplitPane(tree, content);
        node.setDividerPositions(0.38);
    }

    /** The tree of parts beside the headers and the chosen part. */
    public Node node() {
        return node;
    }

    /** Shows {@code mime}, or nothing when null (FX thread). */
    public void show(MimeMessage mime) {
        if (mime == null) {
            HeadText.show(headers, "");
            parts.setRoot(null);
            partText.clear();
            attachmentRows.clear();
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (MimeHeader h : mime.root().headers()) {
            sb.append(h.name()).append(": ").append(h.value()).append('\n');
        }
        HeadText.show(headers, sb.toString().stripTrailing());
        TreeItem<MimePart> root = treeOf(mime.root());
        parts.setRoot(root);
        attachmentRows.setAll(mime.attachments());
        MimePart first = mime.textParts().isEmpty() ? mime.root() : mime.textParts().get(0);
        selectPart(root, first);
    }

    /** Shows a line of text where the message would be (it is being read, or cannot be). */
    public void showNote(String note) {
        show(null);
        partText.setText(note);
    }

    private static String partTitle(MimePart p) {
        StringBuilder sb = new StringBuilder(p.path().isEmpty() ? "message" : p.path());
        sb.append("  ").append(p.mediaType());
        if (p.isText()) {
            sb.append("; ").append(p.charset().name().toLowerCase(Locale.ROOT));
        }
        if (!p.transferEncoding().equals("7bit")) {
            sb.append(" \u00b7 ").append(p.transferEncoding());
        }
        if (!p.isMultipart()) {
            sb.append(" \u00b7 ").append(Units.bytes(p.size()));
        }
        if (p.fileName() != null) {
            sb.append(" \u00b7 \u201c").append(p.fileName()).append('\u201d');
        }
        return sb.toString();
    }

    private void selectPart(TreeItem<MimePart> item, MimePart wanted) {
        if (item.getValue() == wanted) {
            parts.getSelectionModel().select(item);
            return;
        }
        for (TreeItem<MimePart> child : item.getChildren()) {
            selectPart(child, wanted);
        }
    }

    private static TreeItem<MimePart> treeOf(MimePart part) {
        TreeItem<MimePart> item = new TreeItem<>(part);
        item.setExpanded(true);
        for (MimePart child : part.children()) {
            item.getChildren().add(treeOf(child));
        }
        return item;
    }

    private void showPart(MimePart p) {
        if (p == null) {
            partText.clear();
        } else if (p.isMultipart()) {
            partText.setText("(" + p.mediaType() + " with " + p.children().size() + " parts: select one in the tree)");
        } else if (p.isText() && !p.isAttachment() || p.isText() && p.size() < MAX_PART_CHARS) {
            String text = p.text();
            partText.setText(text.length() > MAX_PART_CHARS
                    ? text.substring(0, MAX_PART_CHARS) + "\n\u2026 (cut: " + Units.bytes(p.size()) + " in all; save it to see everything)"
                    : text);
        } else {
            partText.setText("(" + Units.bytes(p.size()) + " of " + p.mediaType()
                    + (p.fileName() == null ? "" : ", \u201c" + p.fileName() + "\u201d")
                    + ": select it under Attachments and use \u201cSave attachment\u2026\u201d)");
        }
    }

    private void saveSelectedAttachment() {
        MimePart part = attachments.getSelectionModel().getSelectedItem();
        if (part == null) {
            return;
        }
        Path target = chooseFile.apply(node.getScene() == null ? null : node.getScene().getWindow(), part.safeFileName());
        if (target == null) {
            return;
        }
        status.accept("saving " + part.safeFileName() + "\u2026");
        saving.execute(() -> {
            String outcome;
            try {
                MimeMessage.save(part, target);
                outcome = "saved " + Units.bytes(part.size()) + " to " + target;
            } catch (IOException e) {
                outcome = "could not save to " + target + ": " + e.getMessage();
            }
            String text = outcome;
            Platform.runLater(() -> status.accept(text));
        });
    }

    /** Asks where to save an attachment, suggesting its own name. */
    public static Path chooseFileToSave(Window owner, String suggested) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save attachment");
        chooser.setInitialFileName(suggested);
        java.io.File f = chooser.showSaveDialog(owner);
        return f == null ? null : f.toPath();
    }

    ListView<MimePart> attachments() {
        return attachments;
    }

    TreeView<MimePart> parts() {
        return parts;
    }

    TextArea partText() {
        return partText;
    }

    StyleClassedTextArea headers() {
        return headers;
    }
}
