package io.recship.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates dense {@link Parameter}s from their gradients. State (moments, momentum) is owned by
 * the optimizer and freed by {@link #close()}; each step's temporaries are freed at its end.
 */
public abstract class Optimizer implements AutoCloseable {
  private final List<Parameter> parameters;
  private final NDManager stateManager = NDManager.newBaseManager("PyTorch");
  private final Map<Parameter, NDArray[]> state = new IdentityHashMap<>();
  private double learningRate;
  private long steps;

  protected Optimizer(List<Parameter> parameters, double learningRate) {
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("an optimizer needs at least one parameter");
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    this.parameters = List.copyOf(parameters);
    this.learningRate = learningRate;
  }

  protected static List<Parameter> parametersOf(Module module) {
    return module.parameters();
  }

  /** Applies one update to every parameter that has a gradient. */
  public final void step() {
    steps++;
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false); // in-place updates of leaves that require grad
    try (NDManager temp = stateManager.newSubManager()) {
      for (Parameter p : parameters) {
        NDArray w = p.value().toNDArray();
        if (!w.hasGradient()) {
          continue;
        }
        NDArray g = w.getGradient();
        g.attach(temp);
        NDArray[] slots = state.computeIfAbsent(p, k -> newSlots(w));
        update(w, g, slots, steps, new Temp(temp));
      }
    } finally {
      JniUtils.setGradMode(gradMode);
    }
  }

  /** Zeroes the gradients of the optimized parameters. */
  public final void zeroGrad() {
    parameters.forEach(Parameter::zeroGrad);
  }

  public final double learningRate() {
    return learningRate;
  }

  public final void setLearningRate(double learningRate) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  /** Number of {@link #step()} calls so far. */
  public final long steps() {
    return steps;
  }

  public final List<Parameter> parameters() {
    return parameters;
  }

  /** How many per-parameter state arrays (zeros shaped like the parameter) this optimizer keeps. */
  abstract int slotCount();

  /**
   * Updates {@code weight} in place from {@code grad}. Arrays made by ops on {@code weight} or the
   * slots must go through {@code temp} so they are freed with the step.
   */
  abstract void update(NDArray weight, NDArray grad, NDArray[] slots, long step, Temp temp);

  private NDArray[] newSlots(NDArray w) {
    NDArray[] slots = new NDArray[slotCount()];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = stateManager.zeros(w.getShape(), w.getDataType());
    }
    return slots;
  }

  @Override
  public void close() {
    stateManager.close();
  }

  /** Hands a step's temporaries to the step's manager. */
  static final class Temp {
    private final NDManager manager;

    Temp(NDManager manager) {
      this.manager = manager;
    }

    NDArray own(NDArray a) {
      a.attach(manager);
      return a;
    }
  }
}
