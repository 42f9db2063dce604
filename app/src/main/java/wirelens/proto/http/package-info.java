/**
 * HTTP/1.x as sans-IO state machines: an incremental message decoder (bytes in, parsed heads and
 * body pieces out), body decoding (chunked, gzip, deflate, br), and HAR export.
 *
 * <p>May import: the JDK and small libraries (Jackson, brotli). No sockets, no engine, no ui.
 */
package wirelens.proto.http;
