package io.recship.optim;

public abstract class Optimizer {
  public final void zeroGrad() {}
}
