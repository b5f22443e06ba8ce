package io.recship.tensor;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One op applied to tensors, as reported to an {@link OpObserver}.
 *
 * @param name the Java op name ({@code "plus"}, {@code "matmul"}, {@code "Tensor.zeros"})
 * @param script the TorchScript expression computing the op, with {@code {i}} standing for the
 *     i-th input (e.g. {@code "torch.add({0}, {1})"}); {@code null} when the op has no
 *     TorchScript form (a factory that bakes a fixed shape, a custom eager function)
 * @param inputs the tensor operands in placeholder order (scalars are inlined in {@code script})
 * @param output the result
 */
public record OpRecord(String name, @Nullable String script, List<Tensor> inputs, Tensor output) {
  public OpRecord {
    inputs = List.copyOf(inputs);
  }
}
