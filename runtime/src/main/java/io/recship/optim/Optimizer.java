package io.recship.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import io.recship.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Updates dense {@link Parameter}s from their gradients. State (moments, momentum) is owned by
 * the optimizer and freed by {@link #close()}; each step's temporaries are freed at its end.
 *
 * <p>Parameters have names: their state-dict names when the optimizer is built from a module
 * ({@code Adam.of(module, lr)} or a {@code Map} constructor), their positions {@code "0"},
 * {@code "1"}, ... (as in torch's {@code state_dict}) when built from a list. {@link #state()} and
 * {@link #loadState} key the per-parameter arrays by those names, so a run can be resumed exactly.
 */
public abstract class Optimizer implements AutoCloseable {
  private final Map<String, Parameter> parameters;
  private final NDManager stateManager = NDManager.newBaseManager("PyTorch");
  private final Map<Parameter, NDArray[]> state = new IdentityHashMap<>();
  private double learningRate;
  private long steps;

  /** Parameters named by position, {@code "0"}, {@code "1"}, ... */
  protected Optimizer(List<Parameter> parameters, double learningRate) {
    this(byPosition(parameters), learningRate);
  }

  /** Parameters named by the keys of {@code parameters} (iteration order is kept). */
  protected Optimizer(Map<String, Parameter> parameters, double learningRate) {
    if (parameters.isEmpty()) {
      throw new IllegalArgumentException("an optimizer needs at least one parameter");
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.learningRate = learningRate;
  }

  private static Map<String, Parameter> byPosition(List<Parameter> parameters) {
    Map<String, Parameter> m = new LinkedHashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      m.put(Integer.toString(i), parameters.get(i));
    }
    return m;
  }

  protected static Map<String, Parameter> parametersOf(Module module) {
    return module.namedParameters();
  }

  /** Applies one update to every parameter that has a gradient. */
  public final void step() {
    steps++;
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false); // in-place updates of leaves that require grad
    try (NDManager temp = stateManager.newSubManager()) {
      for (Parameter p : parameters.values()) {
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
    parameters.values().forEach(Parameter::zeroGrad);
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
    return List.copyOf(parameters.values());
  }

  /** The optimized parameters by the names {@link #state()} uses. */
  public final Map<String, Parameter> namedParameters() {
    return parameters;
  }

  /**
   * Names of the per-parameter arrays this optimizer keeps (each shaped like its parameter,
   * starting at zero), torch's names: {@code exp_avg, exp_avg_sq} for Adam, {@code
   * momentum_buffer} for SGD with momentum, none for plain SGD.
   */
  public abstract List<String> slotNames();

  /**
   * A copy of the state: class, step count, learning rate, and every slot of every parameter (a
   * parameter that has not had a gradient yet reports zeros, which is what it would start from).
   */
  public final OptimizerState state() {
    List<String> names = slotNames();
    List<OptimizerState.Slot> slots = new ArrayList<>();
    parameters.forEach((name, p) -> {
      NDArray[] arrays = state.get(p);
      for (int i = 0; i < names.size(); i++) {
        float[] values = arrays == null ? new float[Math.toIntExact(p.numel())] : arrays[i].toFloatArray();
        slots.add(new OptimizerState.Slot(name, names.get(i), p.shape(), values));
      }
    });
    return new OptimizerState(getClass().getSimpleName(), steps, learningRate, slots);
  }

  /**
   * Restores what {@link #state()} returned, replacing this optimizer's step count, learning rate
   * and slots (as torch's {@code load_state_dict} does). Everything is checked before anything
   * changes: the state must come from the same optimizer class and hold exactly one array of the
   * parameter's shape for each parameter and slot name.
   *
   * @throws IllegalArgumentException naming the parameter, the slot and the fix when it does not fit
   */
  public final void loadState(OptimizerState saved) {
    String type = getClass().getSimpleName();
    if (!saved.optimizer().equals(type)) {
      throw new IllegalArgumentException("optimizer state was saved by " + saved.optimizer() + " but this optimizer is "
          + type + "; load it into a " + saved.optimizer() + " (slots and step semantics differ), or start " + type
          + " fresh without loading");
    }
    List<String> names = slotNames();
    Map<String, OptimizerState.Slot> byKey = saved.byKey();
    Set<String> unknown = new TreeSet<>(byKey.keySet());
    Map<Parameter, float[][]> values = new IdentityHashMap<>();
    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
      Parameter p = e.getValue();
      float[][] arrays = new float[names.size()][];
      for (int i = 0; i < names.size(); i++) {
        String key = e.getKey() + "." + names.get(i);
        OptimizerState.Slot slot = byKey.get(key);
        if (slot == null) {
          throw new IllegalArgumentException("optimizer state has no '" + key + "' for parameter '" + e.getKey()
              + "' " + Arrays.toString(p.shape()) + "; load state saved by an optimizer over the same parameters"
              + " (names must match: " + parameters.keySet() + ")");
        }
        if (!Arrays.equals(slot.shape(), p.shape())) {
          throw new IllegalArgumentException("optimizer state '" + key + "' has shape " + Arrays.toString(slot.shape())
              + " but parameter '" + e.getKey() + "' has shape " + Arrays.toString(p.shape())
              + "; load state saved for a model of the same architecture");
        }
        unknown.remove(key);
        arrays[i] = slot.values();
      }
      values.put(p, arrays);
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("optimizer state has " + unknown + ", which no parameter of this " + type
          + " has (it keeps " + names + " for " + parameters.keySet() + "); load state saved by an optimizer over"
          + " the same parameters with the same settings");
    }
    state.values().forEach(arrays -> Arrays.stream(arrays).forEach(NDArray::close));
    state.clear();
    values.forEach((p, arrays) -> {
      NDArray[] slots = new NDArray[arrays.length];
      for (int i = 0; i < arrays.length; i++) {
        // through Tensor.of, which aligns the memory as libtorch aligns the slots it makes itself
        slots[i] = Tensor.of(arrays[i], p.shape()).toNDArray();
        slots[i].attach(stateManager);
      }
      state.put(p, slots);
    });
    steps = saved.steps();
    learningRate = saved.learningRate();
  }

  /**
   * Updates {@code weight} in place from {@code grad}. Arrays made by ops on {@code weight} or the
   * slots must go through {@code temp} so they are freed with the step.
   */
  abstract void update(NDArray weight, NDArray grad, NDArray[] slots, long step, Temp temp);

  private NDArray[] newSlots(NDArray w) {
    NDArray[] slots = new NDArray[slotNames().size()];
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
