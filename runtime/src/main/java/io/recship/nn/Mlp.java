package io.recship.nn;

import io.recship.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Linear layers of the given widths with an activation between them (none after the last by
 * default). The linears are children {@code "0"}, {@code "1"}, ..., so state-dict names read
 * {@code tower.0.weight}.
 */
public final class Mlp extends Layer {
  private final List<Linear> linears;
  private final Activation activation;
  private final boolean activateLast;
  private final @Nullable Dropout dropout;

  private Mlp(Builder b) {
    if (b.dims.length < 2) {
      throw new IllegalArgumentException(
          "an Mlp needs an input width and at least one layer width, got " + b.dims.length + " widths");
    }
    List<Linear> ls = new ArrayList<>();
    for (int i = 0; i + 1 < b.dims.length; i++) {
      ls.add(register(Integer.toString(i), new Linear(b.dims[i], b.dims[i + 1], true, b.rng)));
    }
    this.linears = List.copyOf(ls);
    this.activation = b.activation;
    this.activateLast = b.activateLast;
    this.dropout = b.dropout > 0 ? register("dropout", new Dropout(b.dropout)) : null;
  }

  /** ReLU between layers, nothing after the last: {@code Mlp.of(72, 256, 64, 1)}. */
  public static Mlp of(long... dims) {
    return builder(dims).build();
  }

  /** {@code dims[0]} is the input width, the rest are the layer widths. */
  public static Builder builder(long... dims) {
    return new Builder(dims.clone());
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor h = x;
    for (int i = 0; i < linears.size(); i++) {
      h = linears.get(i).forward(h);
      boolean last = i == linears.size() - 1;
      if (!last || activateLast) {
        h = activation.apply(h);
        Dropout d = dropout;
        if (d != null && !last) {
          h = d.forward(h);
        }
      }
    }
    return h;
  }

  public List<Linear> linears() {
    return linears;
  }

  public Activation activation() {
    return activation;
  }

  /** Options of an {@link Mlp}. */
  public static final class Builder {
    private final long[] dims;
    private Activation activation = Activation.RELU;
    private boolean activateLast;
    private double dropout;
    private Random rng = Init.random();

    private Builder(long[] dims) {
      this.dims = dims;
    }

    public Builder activation(Activation activation) {
      this.activation = activation;
      return this;
    }

    /** Also apply the activation after the last layer. */
    public Builder activateLast(boolean activateLast) {
      this.activateLast = activateLast;
      return this;
    }

    /** Dropout after each hidden activation (training only). */
    public Builder dropout(double p) {
      this.dropout = p;
      return this;
    }

    public Builder random(Random rng) {
      this.rng = rng;
      return this;
    }

    public Mlp build() {
      return new Mlp(this);
    }
  }
}
