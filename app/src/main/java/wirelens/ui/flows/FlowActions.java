package wirelens.ui.flows;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import javafx.application.Platform;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TableView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.stage.Window;
import wirelens.capture.CaptureFile;
import wirelens.flows.Flow;
import wirelens.flows.FlowExports;
import wirelens.flows.Flows;
import wirelens.ui.base.Background;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Notifier;

/**
 * What the Flows list's context menu does with the selected flows: copy them as curl commands or URLs,
 * save a body, export them as HAR, open their connection, and hand one to the resend editor. Everything
 * that reads the capture runs in the background and reports through the notifier.
 */
public final class FlowActions {
    private final CaptureFile file;
    private final Notifier notifier;
    private final FileDialogs dialogs;
    private final TableView<Flow> table;
    private final LongConsumer openConnection;
    private final MenuItem resend = new MenuItem("Edit and resend\u2026");
    private Consumer<Flow> resendEditor;

    FlowActions(CaptureFile file, Notifier notifier, FileDialogs dialogs, TableView<Flow> table, LongConsumer openConnection) {
        this.file = file;
        this.notifier = notifier;
        this.dialogs = dialogs;
        this.table = table;
        this.openConnection = openConnection;
    }

    ContextMenu menu() {
        MenuItem curl = item("Copy as curl", "flows-copy-curl", () -> copyAsCurl(selected()));
        MenuItem url = item("Copy URL", "flows-copy-url", () -> copyUrls(selected()));
        MenuItem saveRequest = item("Save request body\u2026", "flows-save-request",
                () -> chooseAndSave(FlowExports.Side.REQUEST));
        MenuItem saveResponse = item("Save response body\u2026", "flows-save-response",
                () -> chooseAndSave(FlowExports.Side.RESPONSE));
        MenuItem har = item("Export selection as HAR\u2026", "flows-export-har", this::chooseAndExportHar);
        MenuItem open = item("Open connection", "flows-open-connection", () -> {
            Flow f = table.getSelectionModel().getSelectedItem();
            if (f != null) {
                openConnection.accept(f.connectionId());
            }
        });
        resend.setId("flows-resend");
        resend.setOnAction(e -> {
            Flow f = table.getSelectionModel().getSelectedItem();
            if (f != null && resendEditor != null) {
                resendEditor.accept(f);
            }
        });
        resend.setDisable(true);
        ContextMenu menu = new ContextMenu(curl, url, new SeparatorMenuItem(), saveRequest, saveResponse, har,
                new SeparatorMenuItem(), resend, open);
        menu.setOnShowing(e -> {
            int n = table.getSelectionModel().getSelectedItems().size();
            for (MenuItem m : List.of(curl, url, har)) {
                m.setDisable(n == 0);
            }
            for (MenuItem m : List.of(saveRequest, saveResponse, open)) {
                m.setDisable(n != 1);
            }
            resend.setDisable(n != 1 || resendEditor == null);
        });
        return menu;
    }

    void setOnEditAndResend(Consumer<Flow> editor) {
        this.resendEditor = editor;
        resend.setDisable(editor == null);
    }

    /** The selected flows in arrival order. */
    private List<Flow> selected() {
        List<Flow> flows = new ArrayList<>(table.getSelectionModel().getSelectedItems());
        flows.removeIf(java.util.Objects::isNull);
        flows.sort(Flows.ARRIVAL);
        return flows;
    }

