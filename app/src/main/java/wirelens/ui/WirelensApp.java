package wirelens.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import wirelens.capture.CaptureFile;
import wirelens.engine.EngineOptions;
import wirelens.engine.ListenerConfig;
import wirelens.intercept.ChunkPlugin;
import wirelens.intercept.Rule;
import wirelens.tls.TlsSettings;
import wirelens.ui.base.Background;
import wirelens.ui.base.FileDialogs;
import wirelens.ui.base.Theme;
import wirelens.ui.listeners.ListenerSettings;

/**
 * The JavaFX application: a live window (listeners from the config directory plus the command line's,
 * recording to a temporary capture file unless one is given), or a viewer window on a capture file.
 */
public final class WirelensApp extends Application {
    private static final Logger log = LoggerFactory.getLogger(WirelensApp.class);

    private static volatile List<ListenerConfig> initialListeners = List.of();
    private static volatile Path initialViewFile;
    private static volatile Path initialRecordTo;
    private static volatile List<Rule> initialRules = List.of();
    private static volatile List<ChunkPlugin> initialPlugins = List.of();
    private static volatile EngineOptions initialEngineOptions = EngineOptions.defaults();
    /** Null: the defaults (intercept, the CA in the config directory), as for {@code mvn javafx:run}. */
    private static volatile TlsSettings initialTls;

    /** The live capture started before the toolkit, for the first live window (null: none, or taken). */
    private static volatile CompletableFuture<LiveCapture> earlyCapture;

    private final List<MainWindow> windows = new ArrayList<>();

    /** For {@code mvn -pl app javafx:run}: the live window with the saved listeners. */
    public static void main(String[] args) {
        Theme.askDesktop();
        launch(args);
    }

    /**
     * Opens the window (blocks until it is closed). {@code listeners} are added to the saved ones and
     * started; a non-null {@code captureFile} opens the window as a viewer of that file instead.
     */
    public static void launchWindow(List<ListenerConfig> listeners, String captureFile) {
        launchWindow(listeners, captureFile, null);
    }

    /** As {@link #launchWindow(List, String)}, recording the live capture to {@code recordTo} (null: a temp file). */
    public static void launchWindow(List<ListenerConfig> listeners, String captureFile, Path recordTo) {
        initialListeners = List.copyOf(listeners);
        initialViewFile = captureFile == null ? null : Path.of(captureFile);
        initialRecordTo = recordTo;
        Theme.askDesktop();
        if (initialViewFile == null) {
            startCaptureEarly();
        }
        Application.launch(WirelensApp.class);
    }

    /**
     * As {@link #launchWindow(List, String)}, with match-and-replace rules (shown in the rules pane,
     * not saved), plugins and the engine's options (timeouts, polling) from the command line, for the
     * live window.
     */
    public static void launchWindow(List<ListenerConfig> listeners, String captureFile, List<Rule> rules,
            List<ChunkPlugin> plugins, EngineOptions engineOptions) {
        launchWindow(listeners, captureFile, rules, plugins, engineOptions, TlsSettings.defaults());
    }

    /**
     * As {@link #launchWindow(List, String, List, List, EngineOptions)}, with TLS interception as the command
     * line says ({@code --no-tls-intercept}, {@code --ca-dir}, {@code --tls-passthrough}, {@code --upstream-ca},
     * {@code --upstream-insecure}).
     */
    public static void launchWindow(List<ListenerConfig> listeners, String captureFile, List<Rule> rules,
            List<ChunkPlugin> plugins, EngineOptions engineOptions, TlsSettings tls) {
        initialTls = tls;
        initialRules = List.copyOf(rules);
        initialPlugins = List.copyOf(plugins);
        initialEngineOptions = engineOptions;
        launchWindow(listeners, captureFile, null);
    }

    @Override
    public void start(Stage stage) {
        Theme.install();
        if (initialViewFile != null) {
            try {
                MainWindow viewer = viewer(stage, CaptureFile.openWithRing(initialViewFile), FileDialogs.NATIVE,
                        this::openViewer);
                viewer.offerStartListeners(this::startLiveWindow);
                windows.add(viewer);
                stage.show();
            } catch (IOException e) {
                Alert alert = new Alert(Alert.AlertType.ERROR, "Cannot open " + initialViewFile + ":\n" + e.getMessage());
                alert.setHeaderText("Cannot open the capture");
                alert.showAndWait();
                Platform.exit();
            }
            return;
        }
        startLiveWindow(stage);
    }

    /**
     * Runs {@code then} once after the next frame of {@code stage}'s scene is drawn (after the pulse that
     * laid it out and rendered it), with the milliseconds since the JVM started.
     */
    private static void afterNextFrame(Stage stage, java.util.function.LongConsumer then) {
        javafx.scene.Scene scene = stage.getScene();
        Runnable[] laidOut = new Runnable[1];
        laidOut[0] = () -> Platform.runLater(() -> {
            if (laidOut[0] != null) {
                scene.removePostLayoutPulseListener(laidOut[0]);
                laidOut[0] = null;
                long started = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
                then.accept(System.currentTimeMillis() - started);
            }
        });
        scene.addPostLayoutPulseListener(laidOut[0]);
    }

