package wirelens.cli;

/**
 * SIGINT and SIGTERM end a headless run cleanly with exit status 0. The JDK's own handling would run
 * shutdown hooks but exit with 130/143, which scripts read as a failure.
 */
final class Signals {
    private Signals() {}

    @SuppressWarnings("restriction")
    static void onTermination(Runnable action) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
            } catch (IllegalArgumentException | LinkageError e) {
                // the platform has no such signal (or no sun.misc): fall back to a shutdown hook
                Runtime.getRuntime().addShutdownHook(new Thread(action));
            }
        }
    }
}
