/**
 * HTTP flows across connections: the rows of the window's Flows list and of {@code --flows}, one per HTTP
 * exchange of every connection (the HTTP proxy, intercepted HTTPS, HTTP on forward listeners), their filter,
 * and what the list's actions make of them (curl command, saved bodies, HAR of a selection).
 *
 * <p><b>May import</b>: {@code wirelens.capture} (the recorded connections, their live updates and byte
 * streams), {@code wirelens.proto.http} (the decoder and body reading), {@code wirelens.filter} (the filter
 * language) and {@code wirelens.engine}'s event records; never ui or cli, which show these rows.
 *
 * <p><b>Why it is shaped so.</b> A {@link wirelens.flows.Flow} is a small record: what a list shows and
 * sorts by, plus the connection and position that find its exchange again. Heads and bodies stay in the
 * capture file and are decoded again when someone looks ({@link wirelens.flows.Flows#exchange}), so the heap
 * holds a few hundred bytes per flow. Live rows come from {@link wirelens.flows.FlowFeed}, which decodes each
 * HTTP connection from the bytes the recorder hands its subscribers (never re-reading the file) and lets go
 * of every exchange that is over, so a keep-alive connection carrying a hundred thousand requests costs only
 * its open ones. A filter answers from the rows at once; terms that search heads and bodies read them back
 * in the background ({@link wirelens.flows.FlowText}).
 */
package wirelens.flows;
