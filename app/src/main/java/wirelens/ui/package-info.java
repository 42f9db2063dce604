/**
 * The JavaFX window and the application: {@link wirelens.ui.WirelensApp} (the entry point the pom and
 * the command line name), {@link wirelens.ui.MainWindow} (a live window or a viewer of a capture file),
 * its connection tabs, the live capture behind it (engine, recorder, feed, the TLS it intercepts with) and
 * its notifications.
 *
 * <p>May import every package of Wirelens and every ui sub-package. Nothing outside ui imports it but
 * the command line, which starts the window through {@code WirelensApp}. The sub-packages never
 * import it: the direction is top &rarr; {@code connections}, {@code stream}, {@code protocol},
 * {@code intercept}, {@code listeners}, {@code tls}, {@code flows} &rarr; {@code base}, plus {@code stream} &rarr;
 * {@code intercept} (the compare pane under a stream) and {@code flows} &rarr; {@code protocol} (the message panes of
 * a flow's detail); no cycles.
 *
 * <p>Why it is shaped so. The window follows a store: engine events reach it through the capture
 * writer, and each window has one {@link wirelens.ui.base.Pulse} that drains the capture feed in
 * batches, at most once per pulse and at most 20 times a second, never one {@code Platform.runLater}
 * per chunk; every view and pane catches up on the same pulse. Each drain that changes a row makes the
 * next frame dirty, and a dirty pulse waits until the previous frame is painted, so draining on every
 * pulse kept every pulse waiting for the software renderer under a flood. When pulses come more than
 * 70 ms apart the engine gives way for 100 ms (its threads yield their core after each round): the
 * JVM cannot lower a thread's priority on Linux, and without it a flood of traffic starved the threads
 * that lay out and paint it. For a second after a late pulse the window counts as behind: growing
 * views show new lines and the feed is drained every 150 ms instead of 50.
 * {@code LiveViewBench} (in the tests) measures it: the longest pulse gap while 1 GiB flows through a
 * followed view.
 */
package wirelens.ui;
