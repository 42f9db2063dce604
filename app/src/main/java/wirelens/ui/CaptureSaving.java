package wirelens.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Stage;
import wirelens.base.Units;
import wirelens.capture.CaptureFile;
import wirelens.capture.CaptureRing;
import wirelens.capture.Recorder;
import wirelens.ui.base.Background;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Styles;

/**
 * Saving a window's capture, and what the window says about it: where it was saved last (the status bar
 * names that file, not the temporary one recording goes on in), and, on quit, whether traffic recorded
 * only in a temporary file would be lost (Save / Discard / Cancel).
 */
final class CaptureSaving {
    private final Stage stage;
    private final LiveCapture live;
    private final CaptureFile file;
    private final FileDialogs dialogs;
    private final Notifications notifications;
    private Path savedTo;
    /** {@link #recordedMark()} when the capture was last saved. */
    private long savedMark = -1;
    private long savedAtNanos;
    /** Set once the user chose to quit, so closing the stage does not ask again. */
    private boolean quitting;

    CaptureSaving(Stage stage, LiveCapture live, CaptureFile file, FileDialogs dialogs, Notifications notifications) {
        this.stage = stage;
        this.live = live;
        this.file = file;
        this.dialogs = dialogs;
        this.notifications = notifications;
        stage.setOnCloseRequest(e -> {
            if (!quitting && unsaved()) {
                e.consume();
                askAndQuit();
            }
        });
    }

    /** File → Save capture as: asks where, then saves. */
    void chooseAndSave() {
        chooseTarget().ifPresent(target -> save(target, () -> {}));
    }

    /** Copies the capture (everything recorded so far) to {@code target} off the FX thread; then {@code after}. */
    void save(Path target, Runnable after) {
        long recorded = live != null ? recordedMark() : 0;
        Background.execute(() -> {
            String message;
            boolean ok = false;
            try {
                if (live != null) {
                    live.recorder.saveCopy(target);
                } else {
                    file.saveCopy(target);
                }
                message = "Saved the capture (" + Units.bytes(Files.size(target)) + ") to " + target;
                ok = true;
            } catch (IOException e) {
                message = "Cannot save the capture to " + target + ": " + e.getMessage();
            }
            String m = message;
            boolean success = ok;
            Platform.runLater(() -> {
                if (success) {
                    savedTo = target;
                    savedMark = recorded;
                    savedAtNanos = wirelens.engine.EpochClock.nowNanos();
                    notifications.info(m);
                    after.run();
                } else {
                    notifications.error(m);
                }
            });
        });
    }

    /** The status bar's capture text of a live window. */
    String status() {
        Recorder recorder = live.recorder;
        String failure = recorder.writeFailure().isPresent() ? "  \u2014 WRITE FAILED, recording stopped"
                : recorder.paused() ? "  \u2014 PAUSED: too little disk space, traffic not recorded" : "";
        if (savedTo == null) {
            return "capture: " + recording() + failure;
        }
        String since = unsaved() ? ", more recorded since" : "";
        return "saved: " + savedTo + " at " + Units.clock(savedAtNanos).substring(0, 5) + since
                + "  \u00b7  recording: " + recording() + failure;
    }

    /** Where recording goes: a file and its size, or a ring and how full it is. */
    private String recording() {
        Recorder recorder = live.recorder;
        if (recorder.path().isEmpty()) {
            return "not recorded";
        }
        if (recorder.ring().isEmpty()) {
            return recorder.path().get() + " (" + Units.bytes(recorder.flushedBytes()) + ")";
        }
        CaptureRing ring = recorder.ring().get();
        return (recorder.isTemporary() ? "temporary ring, " : "ring, ") + recorder.files().size() + " of "
                + (ring.maxFiles() == 0 ? "unlimited" : String.valueOf(ring.maxFiles())) + " files of "
                + Units.bytes(ring.maxFileBytes()) + ", " + Units.bytes(recorder.totalBytes()) + " ("
                + recorder.path().get().getParent() + ")";
    }

    /** File → Quit: asks first when traffic recorded only in a temporary file would be lost. */
    void quit() {
        if (unsaved()) {
            askAndQuit();
        } else {
            closeNow();
        }
    }

    /** True when quitting would delete traffic the user never saved. */
    boolean unsaved() {
        return live != null && live.recorder.isTemporary() && live.recorder.path().isPresent()
                && live.index().addedCount() > 0 && recordedMark() != savedMark;
    }

    /** Changes whenever something is recorded: connections added, bytes written (a ring's total moves too). */
    private long recordedMark() {
        return live.index().addedCount() * 31 + live.recorder.totalBytes();
    }

    private void askAndQuit() {
        long connections = live.index().addedCount();
        ButtonType save = new ButtonType("Save\u2026", ButtonBar.ButtonData.YES);
        ButtonType discard = new ButtonType("Discard", ButtonBar.ButtonData.NO);
        Alert ask = new Alert(Alert.AlertType.CONFIRMATION,
                connections + (connections == 1 ? " connection" : " connections") + " ("
                        + Units.bytes(live.recorder.totalBytes()) + ") recorded "
                        + (savedTo == null ? "" : "since the last save ")
                        + "only in a temporary file, which is deleted when Wirelens quits.",
                save, discard, ButtonType.CANCEL);
        ask.initOwner(stage);
        ask.setHeaderText("Save the capture before quitting?");
        ask.getDialogPane().setId("quit-dialog");
        ask.getDialogPane().getStylesheets().add(Styles.STYLESHEET);
        ask.showAndWait().ifPresent(answer -> {
            if (answer == discard) {
                closeNow();
            } else if (answer == save) {
                chooseTarget().ifPresent(target -> save(target, this::closeNow));
            }
        });
    }

    private Optional<Path> chooseTarget() {
        String name = "wirelens-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".pcapng";
        return dialogs.save(stage, "Save capture as", name);
    }

    private void closeNow() {
        quitting = true;
        stage.close();
    }
}
