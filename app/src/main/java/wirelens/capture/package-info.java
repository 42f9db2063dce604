/**
 * The capture: records engine events to a pcapng file as traffic flows (on a writer thread), keeps an
 * in-memory index of offsets, reads bytes back for views and exports, and reopens saved files.
 *
 * <p>May import: {@code wirelens.engine} (its event records) and {@code wirelens.proto}. Never ui or cli.
 */
package wirelens.capture;
