package io.recship.examples.ctr;

import static org.assertj.core.api.Assertions.assertThat;

import io.recship.checkpoint.SafetensorsReader;
import io.recship.data.Dataset;
import io.recship.fg.FeatureGenerator;
import io.recship.optim.Adam;
import io.recship.sparse.SparseAdam;
import io.recship.train.StepReport;
import io.recship.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example's checkpoint is {@code Trainer.save}'s standard layout, and resumes exactly. */
class CtrCheckpointTest {
  @TempDir Path tmp;

  private static final FeatureGenerator FG = CtrModel.featureGenerator();

  private static Dataset data() {
    return CtrData.of(3).dataset(FG, 0, 640).batchSize(128).shuffleBuffer(256, 3).build(); // 5 batches an epoch
  }

  @Test
  void checkpointHasTheStandardLayoutAndLoadsIntoAFreshModelWithTheSameScores() {
    Path ckpt = tmp.resolve("ckpt");
    List<Map<String, Object>> probe = CtrData.of(3).samples(5_000, 100);
    try (CtrModel trained = new CtrModel(FG, 3);
        Adam adam = Adam.of(trained.dense, 3e-3);
        CtrModel fresh = new CtrModel(FG, 99);
        Adam freshAdam = Adam.of(fresh.dense, 3e-3)) {
      CtrPipeline.trainer(trained, adam, 3e-2, 10, r -> {}).train(data(), 7);
      CtrPipeline.trainer(trained, adam, 3e-2, 10, r -> {}).save(ckpt);

      assertThat(ckpt.resolve("model-000000-of-000001.safetensors.sha256")).isRegularFile();
      assertThat(ckpt.resolve("dense.safetensors.sha256")).isRegularFile();
      try (SafetensorsReader r = SafetensorsReader.open(ckpt.resolve("dense.safetensors"))) {
        assertThat(r.keys()).contains("ctr_tower.0.weight", "dense_optimizer.ctr_tower.0.weight.exp_avg");
        assertThat(r.metadata()).containsEntry("dense_optimizer", "Adam").containsEntry("dense_optimizer.step", "7");
      }

      Trainer loaded = CtrPipeline.trainer(fresh, freshAdam, 3e-2, 10, r -> {});
      loaded.load(ckpt);

      Map<String, float[]> expected = CtrPipeline.trainingSideForward(trained, FG, probe);
      Map<String, float[]> got = CtrPipeline.trainingSideForward(fresh, FG, probe);
      assertThat(got.get("ctr")).containsExactly(expected.get("ctr"));
      assertThat(got.get("cvr")).containsExactly(expected.get("cvr"));
      assertThat(fresh.sparse.table("item_id").slotNames()).contains(SparseAdam.EXP_AVG, SparseAdam.EXP_AVG_SQ);
      assertThat(freshAdam.steps()).isEqualTo(7);
    }
  }

  @Test
  void trainingResumedFromTheCheckpointRepeatsTheUninterruptedRun() {
    List<StepReport> uninterrupted;
    try (CtrModel model = new CtrModel(FG, 3); Adam adam = Adam.of(model.dense, 3e-3)) {
      uninterrupted = CtrPipeline.trainer(model, adam, 3e-2, 1, r -> {}).train(data(), 7);
    }
    Path ckpt = tmp.resolve("ckpt");
    List<StepReport> resumed = new ArrayList<>();
    try (CtrModel model = new CtrModel(FG, 3); Adam adam = Adam.of(model.dense, 3e-3)) {
      Trainer first = CtrPipeline.trainer(model, adam, 3e-2, 1, r -> {});
      resumed.addAll(first.train(data(), 3));
      first.save(ckpt);
    }
    // same seed: rows first seen after the resume are initialised from the sparse seed; the dense
    // weights and seen rows come from the checkpoint (a trainer that did not load would differ at step 4)
    try (CtrModel model = new CtrModel(FG, 3); Adam adam = Adam.of(model.dense, 3e-3)) {
      Trainer second = CtrPipeline.trainer(model, adam, 3e-2, 1, r -> {});
      second.load(ckpt);
      assertThat(second.steps()).isEqualTo(3);
      resumed.addAll(second.train(data(), 4)); // into epoch 1
    }
    assertThat(resumed).containsExactlyElementsOf(uninterrupted);
    assertThat(uninterrupted.get(6).epoch()).isEqualTo(1);
  }
}
