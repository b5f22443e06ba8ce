package io.recship.examples.ctr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.recship.data.Dataset;
import io.recship.fg.FeatureGenerator;
import io.recship.nn.Parameter;
import io.recship.optim.Adam;
import io.recship.train.StepReport;
import io.recship.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example's trainer ({@link CtrPipeline#trainer}): both heads, each against its own label. */
class CtrTrainingTest {
  private static final FeatureGenerator FG = CtrModel.featureGenerator();

  private static Dataset data() {
    return CtrData.of(5).dataset(FG, 0, 640).batchSize(64).build(); // 10 batches an epoch
  }

  private static List<float[]> trainInChunks(int... chunks) {
    List<StepReport> reports = new ArrayList<>();
    try (CtrModel model = new CtrModel(FG, 5); Adam adam = Adam.of(model.dense, 3e-3)) {
      Trainer trainer = CtrPipeline.trainer(model, adam, 3e-2, 100, reports::add);
      for (int steps : chunks) {
        trainer.train(data(), steps);
      }
      assertThat(reports.get(reports.size() - 1).step()).isEqualTo(14);
      assertThat(reports.get(reports.size() - 1).epoch()).isEqualTo(1);
      List<float[]> params = new ArrayList<>();
      for (Map.Entry<String, Parameter> e : model.dense.namedParameters().entrySet()) {
        params.add(e.getValue().toFloatArray());
      }
      params.add(new float[] {model.sparse.table("user_id").size(), model.sparse.table("item_id").size()});
      return params;
    }
  }

  /** Dense parameters (they depend on every batch seen, in order) and table sizes. */
  @Test
  void trainingInSeveralCallsContinuesInTheDataLikeOneCall() {
    List<float[]> once = trainInChunks(14);
    List<float[]> split = trainInChunks(3, 4, 7);
    assertThat(split).hasSameSizeAs(once);
    for (int i = 0; i < once.size(); i++) {
      assertThat(split.get(i)).containsExactly(once.get(i));
    }
  }

  @Test
  void bothHeadsAreTrainedAgainstTheirOwnLabelAndReportedAsDemoLines() {
    try (CtrModel model = new CtrModel(FG, 5); Adam adam = Adam.of(model.dense, 3e-3)) {
      Trainer trainer = CtrPipeline.trainer(model, adam, 3e-2, 5, r -> {});
      assertThat(trainer.heads()).extracting(h -> h.name() + "<-" + h.label() + "*" + h.weight())
          .containsExactly("ctr<-click*1.0", "cvr<-conversion*1.0");
      List<StepReport> reports = trainer.train(data(), 10);
      assertThat(reports).hasSize(2).allSatisfy(r -> {
        assertThat(r.heads()).containsOnlyKeys(CtrModelExporter.OUTPUT_NAMES);
        assertThat(r.loss()).isCloseTo(r.loss("ctr") + r.loss("cvr"), within(1e-12));
      });
      // the cvr head learns its own label: its loss is far below the ctr head's (conversions are rarer)
      assertThat(reports.get(1).loss("cvr")).isLessThan(reports.get(1).loss("ctr"));
      assertThat(reports.get(1).toString())
          .matches("step 10 \\(epoch 0\\): loss \\d\\.\\d{4}, ctr auc \\d\\.\\d{4}, cvr auc \\d\\.\\d{4} over 320 samples");
    }
  }
}
