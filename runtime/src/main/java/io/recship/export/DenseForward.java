package io.recship.export;

import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import java.util.List;

/**
 * The dense model's export output: calls the user's {@code @ExportOutput} method and returns its
 * tensors in declared order (one for a {@code Tensor} result, the record components in order
 * otherwise). Generated exporters pass a lambda; no reflection is involved.
 */
@FunctionalInterface
public interface DenseForward {
  List<Tensor> apply(Blocks blocks);
}
