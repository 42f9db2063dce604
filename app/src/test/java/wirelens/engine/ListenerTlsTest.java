package wirelens.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.testkit.EngineRig;
import wirelens.testkit.Latin1;
import wirelens.testkit.Loopback;
import wirelens.testkit.Openssl;
import wirelens.testkit.TlsSockets;
import wirelens.tls.CertificateAuthority;
import wirelens.tls.TlsEngines;
import wirelens.tls.UpstreamTrust;

/**
 * Each listener says for itself whether its TLS is intercepted and which hosts it passes through: three
 * listeners of one engine in front of one TLS server show the client three different certificates. And a
 * server that fails verification, trusted afterwards.
 */
class ListenerTlsTest {
    @TempDir
    static Path dir;
    private static CertificateAuthority ca;
    private static Openssl.Certificate server;

    @BeforeAll
    static void setUp() throws Exception {
        ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"));
        server = Openssl.selfSigned(Files.createDirectories(dir.resolve("server")));
    }

    @Test
    void eachListenerInterceptsOrPassesThroughAsItSays() throws Exception {
        SSLContext serverContext = TlsSockets.serverContext(server);
        try (SSLServerSocket tlsServer = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
                EngineRig rig = new EngineRig()) {
            Thread greeter = greet(tlsServer, 3);
            rig.engine.setTls(TlsOptions.of(new TlsEngines(ca, UpstreamTrust.withCaFiles(List.of(server.cert()), false))));
            ListenerConfig base = ListenerConfig.forward("127.0.0.1", 0, "127.0.0.1", tlsServer.getLocalPort());
            int intercepted = rig.listen(base.withName("intercepted"));
            int off = rig.listen(base.withName("off").withTls(new ListenerTls(false, List.of())));
            int passed = rig.listen(base.withName("passed").withTls(ListenerTls.of(true, List.of("^localhost:"))));

            assertEquals(ca.certificate().getSubjectX500Principal(), issuerVia(intercepted, ca.certificateFile()),
                    "the default listener shows the client a leaf of Wirelens' CA");
            X509Certificate own = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(Files.newInputStream(server.cert()));
            assertEquals(own.getIssuerX500Principal(), issuerVia(off, server.cert()),
                    "interception off: the server's own certificate reaches the client");
            assertEquals(own.getIssuerX500Principal(), issuerVia(passed, server.cert()),
                    "a passthrough host: the server's own certificate reaches the client");
            EngineEvent.Tls passthrough = rig.await(EngineEvent.Tls.class,
                    t -> t.kind() == EngineEvent.Tls.Kind.PASSTHROUGH);
            assertTrue(passthrough.detail().startsWith("localhost:"), passthrough.detail());
            assertEquals(3, rig.all(EngineEvent.Tls.class).size(),
                    "two legs of the intercepted connection and the passthrough, nothing of the listener that is off");
            greeter.join(10_000);
        }
    }

    @Test
    void aServerThatFailsVerificationShowsItsChainAndTrustingItThenWorks() throws Exception {
        SSLContext serverContext = TlsSockets.serverContext(server);
        try (SSLServerSocket tlsServer = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
                EngineRig rig = new EngineRig()) {
            Thread greeter = greet(tlsServer, 2);
            rig.engine.setTls(TlsOptions.of(new TlsEngines(ca, UpstreamTrust.system())));
            int port = rig.forward(tlsServer.getLocalPort());
            assertThrows(javax.net.ssl.SSLException.class, () -> issuerVia(port, ca.certificateFile()));
            EngineEvent.Tls failed = rig.await(EngineEvent.Tls.class, t -> t.kind() == EngineEvent.Tls.Kind.FAILED);
            assertEquals("localhost:" + tlsServer.getLocalPort(), failed.server());
            X509Certificate own = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(Files.newInputStream(server.cert()));
            assertEquals(1, failed.rejectedChain().size());
            org.junit.jupiter.api.Assertions.assertArrayEquals(own.getEncoded(), failed.rejectedChain().get(0),
                    "the certificate the server showed, for the user to trust");

            rig.engine.setTls(TlsOptions.of(new TlsEngines(ca, UpstreamTrust.system().alsoTrusting(List.of(own)))));
            assertEquals(ca.certificate().getSubjectX500Principal(), issuerVia(port, ca.certificateFile()),
                    "trusted now: intercepted, the client gets a leaf of Wirelens' CA");
            greeter.join(10_000);
        }
    }

    @Test
    void aBadPassthroughExpressionSaysWhich() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ListenerTls.of(true, List.of("ok", "bad[")));
        assertTrue(e.getMessage().contains("bad["), e.getMessage());
        assertEquals(ListenerTls.of(true, List.of("a")), ListenerTls.of(true, List.of("a")), "equal by their text");
    }

    /** Connects through {@code port} trusting only {@code trusted}, reads the greeting; the issuer it was shown. */
    private static Object issuerVia(int port, Path trusted) throws Exception {
        try (Socket plain = Loopback.connect(port);
                SSLSocket tls = TlsSockets.startClient(TlsSockets.trusting(trusted), plain, "localhost")) {
            assertEquals("hello over tls", Loopback.readLine(tls.getInputStream()));
            // a word back: a client that leaves without one looks like one that pins its certificate
            tls.getOutputStream().write(Latin1.bytes("bye\r\n"));
            tls.getOutputStream().flush();
            return ((X509Certificate) tls.getSession().getPeerCertificates()[0]).getIssuerX500Principal();
        }
    }

    /** Serves {@code count} clients a line over TLS, one after another. */
    private static Thread greet(ServerSocket server, int count) {
        Thread t = new Thread(() -> {
            for (int i = 0; i < count; i++) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(Latin1.bytes("hello over tls\r\n"));
                    s.getOutputStream().flush();
                    s.getInputStream().read();
                } catch (Exception e) {
                    // a handshake the engine broke off: the next client may fare better
                }
            }
        }, "tls-greeter");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
