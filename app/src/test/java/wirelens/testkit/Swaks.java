package wirelens.testkit;

import java.util.ArrayList;
import java.util.List;

/** swaks, the SMTP client (Debian swaks), run to completion against a server on 127.0.0.1. */
public final class Swaks {
    private Swaks() {}

    public static void assumeInstalled() {
        Commands.assumeWorks("swaks is not installed: apt-get install swaks", "swaks", "--version");
    }

    /** Skips the test unless {@code swaks --tls} can work: it needs Perl's Net::SSLeay. */
    public static void assumeTls() {
        Commands.assumeWorks("swaks --tls needs Net::SSLeay: apt-get install libnet-ssleay-perl",
                "perl", "-MNet::SSLeay", "-e", "1");
    }

    /** {@code swaks ARGS...}; the result's text is its transcript (stdout and stderr). */
    public static Commands.Result run(String... args) throws Exception {
        assumeInstalled();
        List<String> command = new ArrayList<>(List.of("swaks"));
        command.addAll(List.of(args));
        return Commands.run(command.toArray(String[]::new));
    }

    /**
     * {@code swaks --server 127.0.0.1:PORT --helo client.test ARGS...}: returns the transcript, and fails
     * the test with it unless swaks exits with 0.
     */
    public static String send(int port, String... args) throws Exception {
        assumeInstalled();
        List<String> command = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1:" + port, "--helo", "client.test"));
        command.addAll(List.of(args));
        return Commands.check(command.toArray(String[]::new));
    }
}
