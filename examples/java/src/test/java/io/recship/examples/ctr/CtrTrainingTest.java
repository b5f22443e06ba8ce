package io.recship.examples.ctr;

import static org.assertj.core.api.Assertions.assertThat;

import io.recship.data.Dataset;
import io.recship.fg.FeatureGenerator;
import io.recship.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtrTrainingTest {
  private static final FeatureGenerator FG = CtrModel.featureGenerator();

  private static List<float[]> trainInChunks(int... chunks) {
    Dataset data = CtrData.of(5).dataset(FG, 0, 640).batchSize(64).build(); // 10 batches an epoch
    List<CtrTraining.Report> reports = new ArrayList<>();
    try (CtrModel model = new CtrModel(FG, 5); CtrTraining training = new CtrTraining(model, 3e-3, 3e-2)) {
      for (int steps : chunks) {
        training.train(data, steps, 100, reports::add);
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
}
