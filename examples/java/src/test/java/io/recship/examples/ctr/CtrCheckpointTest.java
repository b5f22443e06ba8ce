package io.recship.examples.ctr;

import static org.assertj.core.api.Assertions.assertThat;

import io.recship.fg.FeatureGenerator;
import io.recship.sparse.SparseAdam;
import io.recship.train.ModelCheckpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CtrCheckpointTest {
  @TempDir Path tmp;

  @Test
  void checkpointOfTheExampleLoadsThroughModelCheckpointAndGivesTheSameScores() {
    FeatureGenerator fg = CtrModel.featureGenerator();
    CtrData data = CtrData.of(3);
    List<Map<String, Object>> probe = data.samples(5_000, 100);
    try (CtrModel trained = new CtrModel(fg, 3);
        CtrTraining training = new CtrTraining(trained, 3e-3, 3e-2);
        CtrModel fresh = new CtrModel(fg, 99)) {
      training.train(data.dataset(fg, 0, 2_000).batchSize(128).build(), 10, 10, r -> {});
      CtrPipeline.saveCheckpoint(tmp.resolve("ckpt"), trained);

      ModelCheckpoint.load(tmp.resolve("ckpt"), fresh.sparse, fresh.dense, SparseAdam.of(3e-2));

      Map<String, float[]> expected = CtrPipeline.trainingSideForward(trained, fg, probe);
      Map<String, float[]> got = CtrPipeline.trainingSideForward(fresh, fg, probe);
      assertThat(got.get("ctr")).containsExactly(expected.get("ctr"));
      assertThat(got.get("cvr")).containsExactly(expected.get("cvr"));
      assertThat(fresh.sparse.table("item_id").slotNames()).contains(SparseAdam.EXP_AVG, SparseAdam.EXP_AVG_SQ);
    }
  }
}
