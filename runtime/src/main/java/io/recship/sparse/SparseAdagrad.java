package io.recship.sparse;

import java.util.List;

/**
 * Sparse Adagrad as RecIS' {@code SparseAdagrad}: slot {@code sparse_adagrad_state_sum} per row,
 * updated only for rows in the batch; {@code w -= lr * g / (sqrt(sum) + eps)}.
 */
public final class SparseAdagrad extends SparseOptimizer {
  public static final String STATE_SUM = "sparse_adagrad_state_sum";

  private final double eps;

  public SparseAdagrad(double learningRate, double eps) {
    super(learningRate);
    this.eps = eps;
  }

  /** lr with torch's default eps 1e-10. */
  public static SparseAdagrad of(double learningRate) {
    return new SparseAdagrad(learningRate, 1e-10);
  }

  @Override
  void update(float[] w, int wOff, float[] g, int gOff, int dim, FloatRows[] slots, int row) {
    float[] s = slots[0].chunk(row);
    int o = slots[0].offset(row);
    float lr = (float) learningRate();
    float e = (float) eps;
    for (int i = 0; i < dim; i++) {
      float gi = g[gOff + i];
      float si = s[o + i] + gi * gi;
      s[o + i] = si;
      w[wOff + i] -= lr * gi / ((float) Math.sqrt(si) + e);
    }
  }

  @Override
  public List<String> slotNames() {
    return List.of(STATE_SUM);
  }

  @Override
  String prefix() {
    return "sparse_adagrad_";
  }
}
