package wirelens.engine;

/**
 * A fixed-target relay: connect to the target, pass every byte across, pass each EOF on as a
 * half-close once the bytes before it are out, and end when both directions have ended.
 */
public final class ForwardSession implements Session {
    private final String targetHost;
    private final int targetPort;
    private final boolean[] ended = new boolean[2];

    public ForwardSession(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    @Override
    public void handle(SessionEvent event, SessionOutput out) {
        if (event instanceof SessionEvent.Accepted) {
            out.connect(targetHost, targetPort);
        } else if (event instanceof SessionEvent.Received r) {
            out.send(r.from().opposite(), r.data());
        } else if (event instanceof SessionEvent.Eof e) {
            ended[e.from().ordinal()] = true;
            if (ended[0] && ended[1]) {
                // both ways are over: the close that follows the last bytes sends the FIN itself
                out.finish();
            } else {
                out.shutdownOutput(e.from().opposite());
            }
        } else if (event instanceof SessionEvent.ConnectFailed f) {
            String target = Hosts.format(f.host(), f.port());
            out.fail(f.timedOut() ? "connect to " + target + " timed out"
                    : "connect to " + target + " failed: " + f.reason());
        } else if (event instanceof SessionEvent.Broken b) {
            out.reset(b.side().name().toLowerCase(java.util.Locale.ROOT) + " " + b.reason());
        }
    }
}
