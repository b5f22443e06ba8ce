package io.recship.nn;

import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * {@code y = x W^T + b}, PyTorch's {@code nn.Linear}: weight {@code [out, in]} Kaiming-uniform
 * (a = sqrt 5), bias uniform(-1/sqrt(in), 1/sqrt(in)).
 */
public final class Linear extends Layer {
  private final long inFeatures;
  private final long outFeatures;
  private final Parameter weight;
  private final @Nullable Parameter bias;

  /** With a bias, initialised from {@link Init#random()}. */
  public Linear(long inFeatures, long outFeatures) {
    this(inFeatures, outFeatures, true, Init.random());
  }

  public Linear(long inFeatures, long outFeatures, boolean bias, Random rng) {
    if (inFeatures <= 0 || outFeatures <= 0) {
      throw new IllegalArgumentException(
          "Linear needs positive sizes, got in=" + inFeatures + " out=" + outFeatures);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    try (TensorScope init = TensorScope.open()) {
      this.weight =
          register("weight", Parameter.of(Init.kaimingUniform(rng, inFeatures, outFeatures, inFeatures)));
      this.bias = bias ? register("bias", Parameter.of(Init.linearBias(rng, inFeatures, outFeatures))) : null;
    }
  }

  public static Linear of(long inFeatures, long outFeatures) {
    return new Linear(inFeatures, outFeatures);
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.size(-1) != inFeatures) {
      throw new IllegalArgumentException(
          "Linear(" + inFeatures + " -> " + outFeatures + ") got input of shape "
              + java.util.Arrays.toString(x.shape()) + ": last dimension must be " + inFeatures);
    }
    Parameter b = bias;
    return x.linear(weight.value(), b == null ? null : b.value());
  }

  public Parameter weight() {
    return weight;
  }

  public @Nullable Parameter bias() {
    return bias;
  }

  public long inFeatures() {
    return inFeatures;
  }

  public long outFeatures() {
    return outFeatures;
  }
}
