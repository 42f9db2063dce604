/**
 * The JavaFX window: listeners, the live connection table, text and hex stream views. Follows a store
 * that drains capture updates in batches, at most once per pulse; never one {@code runLater} per chunk.
 *
 * <p>May import every other package; nothing imports ui.
 */
package wirelens.ui;
