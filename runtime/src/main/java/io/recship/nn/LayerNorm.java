package io.recship.nn;

import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.util.Arrays;

/** PyTorch's {@code nn.LayerNorm} over the trailing dims: weight ones, bias zeros, eps 1e-5. */
public final class LayerNorm extends Layer {
  private final long[] normalizedShape;
  private final double eps;
  private final Parameter weight;
  private final Parameter bias;

  public LayerNorm(long... normalizedShape) {
    this(1e-5, normalizedShape);
  }

  public LayerNorm(double eps, long... normalizedShape) {
    if (normalizedShape.length == 0) {
      throw new IllegalArgumentException("LayerNorm needs a normalized shape");
    }
    this.normalizedShape = normalizedShape.clone();
    this.eps = eps;
    try (TensorScope init = TensorScope.open()) {
      this.weight = register("weight", Parameter.of(Tensor.ones(normalizedShape)));
      this.bias = register("bias", Parameter.of(Tensor.zeros(normalizedShape)));
    }
  }

  @Override
  public Tensor forward(Tensor x) {
    return x.layerNorm(normalizedShape, weight.value(), bias.value(), eps);
  }

  public long[] normalizedShape() {
    return normalizedShape.clone();
  }

  public double eps() {
    return eps;
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter bias() {
    return bias;
  }

  @Override
  public String toString() {
    return "LayerNorm" + Arrays.toString(normalizedShape);
  }
}
