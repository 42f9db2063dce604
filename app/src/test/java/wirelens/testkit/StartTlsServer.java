package wirelens.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted mail server on 127.0.0.1 that speaks plain text up to its go-ahead to STARTTLS and TLS after
 * it: SMTP ({@code EHLO}, {@code STARTTLS} → {@code 220}), IMAP ({@code CAPABILITY}, {@code STARTTLS} →
 * tagged {@code OK}) or POP3 ({@code CAPA}, {@code STLS} → {@code +OK}). Over TLS it reads one line, answers
 * it with one line, and waits for the client to close.
 *
 * <p>It keeps every byte it received before its TLS began ({@link #plaintext}): the lines before the
 * go-ahead, and anything that came after the go-ahead but before the client's hello (which a real server
 * would take for commands: the STARTTLS command injection). And the line it read over TLS ({@link #tlsLine}).
 */
public final class StartTlsServer implements AutoCloseable {
    /** A TLS record of type handshake: the first byte of a ClientHello. */
    private static final int HANDSHAKE = 0x16;

    /** What the server speaks; each answers a command line with its reply lines. */
    public enum Protocol {
        SMTP("220 mail.test ESMTP ready"),
        IMAP("* OK [CAPABILITY IMAP4rev1 STARTTLS] mail.test ready"),
        POP3("+OK mail.test ready");

        private final String greeting;

        Protocol(String greeting) {
            this.greeting = greeting;
        }

        /** The reply to a command line, and whether it is the go-ahead to TLS. */
        Reply answer(String line) {
            String[] words = line.trim().split(" ");
            String verb = words[0].toUpperCase(Locale.ROOT);
            return switch (this) {
                case SMTP -> verb.equals("STARTTLS") ? new Reply("220 2.0.0 ready to start TLS", true)
                        : verb.equals("EHLO") ? new Reply("250-mail.test\r\n250 STARTTLS", false)
                        : new Reply("250 2.0.0 ok", false);
                case POP3 -> verb.equals("STLS") ? new Reply("+OK begin TLS", true)
                        : verb.equals("CAPA") ? new Reply("+OK\r\nSTLS\r\n.", false)
                        : new Reply("+OK", false);
                case IMAP -> {
                    String tag = words[0];
                    String command = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
                    yield command.equals("STARTTLS") ? new Reply(tag + " OK begin TLS", true)
                            : command.equals("CAPABILITY") ? new Reply("* CAPABILITY IMAP4rev1 STARTTLS\r\n" + tag + " OK done", false)
                            : new Reply(tag + " OK", false);
                }
            };
        }

        /** The reply over TLS to the line read there. */
        String answerOverTls(String line) {
            return switch (this) {
                case SMTP -> "250 over tls: " + line;
                case POP3 -> "+OK over tls: " + line;
                case IMAP -> "* OK over tls: " + line;
            };
        }
    }

    private record Reply(String lines, boolean goAhead) {}

    private final Protocol protocol;
    private final SSLContext tls;
    private final LoopbackServer server;
    private final ByteArrayOutputStream plaintext = new ByteArrayOutputStream();
    private volatile String tlsLine;

    /** Listens on a free port of 127.0.0.1; over TLS it shows the certificate of {@code tls}. */
    public StartTlsServer(Protocol protocol, SSLContext tls) throws IOException {
        this.protocol = protocol;
        this.tls = tls;
        this.server = new LoopbackServer(this::serve);
    }

    public int port() {
        return server.port();
    }

    /** Every byte received before the server's TLS began. */
    public String plaintext() {
        synchronized (plaintext) {
            return Latin1.text(plaintext.toByteArray());
        }
    }

    /** The line read over TLS (without its CRLF), or null while there is none. */
    public String tlsLine() {
        return tlsLine;
    }

    /** What the connections' handlers threw (a failed handshake, a timeout). */
    public List<Throwable> failures() {
        return server.failures;
    }

    private void serve(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        send(out, protocol.greeting);
        while (true) {
            String line = readLine(in, true);
            if (line == null) {
                return;
            }
            Reply reply = protocol.answer(line);
            send(out, reply.lines());
            if (reply.goAhead()) {
                break;
            }
        }
        int b;
        while ((b = in.read()) != HANDSHAKE) {
            if (b < 0) {
                return;
            }
            record(b);
        }
        SSLSocket secure = TlsSockets.startServer(tls, s, new byte[] {HANDSHAKE});
        String line = readLine(secure.getInputStream(), false);
        tlsLine = line;
        send(secure.getOutputStream(), protocol.answerOverTls(line));
        secure.getInputStream().readAllBytes();
    }

    /**
     * One line (without its CRLF), read a byte at a time so nothing after it is taken from the stream;
     * null at EOF. The bytes are kept in {@link #plaintext} if {@code plain}.
     */
    private String readLine(InputStream in, boolean plain) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (plain) {
                record(b);
            }
            if (b == '\n') {
                return line.toString().replaceAll("\r$", "");
            }
            line.append((char) b);
        }
        return null;
    }

    private void record(int b) {
        synchronized (plaintext) {
            plaintext.write(b);
        }
    }

    private static void send(OutputStream out, String lines) throws IOException {
        out.write(Latin1.bytes(lines + "\r\n"));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
