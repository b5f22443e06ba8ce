package io.recship.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recship.checkpoint.CheckpointException;
import io.recship.checkpoint.SafeDType;
import io.recship.checkpoint.SafetensorsWriter;
import io.recship.checkpoint.TensorEntry;
import io.recship.data.Batch;
import io.recship.data.Dataset;
import io.recship.data.SyntheticCtr;
import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgOptions;
import io.recship.optim.Sgd;
import io.recship.sparse.SparseAdam;
import io.recship.sparse.SparseModel;
import io.recship.sparse.SparseOutput;
import io.recship.tensor.Blocks;
import io.recship.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCheckpointTest {
  @TempDir Path dir;

  private static final SyntheticCtr GEN = SyntheticCtr.of(21);

  /** 5 batches of 64 per epoch, shuffled per epoch. */
  private static Dataset data() {
    return GEN.dataset(0, 320).batchSize(64).shuffleBuffer(128, 4).build();
  }

  private static Trainer trainer(SparseModel sparse, CtrDense dense) {
    return Trainer.builder(sparse, dense)
        .label(SyntheticCtr.LABEL)
        .denseOptimizer(Sgd.of(dense, 0.05))
        .sparseOptimizer(SparseAdam.of(0.01))
        .reportEvery(1)
        .build(dense::forward);
  }

  private static List<Double> losses(List<StepReport> reports) {
    return reports.stream().map(StepReport::loss).toList();
  }

  @Test
  void resumedRunRepeatsTheUninterruptedLossSequence() {
    List<Double> uninterrupted;
    try (CtrDense dense = new CtrDense(1)) {
      uninterrupted = losses(trainer(SparseModel.fromFg(SyntheticCtr.featureGenerator(), false, 9), dense).train(data(), 8));
    }
    List<Double> resumed = new ArrayList<>();
    Path ckpt = dir.resolve("ckpt");
    try (CtrDense dense = new CtrDense(1)) {
      Trainer first = trainer(SparseModel.fromFg(SyntheticCtr.featureGenerator(), false, 9), dense);
      resumed.addAll(losses(first.train(data(), 3))); // stops mid-epoch
      first.save(ckpt);
    }
    try (CtrDense dense = new CtrDense(77)) { // different init: the checkpoint must overwrite it
      Trainer second = trainer(SparseModel.fromFg(SyntheticCtr.featureGenerator(), false, 9), dense);
      second.load(ckpt);
      assertThat(second.state().step()).isEqualTo(3);
      assertThat(second.state().batch()).isEqualTo(3);
      resumed.addAll(losses(second.train(data(), 5))); // crosses into epoch 1
      assertThat(second.state().epoch()).isEqualTo(1);
    }
    assertThat(resumed).hasSize(8).containsExactlyElementsOf(uninterrupted);
  }

  @Test
  void saveThenLoadGivesAnIdenticalForward() throws IOException {
    FeatureGenerator fg = SyntheticCtr.featureGenerator();
    Batch batch = GEN.dataset(5000, 50).batchSize(50).build().first();
    float[] expected;
    try (CtrDense dense = new CtrDense(1)) {
      SparseModel sparse = SparseModel.fromFg(fg);
      Trainer t = trainer(sparse, dense);
      t.train(data(), 4);
      expected = score(sparse.eval(), dense, batch);
      t.save(dir);
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .contains("model-000000-of-000001.safetensors", "index", "tensorkey.json",
              "torch_rank_weights_embs_table_multi_shard.json", "dense.safetensors");
    }
    try (CtrDense dense = new CtrDense(2)) {
      SparseModel sparse = SparseModel.fromFg(fg);
      ModelCheckpoint.load(dir, sparse, dense, null);
      assertThat(score(sparse.eval(), dense, batch)).containsExactly(expected);
    }
  }

  private static float[] score(SparseModel sparse, CtrDense dense, Batch batch) {
    try (TensorScope s = TensorScope.open()) {
      SparseOutput out = sparse.forward(batch);
      return dense.forward(Blocks.of(out.allBlocks())).toFloatArray();
    }
  }

  /** A saved small model (FG of two tables) to corrupt. */
  private Path saved() {
    try (CtrDense dense = new CtrDense(1)) {
      SparseModel sparse = SparseModel.fromFg(SyntheticCtr.featureGenerator());
      trainer(sparse, dense).train(data(), 2);
      trainer(sparse, dense).save(dir);
    }
    return dir;
  }

  private static void load(Path dir) {
    try (CtrDense dense = new CtrDense(3)) {
      ModelCheckpoint.load(dir, SparseModel.fromFg(SyntheticCtr.featureGenerator()), dense, SparseAdam.of(0.01));
    }
  }

  @Test
  void missingFilesAreNamed() throws IOException {
    assertThatThrownBy(() -> load(dir.resolve("nope"))).hasMessageContaining("checkpoint directory not found");
    Path d = saved();
    Files.delete(d.resolve("model-000000-of-000001.safetensors"));
    assertThatThrownBy(() -> load(d))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("model-000000-of-000001.safetensors")
        .hasMessageContaining("is missing");
    Files.delete(d.resolve("dense.safetensors"));
    assertThatThrownBy(() -> load(d)).hasMessageContaining("dense.safetensors: missing");
  }

  @Test
  void truncatedTableFileIsReported() throws IOException {
    Path d = saved();
    Path f = d.resolve("model-000000-of-000001.safetensors");
    byte[] bytes = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(bytes, bytes.length - 100));
    assertThatThrownBy(() -> load(d))
        .isInstanceOfSatisfying(CheckpointException.class, e -> assertThat(e.file()).isEqualTo(f))
        .hasMessageContaining("truncated");
  }

  @Test
  void tableWhoseDimDiffersFromTheFgIsRefusedBeforeAnythingChanges() {
    Path d = saved();
    String fg = SyntheticCtr.resource("fg.json").text()
        .replace("\"hash_bucket_size\": 10, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}",
            "\"hash_bucket_size\": 10, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 6}"); // gender 4 -> 6
    FeatureGenerator changed = FeatureGenerator.load(
        new ConfigSource("fg.json", fg), SyntheticCtr.resource("mc.json"), FgOptions.DEFAULT);
    SparseModel sparse = SparseModel.fromFg(changed);
    assertThat(sparse.table("gender").dim()).isEqualTo(6);
    try (CtrDense dense = new CtrDense(3)) {
      assertThatThrownBy(() -> ModelCheckpoint.load(d, sparse, dense, null))
          .isInstanceOfSatisfying(CheckpointException.class, e -> assertThat(e.key()).isEqualTo("gender.embedding/part_0_1"))
          .hasMessageContaining("table 'gender' has dim 4 in the checkpoint but the FG gives embedding_dimension 6")
          .hasMessageContaining("Fix: load with the fg.json the checkpoint was trained with");
    }
    assertThat(sparse.table("user_id").size()).isZero();
  }

  @Test
  void unknownKeysOnlyWarn() throws IOException {
    Path d = saved();
    // an extra dense tensor the module does not have
    Path dense = d.resolve("dense.safetensors");
    List<TensorEntry> entries = new ArrayList<>();
    try (var r = io.recship.checkpoint.SafetensorsReader.open(dense)) {
      for (var info : r.tensors()) {
        float[] v = r.readFloats(info.name());
        entries.add(TensorEntry.ofFloats(info.name(), info.shape(), v));
      }
      entries.add(TensorEntry.ofFloats("old_head.weight", new long[] {2}, new float[] {1, 2}));
      SafetensorsWriter.write(dense, entries, r.metadata());
    }
    try (CtrDense m = new CtrDense(3)) {
      SparseModel sparse = SparseModel.fromFg(SyntheticCtr.featureGenerator());
      ModelCheckpoint.load(d, sparse, m, SparseAdam.of(0.01));
      assertThat(sparse.table("user_id").size()).isPositive();
    }
  }

  @Test
  void denseParameterStoredAsAnotherDtypeIsAMismatch() throws IOException {
    Path d = saved();
    Path dense = d.resolve("dense.safetensors");
    List<TensorEntry> entries = new ArrayList<>();
    try (var r = io.recship.checkpoint.SafetensorsReader.open(dense)) {
      for (var info : r.tensors()) {
        float[] v = r.readFloats(info.name());
        entries.add(TensorEntry.of(info.name(), SafeDType.F64, info.shape(), s -> {
          for (float x : v) {
            s.putDouble(x);
          }
        }));
      }
      SafetensorsWriter.write(dense, entries, r.metadata());
    }
    assertThatThrownBy(() -> load(d))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("dense.safetensors")
        .hasMessageContaining("stored as F64 but F32 is expected");
  }
}
