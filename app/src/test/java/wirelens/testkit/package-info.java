/**
 * The test kit: what the tests of every package use to run Wirelens against real peers on loopback.
 * An engine with its events collected ({@link wirelens.testkit.EngineRig}), echo and recording servers
 * ({@link wirelens.testkit.LoopbackServer}, {@link wirelens.testkit.RecordingServer}, an HTTP origin that
 * answers with the request it read: {@link wirelens.testkit.HttpEchoServer}), clients and bounded
 * waits ({@link wirelens.testkit.Loopback}, {@link wirelens.testkit.Wait}), commands run to completion
 * ({@link wirelens.testkit.Commands}), a headless Wirelens in a child JVM ({@link wirelens.testkit.HeadlessWirelens}),
 * TLS for the tests' own peers ({@link wirelens.testkit.TlsSockets}, a scripted mail server that switches to
 * TLS at STARTTLS: {@link wirelens.testkit.StartTlsServer}), starters of the real programs the tests talk to
 * or check with: aiosmtpd, swaks, nginx, openssl, tshark, har-validator, and for window tests
 * {@link wirelens.testkit.Fx} (the FX thread, the same bounded wait with the condition checked there,
 * screenshots).
 *
 * <p>May import: every main package of Wirelens except {@code ui}, JUnit, TestFX and JavaFX (only in Fx)
 * and the JDK. Any test may import it.
 *
 * <p>Why it is shaped so: each starter of a real program skips the test (a JUnit assumption naming the
 * Debian package to install) where the program is missing, so that a machine without it still runs
 * everything else, while CI installs them all ({@code .ci/run}) and skips nothing. Peers bind to
 * 127.0.0.1 or ::1 only, every wait has a bound (a hung peer fails the test instead of hanging the build),
 * and a started program is stopped through its own process id, never by name.
 */
package wirelens.testkit;
