package io.recship.sparse;

import java.util.List;

/**
 * Sparse (lazy) Adam as RecIS' {@code SparseAdam}: moments {@code sparse_adam_exp_avg} and
 * {@code sparse_adam_exp_avg_sq} per row, updated only for rows in the batch; bias correction
 * uses the optimizer's global step, as RecIS keeps one {@code beta1}/{@code beta2} power per
 * optimizer.
 */
public final class SparseAdam extends SparseOptimizer {
  public static final String EXP_AVG = "sparse_adam_exp_avg";
  public static final String EXP_AVG_SQ = "sparse_adam_exp_avg_sq";

  private final double beta1;
  private final double beta2;
  private final double eps;
  private float stepSize;
  private float correction2Sqrt;

  public SparseAdam(double learningRate, double beta1, double beta2, double eps) {
    super(learningRate);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }

  /** lr with torch's defaults betas (0.9, 0.999), eps 1e-8. */
  public static SparseAdam of(double learningRate) {
    return new SparseAdam(learningRate, 0.9, 0.999, 1e-8);
  }

  @Override
  void beforeStep(long step) {
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    stepSize = (float) (learningRate() / c1);
    correction2Sqrt = (float) Math.sqrt(c2);
  }

  @Override
  void update(float[] w, int wOff, float[] g, int gOff, int dim, FloatRows[] slots, int row) {
    float[] m = slots[0].chunk(row);
    float[] v = slots[1].chunk(row);
    int o = slots[0].offset(row);
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    float e = (float) eps;
    for (int i = 0; i < dim; i++) {
      float gi = g[gOff + i];
      float mi = b1 * m[o + i] + (1 - b1) * gi;
      float vi = b2 * v[o + i] + (1 - b2) * gi * gi;
      m[o + i] = mi;
      v[o + i] = vi;
      w[wOff + i] -= stepSize * mi / ((float) Math.sqrt(vi) / correction2Sqrt + e);
    }
  }

  @Override
  public List<String> slotNames() {
    return List.of(EXP_AVG, EXP_AVG_SQ);
  }

  @Override
  String prefix() {
    return "sparse_adam_";
  }
}
