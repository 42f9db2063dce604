package wirelens.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real SMTP server: Python's aiosmtpd (Debian python3-aiosmtpd) on 127.0.0.1. Either its own command
 * line ({@link #start}), or with a handler that stores each message byte for byte as the client sent it
 * ({@link #storing}; the stock handlers add headers), optionally with AUTH ({@link #storingWithAuth}).
 */
public final class Aiosmtpd implements AutoCloseable {
    /**
     * Handlers importable as {@code rawstore.RawStore} and {@code rawstore.PipeliningRawStore}: each stores
     * {@code envelope.original_content} as STORE/msg-N.eml (written under another name, then renamed, so a
     * test never reads half a message).
     */
    private static final String RAW_STORE = """
            import os


            class RawStore:
                \"\"\"Stores envelope.original_content as is.\"\"\"

                def __init__(self, directory):
                    self.directory = directory
                    self.count = 0

                @classmethod
                def from_cli(cls, parser, *args):
                    if len(args) != 1:
                        parser.error("RawStore needs one argument: the directory to store messages in")
                    return cls(args[0])

                async def handle_DATA(self, server, session, envelope):
                    self.count += 1
                    base = os.path.join(self.directory, "msg-%d" % self.count)
                    with open(base + ".tmp", "wb") as f:
                        f.write(envelope.original_content)
                    os.rename(base + ".tmp", base + ".eml")
                    return "250 OK stored"


            class PipeliningRawStore(RawStore):
                \"\"\"RawStore that also advertises PIPELINING.\"\"\"

                async def handle_EHLO(self, server, session, envelope, hostname, responses):
                    session.host_name = hostname
                    return responses[:-1] + ["250-PIPELINING"] + responses[-1:]
            """;

    /** aiosmtpd's command line cannot enable AUTH: this starts its Controller with an authenticator. */
    private static final String AUTH_SERVER = """
            import os
            import sys
            import threading

            from aiosmtpd.controller import Controller
            from aiosmtpd.smtp import AuthResult, LoginPassword

            sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
            import rawstore


            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"alice" and auth_data.password == b"s3cret"
                return AuthResult(success=ok)


            port, store, handler = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            controller = Controller(getattr(rawstore, handler)(store), hostname="127.0.0.1", port=port,
                                    authenticator=authenticator, auth_require_tls=False)
            controller.start()
            print("ready", flush=True)
            threading.Event().wait()
            """;

    private final PeerProcess process;
    private final int port;
    private final Path store;

    private Aiosmtpd(PeerProcess process, int port, Path store) {
        this.process = process;
        this.port = port;
        this.store = store;
    }

    /** Skips the test unless aiosmtpd is installed for /usr/bin/python3. */
    public static void assumeInstalled() {
        Python.assumeModule("aiosmtpd", "python3-aiosmtpd");
    }

    /**
     * {@code python3 -m aiosmtpd -n -l 127.0.0.1:PORT ARGS...} on a port chosen beforehand (e.g. one a
     * listener already targets), its output in DIR/aiosmtpd-PORT.log; returns once it accepts.
     */
    public static Aiosmtpd start(Path dir, int port, String... args) throws Exception {
        assumeInstalled();
        List<String> command = new ArrayList<>(List.of(Python.EXECUTABLE, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + port));
        command.addAll(List.of(args));
        return new Aiosmtpd(PeerProcess.start("aiosmtpd", new ProcessBuilder(command), log(dir, port), port), port, null);
    }

    /** As {@link #start(Path, int, String...)}, on a free port. */
    public static Aiosmtpd start(Path dir, String... args) throws Exception {
        return start(dir, Loopback.freePort(), args);
    }

    /**
     * Stores each message byte for byte as DIR/store/msg-N.eml. {@code pipelining} adds PIPELINING to the
     * EHLO reply; {@code options} go before the handler, e.g. {@code --tlscert CERT --tlskey KEY} for STARTTLS.
     */
    public static Aiosmtpd storing(Path dir, boolean pipelining, String... options) throws Exception {
        assumeInstalled();
        Path modules = writeModules(dir);
        Path store = Files.createDirectories(dir.resolve("store"));
        int port = Loopback.freePort();
        List<String> command = new ArrayList<>(List.of(Python.EXECUTABLE, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + port));
        command.addAll(List.of(options));
        command.addAll(List.of("-c", "rawstore." + handler(pipelining), store.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PYTHONPATH", modules.toString());
        return new Aiosmtpd(PeerProcess.start("aiosmtpd", pb, log(dir, port), port), port, store);
    }

    /** As {@link #storing}, and it takes AUTH PLAIN and LOGIN for user alice, password s3cret (no TLS needed). */
    public static Aiosmtpd storingWithAuth(Path dir, boolean pipelining) throws Exception {
        assumeInstalled();
        Path modules = writeModules(dir);
        Path script = Files.writeString(modules.resolve("authserver.py"), AUTH_SERVER);
        Path store = Files.createDirectories(dir.resolve("store"));
        int port = Loopback.freePort();
        ProcessBuilder pb = new ProcessBuilder(Python.EXECUTABLE, script.toString(), String.valueOf(port), store.toString(),
                handler(pipelining));
        return new Aiosmtpd(PeerProcess.start("aiosmtpd", pb, log(dir, port), port), port, store);
    }

    private static String handler(boolean pipelining) {
        return pipelining ? "PipeliningRawStore" : "RawStore";
    }

    private static Path writeModules(Path dir) throws Exception {
        Path modules = Files.createDirectories(dir.resolve("py"));
        Files.writeString(modules.resolve("rawstore.py"), RAW_STORE);
        return modules;
    }

    private static Path log(Path dir, int port) {
        return dir.resolve("aiosmtpd-" + port + ".log");
    }

    public int port() {
        return port;
    }

    /** Where {@link #storing} and {@link #storingWithAuth} put the messages (null for {@link #start}). */
    public Path store() {
        return store;
    }

    /** What aiosmtpd printed so far (with {@code -d}: every command and reply). */
    public String log() throws Exception {
        return process.log();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
