/**
 * Small helpers every other part of Wirelens uses: how quantities read for people ({@link
 * wirelens.base.Units}: bytes, durations, clock times) and files that are written whole or not at all
 * ({@link wirelens.base.AtomicFiles}), and the bounded latest-state-by-key buffer the live lists' feeds
 * and the off-screen Flows list keep their waiting rows in ({@link wirelens.base.LatestRows}).
 *
 * <p>May import: the JDK only. Every other package may import it.
 *
 * <p>Why a package of its own: the window and the command line print the same quantities, and the
 * capture, the settings and the saved streams all write files that must never be left half-written;
 * one implementation each keeps them saying and doing the same thing everywhere.
 */
package wirelens.base;
