package wirelens.ui.base;

/** Where the window tells the user something, without a modal dialog. Call on the FX thread. */
public interface Notifier {
    void info(String message);

    void error(String message);
}
