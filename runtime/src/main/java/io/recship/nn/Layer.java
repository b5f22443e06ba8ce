package io.recship.nn;

import io.recship.tensor.Tensor;

/** A module with one tensor in and one out; {@code layer(x)} in Kotlin calls {@link #forward}. */
public abstract class Layer extends Module {
  protected Layer() {}

  public abstract Tensor forward(Tensor x);

  /** Same as {@link #forward}; Kotlin's call operator. */
  public final Tensor invoke(Tensor x) {
    return forward(x);
  }
}
