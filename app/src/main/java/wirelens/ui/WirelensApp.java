package wirelens.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import wirelens.engine.Engine;
import wirelens.engine.EngineEvent;
import wirelens.engine.EngineOptions;
import wirelens.engine.EventQueue;
import wirelens.engine.Hosts;
import wirelens.engine.ListenerConfig;

/** The window. For now: the listeners and a count of connections, fed in batches once per pulse. */
public final class WirelensApp extends Application {
    private static List<ListenerConfig> initialListeners = List.of();

    private final EventQueue events = new EventQueue(64L * 1024 * 1024);
    private Engine engine;
    private final ObservableList<String> listenerRows = FXCollections.observableArrayList();
    private final Label status = new Label("no connections yet");
    private long opened;
    private long open;

    /** Called from the command line: opens the window with these listeners (and a capture file, later). */
    public static void launchWindow(List<ListenerConfig> listeners, String captureFile) {
        initialListeners = List.copyOf(listeners);
        Application.launch(WirelensApp.class);
    }

    @Override
    public void start(Stage stage) {
        engine = new Engine(events, EngineOptions.defaults().withRecordChunks(false));
        engine.start();
        for (ListenerConfig config : initialListeners) {
            engine.addListener(config);
        }
        BorderPane root = new BorderPane(new ListView<>(listenerRows));
        root.setBottom(status);
        new AnimationTimer() {
            private final List<EngineEvent> batch = new ArrayList<>();

            @Override
            public void handle(long now) {
                batch.clear();
                try {
                    events.drainTo(batch, 10_000, 0, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                batch.forEach(WirelensApp.this::apply);
                events.consumed(batch);
            }
        }.start();
        stage.setTitle("Wirelens");
        stage.setScene(new Scene(root, 720, 420));
        stage.show();
    }

    private void apply(EngineEvent event) {
        if (event instanceof EngineEvent.ListenerStarted s) {
            listenerRows.add(s.config().kind().label() + " " + Hosts.format(s.bound()) + " -> " + s.config().targetText());
        } else if (event instanceof EngineEvent.ListenerFailed f) {
            listenerRows.add(f.message());
        } else if (event instanceof EngineEvent.Opened) {
            opened++;
            open++;
        } else if (event instanceof EngineEvent.Closed || event instanceof EngineEvent.Failed) {
            open--;
        }
        status.setText(open + " open / " + opened + " connections");
    }

    @Override
    public void stop() {
        if (engine != null) {
            engine.close();
        }
        Platform.exit();
    }
}
