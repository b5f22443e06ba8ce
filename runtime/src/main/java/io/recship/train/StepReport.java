package io.recship.train;

/** Loss and AUC over the steps since the last report ({@code steps} is the global step count). */
public record StepReport(long step, int epoch, double loss, double auc, long samples) {
  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "step %d (epoch %d): loss %.4f, auc %.4f over %d samples", step, epoch, loss, auc, samples);
  }
}
