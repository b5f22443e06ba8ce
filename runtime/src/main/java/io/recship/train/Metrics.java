package io.recship.train;

import io.recship.tensor.Tensor;
import java.util.Arrays;

/** Binary cross-entropy and ROC AUC. */
public final class Metrics {
  /** Probabilities are clamped to [EPS, 1 - EPS] so log never sees 0. */
  public static final float EPS = 1e-7f;

  private Metrics() {}

  /** Mean binary cross-entropy of probabilities {@code p} against 0/1 labels {@code y} (any shapes with B elements). */
  public static Tensor bce(Tensor p, Tensor y) {
    long n = p.numel();
    if (y.numel() != n) {
      throw new IllegalArgumentException(
          "predictions have " + n + " values but labels have " + y.numel() + "; the forward must return one probability per sample");
    }
    Tensor pc = p.reshape(n).clamp(EPS, 1 - EPS);
    Tensor yc = y.reshape(n);
    Tensor pos = yc.times(pc.log());
    Tensor neg = yc.rsub(1).times(pc.rsub(1).log());
    return pos.plus(neg).mean().unaryMinus();
  }

  /**
   * {@code 0.7056}, or {@code n/a (one class only)} for the NaN of {@link #auc} on labels of one
   * class: a bare "NaN" in a report reads like a training failure.
   */
  public static String formatAuc(double auc) {
    return Double.isNaN(auc) ? "n/a (one class only)" : String.format(java.util.Locale.ROOT, "%.4f", auc);
  }

  /**
   * ROC AUC by ranks (Mann-Whitney U) with tied scores sharing their mean rank; NaN when only one
   * class is present.
   */
  public static double auc(float[] scores, float[] labels) {
    int n = scores.length;
    if (labels.length != n) {
      throw new IllegalArgumentException(n + " scores but " + labels.length + " labels");
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
    double rankSumPos = 0;
    long pos = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] > 0.5f) {
          rankSumPos += rank;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = n - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }
}
