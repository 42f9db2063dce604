package wirelens.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real HTTP server: nginx (Debian nginx) as one foreground process of this user, with its
 * configuration, logs and temporary files all in a test's folder.
 */
public final class Nginx implements AutoCloseable {
    private static final String EXECUTABLE = "/usr/sbin/nginx";

    private final PeerProcess process;
    private final Path dir;

    private Nginx(PeerProcess process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    public static void assumeInstalled() {
        Commands.assumeInstalled(EXECUTABLE, "nginx");
    }

    /**
     * Writes DIR/nginx.conf around {@code httpBlock} (what goes inside {@code http { }}: servers listening on
     * 127.0.0.1, log formats, types), starts nginx on it and waits until every one of {@code ports} accepts.
     * Its error log is DIR/error.log.
     */
    public static Nginx start(Path dir, String httpBlock, int... ports) throws Exception {
        assumeInstalled();
        String d = dir.toString();
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 512; }
                http {
                  client_body_temp_path %1$s/tmp-body;
                  proxy_temp_path %1$s/tmp-proxy;
                  fastcgi_temp_path %1$s/tmp-fastcgi;
                  uwsgi_temp_path %1$s/tmp-uwsgi;
                  scgi_temp_path %1$s/tmp-scgi;
                %2$s
                }
                """.formatted(d, httpBlock.indent(2).stripTrailing()));
        ProcessBuilder pb = new ProcessBuilder(EXECUTABLE, "-p", d, "-c", d + "/nginx.conf", "-e", d + "/error.log");
        return new Nginx(PeerProcess.start("nginx", pb, dir.resolve("nginx.out"), ports), dir);
    }

    /**
     * nginx serving the files of {@code root} over TLS (HTTP/1.1, keep-alive) on 127.0.0.1:{@code port} with
     * {@code certificate}; its access log, DIR/access.log, has one line per request: the connection's serial
     * number, the request's number on it, the request line and the status ({@link #accessLog}).
     */
    public static Nginx serveTls(Path dir, Openssl.Certificate certificate, Path root, int port) throws Exception {
        return start(dir, """
                log_format connections '$connection $connection_requests "$request" $status';
                server {
                  listen 127.0.0.1:%d ssl;
                  ssl_certificate %s;
                  ssl_certificate_key %s;
                  access_log %s connections;
                  root %s;
                }
                """.formatted(port, certificate.cert(), certificate.key(), dir.resolve("access.log"), root), port);
    }

    /** The lines of DIR/access.log so far (empty if there is none yet). */
    public List<String> accessLog() throws IOException {
        Path log = dir.resolve("access.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
