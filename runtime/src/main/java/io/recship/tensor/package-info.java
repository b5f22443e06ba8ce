/**
 * Tensors over DJL's PyTorch engine (CPU): {@link io.recship.tensor.Tensor}, named inputs {@link
 * io.recship.tensor.Blocks}, native-memory ownership {@link io.recship.tensor.TensorScope} and
 * autograd {@link io.recship.tensor.Autograd}.
 *
 * <p>Every op goes through one dispatch point in {@code Tensor} that also reports the op, with
 * its TorchScript expression, to an active {@link io.recship.tensor.OpObserver} (the tracer).
 */
@NullMarked
package io.recship.tensor;

import org.jspecify.annotations.NullMarked;
