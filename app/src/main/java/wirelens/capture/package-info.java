/**
 * The capture: records the engine's events to a pcapng file while traffic flows, keeps an in-memory index
 * of what the file holds, reads bytes back for the views and exports (HTTP exchanges, SMTP transcripts,
 * text dumps), and reopens saved files. The file format is a specification users and tools rely on: the
 * README section "Capture file format" describes it; a change to a record is a new record version. The
 * records' bodies are written and read in one place, {@link wirelens.capture.WirelensRecords}.
 *
 * <p>May import: {@code wirelens.engine} (its event records), {@code wirelens.proto} (decoders for the
 * HTTP and SMTP views), {@code wirelens.tls} (only {@code TlsFacts}, to name what a TLS record's flags and
 * certificates say), {@code wirelens.base} and slf4j. Never intercept, ui or cli.
 *
 * <p>Why it is shaped so:
 * <ul>
 * <li>One writer thread ({@link wirelens.capture.Recorder}), never an engine thread, is the only consumer
 *     of the engine's bounded event queue. It writes each batch (at most ~100 ms or 1 MiB) to the file,
 *     then indexes it, then tells subscribers (the window, the headless printer): whatever anyone has
 *     heard of is already in the file, so a {@code kill -9} loses at most one batch and a view polling the
 *     index never reads unwritten bytes. No fsync: the aim is surviving a crash of Wirelens, not of the
 *     machine. When the writer falls behind, the queue fills and the engine stops reading; nothing is
 *     dropped.
 * <li>Lending: a large read (the engine's threshold is 32 KiB) reaches the writer as the engine's own read
 *     buffer, not a copy. {@link wirelens.capture.PcapngBlocks} puts the pcapng framing before and after
 *     it and sends all three to the file in one gathering write, then the buffer goes back to the engine.
 *     A recorded chunk thus costs the engine thread no copy and the heap no garbage; small reads are
 *     copied, which is cheaper than tying up a whole read buffer.
 * <li>The heap holds offsets, not bytes: {@link wirelens.capture.CaptureIndex} packs each chunk into a flag
 *     byte and variable-length deltas ({@link wirelens.capture.ChunkTable}, about 8 to 12 bytes a chunk of a
 *     finished connection, where plain columns took 30 to 50), and views read bytes back from the file by
 *     range. A 2 GiB capture runs in a 256 MiB heap. What nobody will look at again leaves the index: a
 *     headless run forgets a connection once it has ended ({@link wirelens.capture.Recorder#forgetEndedConnections}),
 *     the window forgets the oldest beyond its list's limit; the file keeps them all, so a long run's heap
 *     follows what is open, not what happened (the {@code SoakBench} in the tests measures it). {@link wirelens.capture.PcapngScanner} reopens a file from block headers and Wirelens'
 *     records, reading 4 KiB at a time and skipping the payloads of large packet blocks.
 * <li>A write failure (disk full) is reported once, the file is cut back to its last complete block and
 *     recording stops, while the queue is still drained: a debugger must never stop the traffic it watches.
 * <li>Capturing costs CPU, not disk bandwidth: at full speed the writer spends most of a core, more than
 *     half of it in the kernel copying bytes into the page cache and accounting those pages (about 0.6
 *     CPU-seconds per captured GB, beside about 0.4 for forwarding). On two cores shared with the client
 *     and the server that caps a capturing proxy below a forwarding one; capturing into {@code /dev/shm}
 *     ran no faster than capturing to the disk. Once the kernel's dirty-page limit is reached (about 2 GB
 *     on the 2-core test machine), it also holds any writer to the disk's writeback speed.
 * <li>A ring ({@link wirelens.capture.CaptureRing}) rotates at a batch boundary into numbered files; each
 *     new file restates the open connections (a handshake whose sequence numbers go on from where the
 *     stream is), so every file reads alone in Wireshark, and a set of files reads as one capture. The
 *     index stays one {@code long} per chunk position: {@link wirelens.capture.FileOffsets} puts the file's
 *     number in its high bits. A deleted file's chunks read as gone, never as an exception of the reader.
 * <li>Free disk space is asked by the writer thread at most once a second ({@link wirelens.capture.DiskWatch});
 *     below the pause limit the encoder keeps every stream's state but writes nothing, and on resume marks
 *     the gap in a way Wireshark understands (sequence numbers that jump) plus records that say how much.
 * <li>pcapng synthesis ({@link wirelens.capture.PcapngEncoder} keeps each connection's TCP state and
 *     says which packets; {@link wirelens.capture.PcapngBlocks} writes their bytes): each connection is
 *     written as a TCP stream between the real addresses
 *     (LINKTYPE_RAW, handshake, consistent sequence numbers, packets of at most 32 KiB, FIN per half-close,
 *     RST for a reset), so {@code tshark -z follow,tcp,raw} gives back exactly the forwarded bytes and
 *     Wireshark's own dissectors work unchanged. Wirelens' records ride as custom options on the packet
 *     they describe, so an unchanged chunk costs no block of its own (the file is ~1.002 times the
 *     traffic) and the records survive tools that rewrite packets; only edited, dropped or injected chunks
 *     get a custom block, with the original bytes. Families that differ are written IPv4-mapped; an HTTP
 *     proxy connection's target is the proxy's own address, because that is what the client connected to
 *     and one client connection may reach several origins (origin records name them, in order), while a SOCKS5
 *     connection's is the one target it asked for (its handshake is a record of its own, not stream data, so the
 *     stream starts after it); resets are drawn from the target side because
 *     the engine does not say which side reset; checksums are 0 (Wireshark does not check them by
 *     default); the PEN is 32473, the number reserved for documentation, until Wirelens has its own.
 * </ul>
 */
package wirelens.capture;
