package io.recship.examples.ctr;

import java.util.Arrays;

/** ROC AUC by ranks (Mann-Whitney U), tied scores sharing their mean rank; NaN with one class. */
final class Auc {
  private Auc() {}

  static double of(float[] scores, float[] labels) {
    int n = scores.length;
    if (labels.length != n) {
      throw new IllegalArgumentException(n + " scores but " + labels.length + " labels");
    }
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
    double rankSumPos = 0;
    long pos = 0;
    for (int i = 0; i < n; ) {
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
    return pos == 0 || neg == 0 ? Double.NaN : (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }
}
