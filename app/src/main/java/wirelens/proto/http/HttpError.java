package wirelens.proto.http;

/** Why a message could not be decoded. The decoder stops at the first error and says so once. */
public record HttpError(Kind kind, String message) {

    public enum Kind {
        /** Not HTTP/1.x, or broken framing: a proxy answers 400. */
        MALFORMED(400),
        /** The start line and headers exceed the limit: a proxy answers 431. */
        HEAD_TOO_LARGE(431),
        /** A transfer coding the decoder cannot frame (requests only): 501. */
        UNSUPPORTED(501),
        /** The stream ended in the middle of a message. */
        TRUNCATED(400);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        /** The status a proxy answers with when a client's request fails this way. */
        public int status() {
            return status;
        }
    }
}
