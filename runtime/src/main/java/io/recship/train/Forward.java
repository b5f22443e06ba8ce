package io.recship.train;

import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;

/** The dense forward the trainer calls: blocks in, click probabilities ({@code [B]} or {@code [B, 1]}) out. */
@FunctionalInterface
public interface Forward {
  Tensor apply(Blocks blocks);
}
