package io.recship.tensor;

import ai.djl.ndarray.NDManager;

/** The process-wide PyTorch managers every RecShip manager descends from. */
final class Engines {
  private Engines() {}

  private static final class Holder {
    static final NDManager ROOT = NDManager.newBaseManager("PyTorch");
    // Tensors made outside any TensorScope live here until closed one by one: explicit, never
    // closed as a whole, so leaking is visible in the tests' RSS check rather than hidden.
    static final NDManager UNSCOPED = ROOT.newSubManager();
  }

  static NDManager root() {
    return Holder.ROOT;
  }

  static NDManager unscoped() {
    return Holder.UNSCOPED;
  }
}
