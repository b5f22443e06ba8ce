/** FG/MC validation timings at production scale. */
@org.jspecify.annotations.NullMarked
package io.recship.bench.fg;
