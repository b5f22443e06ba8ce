package io.recship.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.recship.data.Dataset;
import io.recship.data.SyntheticCtr;
import io.recship.optim.Adam;
import io.recship.sparse.SparseAdam;
import io.recship.sparse.SparseModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class CtrTrainingTest {
  @Test
  void syntheticCtrModelReachesHeldOutAucWellAboveChance() {
    SyntheticCtr gen = SyntheticCtr.of(11);
    Dataset train = gen.dataset(0, 24_000).batchSize(256).shuffleBuffer(4096, 1).build();
    Dataset heldOut = gen.dataset(1_000_000, 4_000).batchSize(1000).build();
    SparseModel sparse = SparseModel.fromFg(SyntheticCtr.featureGenerator(), false, 3);
    try (CtrDense dense = new CtrDense(5)) {
      Trainer trainer = Trainer.builder(sparse, dense)
          .label(SyntheticCtr.LABEL)
          .denseOptimizer(Adam.of(dense, 1e-2))
          .sparseOptimizer(SparseAdam.of(0.05))
          .reportEvery(94)
          .build(dense::forward);
      EvalResult before = trainer.evaluate(heldOut);
      List<StepReport> reports = trainer.train(train, 94 * 4);
      EvalResult after = trainer.evaluate(heldOut);
      double bayes = bayesAuc(gen, 1_000_000, 4_000, heldOut);
      System.out.printf("synthetic CTR: held-out AUC %.4f (before %.4f, Bayes %.4f), loss %.4f; reports %s%n",
          after.auc(), before.auc(), bayes, after.loss(), reports);
      assertThat(reports).hasSize(4);
      assertThat(reports.get(3).loss()).isLessThan(reports.get(0).loss());
      assertThat(after.auc()).isGreaterThan(0.68); // measured 0.712 (Bayes 0.857)
      assertThat(after.samples()).isEqualTo(4_000);
    }
  }

  /** The AUC of the generator's own click probabilities: the ceiling for any model. */
  private static double bayesAuc(SyntheticCtr gen, long first, int count, Dataset heldOut) {
    float[] p = new float[count];
    for (int i = 0; i < count; i++) {
      p[i] = (float) gen.clickProbability(first + i);
    }
    return Metrics.auc(p, labels(heldOut));
  }

  private static float[] labels(Dataset ds) {
    float[] out = new float[4000];
    int pos = 0;
    for (var b : ds) {
      float[] l = b.labels(SyntheticCtr.LABEL);
      System.arraycopy(l, 0, out, pos, l.length);
      pos += l.length;
    }
    return out;
  }
}
