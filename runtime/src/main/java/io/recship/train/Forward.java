package io.recship.train;

import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;

/**
 * The dense forward of a one-output model: blocks in, click probabilities ({@code [B]} or {@code
 * [B, 1]}) out. Models with several heads use {@link HeadsForward}.
 */
@FunctionalInterface
public interface Forward {
  Tensor apply(Blocks blocks);
}
