package io.recship.train;

import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import java.util.List;

/**
 * The dense forward of a model with several heads: blocks in, one probability tensor per head
 * ({@code [B]} or {@code [B, 1]} each) out, in the order the heads were declared with {@link
 * Trainer.Builder#head}.
 */
@FunctionalInterface
public interface HeadsForward {
  List<Tensor> apply(Blocks blocks);
}
