/** Benchmarks: JMH classes and main classes that print measured ratios. Run with {@code benchmarks/run}. */
package io.recship.bench;
