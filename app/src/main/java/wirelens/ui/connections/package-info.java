/**
 * The connection list: a virtualised, sortable table of every connection (listener, client, target
 * with the name a SOCKS5 client asked for or the SNI, TLS, state, bytes each way, chunks, duration), live; the filter box (listener, address, state, {@code #id})
 * and the search in the captured bytes (text or hex), run off the FX thread; how many connections a live
 * list keeps ({@link wirelens.ui.connections.ListLimit}: the latest 100,000 by default, or all).
 *
 * <p>May import: {@code wirelens.capture}, {@code wirelens.engine}, {@code wirelens.base},
 * {@code wirelens.ui.base} and slf4j. The window imports it.
 *
 * <p>Why it is shaped so: rows are updated in place from the batches the window drains, so a flood of
 * chunks changes a few numbers per connection per pulse, and sorting and filtering stay with the
 * table; a content search reads the capture file, which is never done on the FX thread. A window left
 * open all day must not grow with every connection it ever saw: past its limit the list lets the oldest
 * finished rows go (never an open one, never one with an open tab) and says so; the capture file keeps them.
 */
package wirelens.ui.connections;
