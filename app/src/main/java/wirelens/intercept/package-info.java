/**
 * Intercept: match-and-replace rules, the hold queue for chunks the user edits, and the plugin hook.
 * Each is a {@link wirelens.engine.ChunkHook}.
 *
 * <p>May import: {@code wirelens.engine} (and Jackson, for saved rules). Never ui, cli or capture.
 */
package wirelens.intercept;
