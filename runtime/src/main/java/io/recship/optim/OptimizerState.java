package io.recship.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a dense {@link Optimizer}'s state, as {@code torch.optim.Optimizer.state_dict()}
 * holds it, but keyed by parameter name: the optimizer's class, its step count and learning rate,
 * and one {@link Slot} per parameter and per-parameter array ({@code exp_avg}, {@code exp_avg_sq}
 * for Adam and AdamW, {@code momentum_buffer} for SGD with momentum), keyed {@code
 * <parameter>.<slot>} such as {@code tower.0.weight.exp_avg}.
 *
 * <p>Plain Java arrays, so a snapshot needs no native memory and outlives the optimizer; {@link
 * Optimizer#state()} makes one, {@link Optimizer#loadState} restores it.
 */
public record OptimizerState(String optimizer, long steps, double learningRate, List<Slot> slots) {
  public OptimizerState {
    Objects.requireNonNull(optimizer, "optimizer");
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    slots = List.copyOf(slots);
    Map<String, Slot> seen = new LinkedHashMap<>();
    for (Slot s : slots) {
      if (seen.put(s.key(), s) != null) {
        throw new IllegalArgumentException("optimizer state has slot '" + s.key() + "' twice");
      }
    }
  }

  /** Slots by {@link Slot#key()}, in order. */
  public Map<String, Slot> byKey() {
    Map<String, Slot> m = new LinkedHashMap<>();
    slots.forEach(s -> m.put(s.key(), s));
    return m;
  }

  /** This state with every parameter name mapped through {@code rename} (e.g. to a module's names). */
  public OptimizerState withParameterNames(Map<String, String> rename) {
    return new OptimizerState(optimizer, steps, learningRate, slots.stream().map(s -> {
      String to = rename.get(s.parameter());
      if (to == null) {
        throw new IllegalArgumentException("no new name for parameter '" + s.parameter() + "' (slot " + s.key() + ")");
      }
      return new Slot(to, s.name(), s.shape(), s.values());
    }).toList());
  }

  /**
   * One per-parameter array: {@code name} (e.g. {@code exp_avg}) of {@code parameter}, float32
   * {@code values} in row-major order of {@code shape}. The arrays are copied in and out.
   */
  public record Slot(String parameter, String name, long[] shape, float[] values) {
    public Slot {
      Objects.requireNonNull(parameter, "parameter");
      Objects.requireNonNull(name, "name");
      shape = shape.clone();
      values = values.clone();
      long n = 1;
      for (long d : shape) {
        if (d < 0) {
          throw new IllegalArgumentException("slot " + parameter + "." + name + ": negative dimension in " + Arrays.toString(shape));
        }
        n *= d;
      }
      if (n != values.length) {
        throw new IllegalArgumentException("slot " + parameter + "." + name + ": shape " + Arrays.toString(shape)
            + " needs " + n + " values, got " + values.length);
      }
    }

    /** {@code <parameter>.<name>}, e.g. {@code tower.0.weight.exp_avg}. */
    public String key() {
      return parameter + "." + name;
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    @Override
    public float[] values() {
      return values.clone();
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Slot s && parameter.equals(s.parameter) && name.equals(s.name)
          && Arrays.equals(shape, s.shape) && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
      return Objects.hash(parameter, name, Arrays.hashCode(shape), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
      return "Slot[" + key() + " " + Arrays.toString(shape) + "]";
    }
  }
}
