package io.recship.train;

import java.util.Map;

/**
 * Loss and AUC of a model over a dataset.
 *
 * @param loss the mean weighted sum of the heads' losses (for one head of weight 1: its BCE)
 * @param heads per head, in declaration order, its own (unweighted) loss and AUC
 */
public record EvalResult(double loss, Map<String, HeadMetrics> heads, long samples) {
  public EvalResult {
    heads = HeadMetrics.copy(heads);
  }

  /** The AUC of a one-head model; {@link IllegalStateException} with several heads (use {@link #auc(String)}). */
  public double auc() {
    return HeadMetrics.only(heads, "auc").auc();
  }

  /** The AUC of head {@code head}. */
  public double auc(String head) {
    return HeadMetrics.of(heads, head).auc();
  }

  /** The unweighted loss of head {@code head}. */
  public double loss(String head) {
    return HeadMetrics.of(heads, head).loss();
  }
}
