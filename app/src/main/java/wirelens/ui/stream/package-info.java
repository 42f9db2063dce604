/**
 * The stream views: one connection's chunks in order, each under a separator line, as text (charset,
 * escapes for control bytes) or hex, with a line where TLS began (the decrypted bytes follow it),
 * followed live, with a byte-precise selection, copy and save.
 * {@link wirelens.ui.stream.StreamView} puts together the line index ({@code StreamLayout}), the
 * drawing of lines ({@code StreamLines}), the selection ({@code StreamSelection}), the bytes of recently
 * shown chunks ({@code ChunkCache}) and saving ({@code StreamSaving}) on a {@link wirelens.ui.stream.LineView}.
 *
 * <p>May import: {@code wirelens.capture}, {@code wirelens.engine}, {@code wirelens.base},
 * {@code wirelens.ui.base}, and {@code wirelens.ui.intercept} for the pane under a stream that compares
 * an edited chunk's original and forwarded bytes. The window imports it.
 *
 * <p>Why it is shaped so: a stream can be hundreds of MiB, so the views draw fixed-height lines on
 * demand from bytes read back from the capture file ({@code LineView}), not from a RichTextFX document,
 * which would have to hold the whole stream in memory. What the view keeps is a few numbers per chunk,
 * counted off the FX thread. The selection is in positions between bytes of the whole stream, so it is
 * byte-precise in both views and survives live appends. A stream that grows on every pulse shows its
 * new lines at most 20 times a second (each showing redraws every row of a followed stream); a quiet
 * stream's new chunk shows at the next pulse.
 */
package wirelens.ui.stream;
