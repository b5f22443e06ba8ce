package io.recship.nn;

import io.recship.tensor.Tensor;

/** Element-wise activations an {@link Mlp} can use between its layers. */
public enum Activation {
  RELU,
  GELU,
  TANH,
  SIGMOID,
  IDENTITY;

  public Tensor apply(Tensor x) {
    return switch (this) {
      case RELU -> x.relu();
      case GELU -> x.gelu();
      case TANH -> x.tanh();
      case SIGMOID -> x.sigmoid();
      case IDENTITY -> x;
    };
  }
}
