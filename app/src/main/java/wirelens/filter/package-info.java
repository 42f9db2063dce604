/**
 * The filter language shared by the Flows and Messages lists, {@code --flows} / {@code --messages}, and
 * message breakpoints: {@code host:example.com status:4xx !method:GET "text" ~regex}.
 *
 * <p><b>May import</b>: the JDK only. Each list brings its own fields ({@link wirelens.filter.Filter.Fields});
 * this package knows nothing of HTTP or mail.
 *
 * <p><b>Why it is shaped so.</b> One parser means one syntax and one set of error messages everywhere a
 * user types a filter; an error carries the position of the term at fault so a text box can point at it.
 * A compiled filter is a plain {@code Predicate}, cheap enough to run over 100,000 rows on each keystroke.
 */
package wirelens.filter;
