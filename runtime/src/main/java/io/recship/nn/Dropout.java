package io.recship.nn;

import io.recship.tensor.Tensor;

/** Zeroes elements with probability {@code p} while training (scaling the rest); identity in eval. */
public final class Dropout extends Layer {
  private final double p;

  public Dropout(double p) {
    if (p < 0 || p >= 1) {
      throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    }
    this.p = p;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (!isTraining() || p == 0) {
      return x;
    }
    // Training-mode dropout has no place in an exported graph: map() makes a trace reject it.
    return x.map(
        "dropout(training)",
        nd -> nd.getNDArrayInternal().dropout(nd, (float) p, true).singletonOrThrow());
  }

  public double p() {
    return p;
  }
}
