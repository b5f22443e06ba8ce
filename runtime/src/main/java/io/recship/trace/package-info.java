/**
 * Tracing a dense forward into TorchScript: {@link io.recship.trace.Trace#trace} runs the forward
 * eagerly while recording every tensor op (like {@code torch.jit.trace}), and returns a {@link
 * io.recship.trace.TracedModule} that writes the archive, validates it through libtorch against
 * the eager outputs and renders {@code graph.txt}.
 */
@NullMarked
package io.recship.trace;

import org.jspecify.annotations.NullMarked;