    /** Puts the flows' curl commands on the clipboard, one line each; a large body goes to a temporary file. */
    public void copyAsCurl(List<Flow> flows) {
        if (flows.isEmpty() || lacksFile()) {
            return;
        }
        Background.execute(() -> {
            List<String> commands = new ArrayList<>();
            List<Path> bodyFiles = new ArrayList<>();
            String problem = null;
            for (Flow f : flows) {
                try {
                    commands.add(FlowExports.curl(file, f, () -> {
                        try {
                            Path p = Files.createTempFile("wirelens-flow-" + f.number() + "-", ".body");
                            bodyFiles.add(p);
                            return p;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }));
                } catch (IOException | UncheckedIOException e) {
                    problem = "Cannot copy flow #" + f.number() + " as curl: " + e.getMessage();
                }
            }
            String text = String.join("\n", commands);
            String why = problem;
            Platform.runLater(() -> {
                if (!commands.isEmpty()) {
                    copy(text);
                    notifier.info("Copied " + (commands.size() == 1 ? "a curl command" : commands.size() + " curl commands")
                            + (bodyFiles.isEmpty() ? "" : "; the request body is in " + bodyFiles.get(0).getParent()));
                }
                if (why != null) {
                    notifier.error(why);
                }
            });
        });
    }

    /** Puts the flows' URLs on the clipboard, one a line. */
    public void copyUrls(List<Flow> flows) {
        if (!flows.isEmpty()) {
            copy(String.join("\n", flows.stream().map(Flow::url).toList()));
        }
    }

    private void chooseAndSave(FlowExports.Side side) {
        Flow f = table.getSelectionModel().getSelectedItem();
        if (f == null) {
            return;
        }
        String name = "flow-" + f.number() + "-" + (side == FlowExports.Side.REQUEST ? "request" : "response") + ".bin";
        dialogs.save(window(), "Save " + (side == FlowExports.Side.REQUEST ? "request" : "response") + " body", name)
                .ifPresent(target -> saveBody(f, side, target));
    }

    /** Writes one body of {@code f}, decoded, to {@code target} in the background. */
    public void saveBody(Flow f, FlowExports.Side side, Path target) {
        if (lacksFile()) {
            return;
        }
        Background.execute(() -> {
            String outcome;
            boolean ok = false;
            try {
                long n = FlowExports.saveBody(file, f, side, target);
                outcome = "Saved " + n + " bytes of flow #" + f.number() + "'s " + side.name().toLowerCase(java.util.Locale.ROOT)
                        + " body to " + target;
                ok = true;
            } catch (IOException e) {
                outcome = "Cannot save flow #" + f.number() + "'s body to " + target + ": " + e.getMessage();
            }
            tell(outcome, ok);
        });
    }

    private void chooseAndExportHar() {
        List<Flow> flows = selected();
        if (!flows.isEmpty()) {
            dialogs.save(window(), "Export flows as HAR", "flows.har").ifPresent(target -> exportHar(flows, target));
        }
    }

    /** Writes {@code flows} as HAR 1.2 to {@code target} in the background; the file appears whole. */
    public void exportHar(List<Flow> flows, Path target) {
        if (lacksFile()) {
            return;
        }
        List<Flow> inOrder = new ArrayList<>(flows);
        inOrder.sort(Comparator.comparingInt(Flow::number));
        Background.execute(() -> {
            String outcome;
            boolean ok = false;
            Path absolute = target.toAbsolutePath();
            try {
                Path temp = Files.createTempFile(absolute.getParent(), ".wirelens-", ".har");
                try {
                    try (OutputStream out = Files.newOutputStream(temp)) {
                        FlowExports.har(file, inOrder, out);
                    }
                    Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(temp);
                }
                outcome = "Exported " + inOrder.size() + (inOrder.size() == 1 ? " flow" : " flows") + " as HAR to " + absolute;
                ok = true;
            } catch (IOException e) {
                outcome = "Cannot export the flows as HAR to " + absolute + ": " + e.getMessage();
            }
            tell(outcome, ok);
        });
    }

    /** A capture without a file (it could not be created) has rows but no bytes to read back: says so. */
    private boolean lacksFile() {
        if (file == null) {
            notifier.error("The capture has no file, so the flows' requests and responses cannot be read back.");
        }
        return file == null;
    }

    private void tell(String outcome, boolean ok) {
        Platform.runLater(() -> {
            if (ok) {
                notifier.info(outcome);
            } else {
                notifier.error(outcome);
            }
        });
    }

    private static void copy(String text) {
        ClipboardContent content = new ClipboardContent();
        content.putString(text);
        Clipboard.getSystemClipboard().setContent(content);
    }

    private Window window() {
        return table.getScene() == null ? null : table.getScene().getWindow();
    }

    private static MenuItem item(String text, String id, Runnable action) {
        MenuItem m = new MenuItem(text);
        m.setId(id);
        m.setOnAction(e -> action.run());
        return m;
    }
}
