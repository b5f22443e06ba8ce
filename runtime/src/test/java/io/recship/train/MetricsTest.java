package io.recship.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void anAucOfLabelsOfOneClassIsShownAsNotAvailableNotNaN() {
    double oneClass = Metrics.auc(new float[] {0.2f, 0.7f}, new float[] {1, 1});
    assertThat(oneClass).isNaN();
    assertThat(Metrics.formatAuc(oneClass)).isEqualTo("n/a (one class only)");
    assertThat(Metrics.formatAuc(0.70561)).isEqualTo("0.7056");
    StepReport r = new StepReport(3, 0, 0.5, java.util.Map.of("cvr", new HeadMetrics(0.5, oneClass)), 64);
    assertThat(r.toString()).contains("auc n/a (one class only)").doesNotContain("NaN");
  }

  @Test
  void aucCountsOrderedPairsWithHalfCreditForTies() {
    assertThat(Metrics.auc(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new float[] {0, 0, 1, 1})).isEqualTo(0.75);
    assertThat(Metrics.auc(new float[] {0.5f, 0.5f}, new float[] {0, 1})).isEqualTo(0.5);
    assertThat(Metrics.auc(new float[] {0.9f, 0.1f}, new float[] {0, 1})).isEqualTo(0.0);
    assertThat(Metrics.auc(new float[] {0.2f, 0.3f}, new float[] {1, 1})).isNaN();
  }

  @Test
  void bceIsMeanNegativeLogLikelihood() {
    try (TensorScope s = TensorScope.open()) {
      Tensor p = Tensor.of(new float[] {0.9f, 0.2f}, 2, 1);
      Tensor y = Tensor.of(new float[] {1, 0}, 2, 1);
      double expected = -(Math.log(0.9) + Math.log(0.8)) / 2;
      assertThat(Metrics.bce(p, y).item()).isCloseTo((float) expected, within(1e-6f));
      assertThat(Metrics.bce(Tensor.of(new float[] {0f}, 1), Tensor.of(new float[] {1f}, 1)).item())
          .isCloseTo((float) -Math.log(Metrics.EPS), within(1e-3f));
    }
  }
}
