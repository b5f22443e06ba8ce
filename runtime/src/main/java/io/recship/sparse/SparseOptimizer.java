package io.recship.sparse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates embedding rows from {@link SparseGradients}: only the rows in the batch change, and
 * per-row optimizer state lives in the table as named slots (RecIS' names, so checkpoints carry
 * them as {@code <shared>.<slot>/part_i_n}). Scalar state (the step) is saved separately.
 */
public abstract sealed class SparseOptimizer permits SparseAdam, SparseAdagrad {
  private double learningRate;
  private long steps;

  protected SparseOptimizer(double learningRate) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  /** Applies one update to every row that has a gradient, then counts the step. */
  public final void step(SparseGradients gradients) {
    steps++;
    beforeStep(steps);
    gradients.forEachTable((table, g) -> {
      int dim = table.dim();
      FloatRows emb = table.embeddingRows();
      FloatRows[] slots = new FloatRows[slotNames().size()];
      for (int i = 0; i < slots.length; i++) {
        slots[i] = table.slot(slotNames().get(i));
      }
      for (int k = 0; k < g.rows.size(); k++) {
        int r = g.rows.getInt(k);
        update(emb.chunk(r), emb.offset(r), g.values, k * dim, dim, slots, r);
      }
    });
  }

  /** Called once per step before any row is updated. */
  void beforeStep(long step) {}

  /**
   * Updates one row: weights at {@code w[wOff, wOff + dim)}, gradient at {@code g[gOff, ...)},
   * slot rows found with {@code slots[i].chunk(row)} / {@code offset(row)}.
   */
  abstract void update(float[] w, int wOff, float[] g, int gOff, int dim, FloatRows[] slots, int row);

  /** RecIS slot names this optimizer keeps per row, in save order. */
  public abstract List<String> slotNames();

  public final double learningRate() {
    return learningRate;
  }

  public final void setLearningRate(double learningRate) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    this.learningRate = learningRate;
  }

  public final long steps() {
    return steps;
  }

  /** Scalar state to save beside the slots (RecIS saves {@code <prefix>step}). */
  public Map<String, Double> scalarState() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(prefix() + "step", (double) steps);
    return m;
  }

  /** Restores what {@link #scalarState()} returned. */
  public void loadScalarState(Map<String, Double> state) {
    Double s = state.get(prefix() + "step");
    if (s == null) {
      throw new IllegalArgumentException(
          "sparse optimizer state lacks " + prefix() + "step (saved by another optimizer?): " + state.keySet());
    }
    steps = s.longValue();
  }

  abstract String prefix();
}
