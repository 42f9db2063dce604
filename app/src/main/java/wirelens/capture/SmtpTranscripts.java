package wirelens.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import wirelens.engine.Direction;
import wirelens.proto.smtp.SmtpDecoder;
import wirelens.proto.smtp.SmtpDetection;
import wirelens.proto.smtp.SmtpSession;

/**
 * SMTP views of recorded connections: whether a connection looks like SMTP, and its decoded
 * transcript. Uses the forwarded bytes, i.e. what each peer actually received.
 */
public final class SmtpTranscripts {

    /** How many bytes of each direction detection looks at. */
    private static final int DETECT_BYTES = 512;

    private SmtpTranscripts() {}

    /** How many chunks from the start {@link #detect} looks at (a window sniffs while traffic flows). */
    static final int DETECT_CHUNKS = 1024;

    /** Whether the connection looks like SMTP: the server greets with 220, the client says EHLO/HELO. */
    public static SmtpDetection.Verdict detect(CaptureFile file, long connectionId) throws IOException {
        ByteArrayOutputStream server = new ByteArrayOutputStream();
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        Boolean clientFirst = null;
        // the verdict rests on the first bytes of each side: never snapshot a long connection's whole index
        for (ChunkInfo chunk : file.index().chunks(connectionId, 0, DETECT_CHUNKS)) {
            if (chunk.forwardedLength() == 0 || !chunk.inFile()) {
                continue;
            }
            boolean fromClient = chunk.direction() == Direction.CLIENT_TO_SERVER;
            if (clientFirst == null) {
                clientFirst = fromClient;
            }
            ByteArrayOutputStream side = fromClient ? client : server;
            if (side.size() < DETECT_BYTES) {
                byte[] b = file.forwarded(chunk);
                side.write(b, 0, Math.min(b.length, DETECT_BYTES - side.size()));
            }
            if (server.size() >= DETECT_BYTES && client.size() >= DETECT_BYTES) {
                break;
            }
        }
        return SmtpDetection.detect(server.toByteArray(), client.toByteArray(), Boolean.TRUE.equals(clientFirst));
    }

    /** Decodes the whole connection (ended if the connection has ended). */
    public static SmtpSession decode(CaptureFile file, long connectionId) throws IOException {
        return decode(file, connectionId, new SmtpDecoder(connectionId));
    }

    /**
     * As {@link #decode}, keeping only the head of each message ({@link SmtpDecoder#keepingHeads}): for
     * summaries of connections whose messages may be large.
     */
    public static SmtpSession decodeForSummary(CaptureFile file, long connectionId) throws IOException {
        return decode(file, connectionId, SmtpDecoder.keepingHeads(connectionId, HEAD_BYTES));
    }

    /** What {@link #decodeForSummary} keeps of each message: its header block, with room for long headers. */
    public static final int HEAD_BYTES = 64 * 1024;

    private static SmtpSession decode(CaptureFile file, long connectionId, SmtpDecoder decoder) throws IOException {
        List<ChunkInfo> chunks = file.index().chunks(connectionId);
        for (ChunkInfo chunk : chunks) {
            if (chunk.forwardedLength() == 0 || !chunk.inFile()) {
                continue;
            }
            byte[] bytes = file.forwarded(chunk);
            if (chunk.direction() == Direction.CLIENT_TO_SERVER) {
                decoder.fromClient(bytes, chunk.timeNanos());
            } else {
                decoder.fromServer(bytes, chunk.timeNanos());
            }
        }
        boolean open = file.index().connection(connectionId).map(ConnectionInfo::isOpen).orElse(false);
        if (!open) {
            decoder.end();
        }
        return decoder.session();
    }
}
