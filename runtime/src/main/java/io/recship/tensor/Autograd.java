package io.recship.tensor;

import ai.djl.engine.Engine;
import ai.djl.training.GradientCollector;

/**
 * Records the ops of one training step so {@link #backward} can compute gradients of the
 * parameters (tensors marked {@code requiresGrad}). Outside an {@code Autograd} no graph is kept
 * (inference mode). One may be open at a time per process, as in DJL.
 *
 * <pre>{@code
 * try (TensorScope step = TensorScope.open(); Autograd tape = Autograd.record()) {
 *   Tensor loss = ...;
 *   tape.backward(loss);
 * }
 * optimizer.step();
 * }</pre>
 *
 * Gradients accumulate across {@code backward} calls until {@code zeroGrad()}.
 */
public final class Autograd implements AutoCloseable {
  private final GradientCollector collector;

  private Autograd(GradientCollector collector) {
    this.collector = collector;
  }

  public static Autograd record() {
    return new Autograd(Engine.getEngine("PyTorch").newGradientCollector());
  }

  /** Back-propagates from a scalar {@code loss}, adding into the parameters' gradients. */
  public void backward(Tensor loss) {
    if (loss.numel() != 1) {
      throw new IllegalArgumentException(
          "backward needs a one-element loss; got shape " + java.util.Arrays.toString(loss.shape()));
    }
    collector.backward(loss.toNDArray());
  }

  @Override
  public void close() {
    collector.close();
  }
}
