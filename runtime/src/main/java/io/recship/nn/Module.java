package io.recship.nn;

import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A piece of a dense network: named {@link Parameter}s, buffers and child modules, like PyTorch's
 * {@code nn.Module}. State-dict names join the registration names with dots ({@code
 * tower.0.weight}), own entries first, then children in registration order.
 *
 * <p>A module owns its parameters and buffers and, through its children, theirs: {@link #close()}
 * frees them all. Subclasses register in field initialisers:
 *
 * <pre>{@code
 * final class CtrDense extends Module {
 *   private final Mlp tower = register("tower", Mlp.of(72, 256, 64, 1));
 *   public Tensor forward(Blocks in) { return tower.forward(in.get("user")).sigmoid(); }
 * }
 * }</pre>
 *
 * <p>The forward signature is the subclass's choice (a {@link Layer} is one tensor in, one out).
 */
public abstract class Module implements AutoCloseable {
  private final Map<String, Parameter> parameters = new LinkedHashMap<>();
  private final Map<String, Tensor> buffers = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private final TensorScope bufferOwner = TensorScope.standalone();
  private boolean training = true;
  private boolean closed;

  protected Module() {}

  /** Registers {@code child} under {@code name} and returns it. */
  protected final <M extends Module> M register(String name, M child) {
    checkName(name);
    if (child == this) {
      throw new IllegalArgumentException("a module cannot be its own child ('" + name + "')");
    }
    children.put(name, child);
    child.train(training);
    return child;
  }

  /** Registers a parameter under {@code name} and returns it. */
  protected final Parameter register(String name, Parameter parameter) {
    checkName(name);
    parameters.put(name, parameter);
    return parameter;
  }

  /**
   * Registers a non-trainable tensor (a constant the forward uses, e.g. a mask) under {@code
   * name}; the module keeps a copy and returns it. A trace exports it as a buffer.
   */
  protected final Tensor registerBuffer(String name, Tensor value) {
    checkName(name);
    Tensor owned = bufferOwner.adopt(value.copy());
    buffers.put(name, owned);
    return owned;
  }

  private void checkName(String name) {
    if (name.isEmpty() || name.contains(".")) {
      throw new IllegalArgumentException(
          "module entry names must be non-empty and contain no '.', got '" + name + "'");
    }
    if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
      throw new IllegalArgumentException(
          "'" + name + "' is already registered in " + getClass().getSimpleName());
    }
  }

  /** Every parameter by state-dict name ({@code tower.0.weight}), in state-dict order. */
  public final Map<String, Parameter> namedParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    walk("", (prefix, m) -> m.parameters.forEach((n, p) -> out.put(prefix + n, p)));
    return Collections.unmodifiableMap(out);
  }

  /** Every buffer by state-dict name, in state-dict order. */
  public final Map<String, Tensor> namedBuffers() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    walk("", (prefix, m) -> m.buffers.forEach((n, b) -> out.put(prefix + n, b)));
    return Collections.unmodifiableMap(out);
  }

  public final List<Parameter> parameters() {
    return List.copyOf(namedParameters().values());
  }

  /** Direct children by name. */
  public final Map<String, Module> children() {
    return Collections.unmodifiableMap(children);
  }

  /** Total number of parameter values. */
  public final long parameterCount() {
    long n = 0;
    for (Parameter p : namedParameters().values()) {
      n += p.numel();
    }
    return n;
  }

  private void walk(String prefix, BiConsumer<String, Module> visit) {
    visit.accept(prefix, this);
    children.forEach((n, c) -> c.walk(prefix + n + ".", visit));
  }

  /** Sets training mode here and in every child; returns this. */
  public Module train(boolean on) {
    walk("", (p, m) -> m.training = on);
    return this;
  }

  public final Module train() {
    return train(true);
  }

  /** Inference mode: dropout off. Export traces run in this mode. */
  public final Module eval() {
    return train(false);
  }

  public final boolean isTraining() {
    return training;
  }

  /** Zeroes the gradient of every parameter. */
  public final void zeroGrad() {
    namedParameters().values().forEach(Parameter::zeroGrad);
  }

  /** State-dict names of the parameters whose gradient has a non-zero element. */
  public final List<String> nonZeroGradNames() {
    List<String> out = new ArrayList<>();
    namedParameters().forEach((n, p) -> {
      if (p.hasNonZeroGrad()) {
        out.add(n);
      }
    });
    return out;
  }

  public final boolean hasNonZeroGrad() {
    return !nonZeroGradNames().isEmpty();
  }

  /** Frees the parameters and buffers of this module and its children. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    children.values().forEach(Module::close);
    parameters.values().forEach(Parameter::close);
    bufferOwner.close();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(getClass().getSimpleName()).append('(');
    namedParameters().forEach((n, p) -> b.append(n).append(java.util.Arrays.toString(p.shape())).append(", "));
    if (b.charAt(b.length() - 1) == ' ') {
      b.setLength(b.length() - 2);
    }
    return b.append(')').toString();
  }
}
