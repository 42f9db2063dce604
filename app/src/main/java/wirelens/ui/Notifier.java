package wirelens.ui;

/** Where the window tells the user something, without a modal dialog. Call on the FX thread. */
interface Notifier {
    void info(String message);

    void error(String message);
}