    /**
     * Starts the live capture (engine, recorder, the CA: 0.2 s, a new CA's keys more) and readies the
     * listener file's reader on another thread while JavaFX starts (0.5 s), so that neither waits on the
     * first frame's path. The window takes the capture when it is built.
     */
    private static void startCaptureEarly() {
        earlyCapture = CompletableFuture.supplyAsync(() -> {
            LiveCapture capture = newCapture();
            ListenerSettings.warmUp();
            return capture;
        }, runnable -> {
            Thread t = new Thread(runnable, "wirelens-start");
            t.setDaemon(true);
            t.start();
        });
    }

    private static LiveCapture newCapture() {
        return LiveCapture.start(initialRecordTo, initialRules, initialPlugins, initialEngineOptions,
                initialTls != null ? initialTls : TlsSettings.defaults());
    }

    /**
     * Shows the window at once with a line saying it is starting, then builds it once that is on screen:
     * building it (some thousand classes, the theme's CSS on every control) takes about a second on a small
     * machine, and a window that appears late looks like a start that failed. Both times go to the log,
     * where {@code FirstFrameBench} (in the tests) reads them.
     */
    private void startLiveWindow(Stage stage) {
        Label starting = new Label("Starting Wirelens\u2026");
        starting.getStyleClass().add(wirelens.ui.base.Styles.EMPTY_HINT);
        javafx.scene.layout.StackPane root = new javafx.scene.layout.StackPane(starting);
        if (Theme.isDark()) {
            root.getStyleClass().add(Theme.DARK_STYLE); // the project's own colours follow the theme too
        }
        javafx.scene.Scene placeholder = new javafx.scene.Scene(root, MainWindow.WIDTH, MainWindow.HEIGHT);
        placeholder.getStylesheets().add(wirelens.ui.base.Styles.STYLESHEET);
        stage.setScene(placeholder);
        stage.setTitle("Wirelens");
        stage.show();
        afterNextFrame(stage, shownMillis -> {
            log.info("first frame {} ms after the JVM started", shownMillis);
            CompletableFuture<LiveCapture> early = earlyCapture;
            earlyCapture = null;
            LiveCapture capture = early != null ? early.join() : newCapture();
            windows.add(new MainWindow(stage, new MainWindow.Setup(capture, null, ListenerSettings.inUserConfigDir(),
                    initialListeners, FileDialogs.NATIVE, this::openViewer)));
            afterNextFrame(stage, readyMillis -> log.info("window ready {} ms after the JVM started", readyMillis));
        });
    }

    /** A viewer's "Start listeners": the live window, started once (brought forward after that). */
    private void startLiveWindow() {
        for (MainWindow w : windows) {
            if (w.isLive() && w.stage().isShowing()) {
                w.stage().toFront();
                return;
            }
        }
        startLiveWindow(new Stage());
    }

    /** Builds a live window on {@code stage}: starts the engine (TLS relayed as it is) and the recorder. */
    public static MainWindow live(Stage stage, List<ListenerConfig> commandLine, Path recordTo, ListenerSettings settings,
            FileDialogs dialogs, Consumer<Path> openViewer) {
        return live(stage, commandLine, recordTo, settings, dialogs, openViewer, TlsSettings.off());
    }

    /** As {@link #live(Stage, List, Path, ListenerSettings, FileDialogs, Consumer)}, intercepting TLS as {@code tls} says. */
    public static MainWindow live(Stage stage, List<ListenerConfig> commandLine, Path recordTo, ListenerSettings settings,
            FileDialogs dialogs, Consumer<Path> openViewer, TlsSettings tls) {
        LiveCapture capture = LiveCapture.start(recordTo, List.of(), List.of(), EngineOptions.defaults(), tls);
        return new MainWindow(stage, new MainWindow.Setup(capture, null, settings, commandLine, dialogs, openViewer));
    }

    /** Builds a viewer window on {@code stage} for an opened capture file (closed with the window). */
    static MainWindow viewer(Stage stage, CaptureFile file, FileDialogs dialogs, Consumer<Path> openViewer) {
        return new MainWindow(stage, new MainWindow.Setup(null, file, null, List.of(), dialogs, openViewer));
    }

    /** File → Open capture: opens (indexes) the file off the FX thread, then shows it in a new window. */
    private void openViewer(Path path) {
        openViewerWindow(path, FileDialogs.NATIVE, this::openViewer, w -> windows.add(w), this::reportOpenFailure);
    }

    static void openViewerWindow(Path path, FileDialogs dialogs, Consumer<Path> openViewer, Consumer<MainWindow> opened,
            Consumer<String> failed) {
        Background.execute(() -> {
            try {
                CaptureFile file = CaptureFile.openWithRing(path);
                Platform.runLater(() -> {
                    Stage stage = new Stage();
                    MainWindow w = viewer(stage, file, dialogs, openViewer);
                    stage.show();
                    opened.accept(w);
                });
            } catch (IOException | RuntimeException e) {
                String message = "Cannot open " + path + ": " + e.getMessage();
                Platform.runLater(() -> failed.accept(message));
            }
        });
    }

    private void reportOpenFailure(String message) {
        windows.stream().filter(w -> w.stage().isShowing()).findFirst()
                .ifPresentOrElse(w -> w.notifications().error(message), () -> log.error(message));
    }

    @Override
    public void stop() {
        for (MainWindow w : windows) {
            w.dispose();
        }
    }
}
