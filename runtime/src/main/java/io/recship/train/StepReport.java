package io.recship.train;

import java.util.Locale;
import java.util.Map;

/**
 * Loss and AUC over the steps since the last report ({@code step} is the global step count).
 *
 * @param loss the mean trained loss: the weighted sum of the heads' losses
 * @param heads per head, in declaration order, its own (unweighted) loss and AUC
 */
public record StepReport(long step, int epoch, double loss, Map<String, HeadMetrics> heads, long samples) {
  public StepReport {
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

  /** {@code step 300 (epoch 1): loss 0.6123, auc 0.7012 over 25600 samples}; with several heads {@code ..., ctr auc 0.70, cvr auc 0.75 ...}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "step %d (epoch %d): loss %.4f", step, epoch, loss));
    if (heads.size() == 1) {
      b.append(", auc ").append(Metrics.formatAuc(auc()));
    } else {
      heads.forEach((name, m) -> b.append(", ").append(name).append(" auc ").append(Metrics.formatAuc(m.auc())));
    }
    return b.append(String.format(Locale.ROOT, " over %d samples", samples)).toString();
  }
}
