package wirelens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.capture.Recorder;
import wirelens.engine.EventQueue;

/** {@code --flows} and {@code --curl} refuse what they cannot do with one line (the traffic cases are in FlowsWindowTest). */
class FlowsCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aWrongFilterSaysWhatAndWhere() throws Exception {
        Path capture = emptyCapture();
        Run r = run("--read", capture.toString(), "--flows", "method:GET size:3");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("wirelens: --flows: no field 'size:' here"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anEmptyCaptureListsNothingAndHasNoFlowOne() throws Exception {
        Path capture = emptyCapture();
        Run list = run("--read", capture.toString(), "--flows");
        assertEquals(0, list.code(), list.err());
        assertEquals("", list.out());
        Run curl = run("--read", capture.toString(), "--curl", "1");
        assertEquals(1, curl.code());
        assertEquals("wirelens: --curl 1: " + capture + " has 0 flows (--flows lists them)\n", curl.err());
    }

    @Test
    void flowsAndCurlGoOnlyWithRead() {
        Run r = run("--flows");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--flows goes alone with --read CAPTURE"), r.err());
        assertTrue(run("--read", "x.pcapng", "--flows", "--curl", "1").err().contains("goes alone with --read"));
        Run missing = run("--read", dir.resolve("none.pcapng").toString(), "--flows");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such capture file"), missing.err());
    }

    private Path emptyCapture() throws Exception {
        Path capture = dir.resolve("empty.pcapng");
        Recorder recorder = Recorder.toFile(new EventQueue(1 << 20), capture);
        recorder.start();
        recorder.close();
        return capture;
    }
}
