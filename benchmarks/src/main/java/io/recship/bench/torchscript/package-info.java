/** Benchmarks of the TorchScript archive writer and loader. */
@org.jspecify.annotations.NullMarked
package io.recship.bench.torchscript;
