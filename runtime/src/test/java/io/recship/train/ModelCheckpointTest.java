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
import io.recship.nn.Parameter;
import io.recship.checkpoint.SafetensorsReader;
import io.recship.optim.Adam;
import io.recship.optim.AdamW;
import io.recship.optim.Optimizer;
import io.recship.optim.OptimizerState;
import io.recship.optim.Sgd;
import io.recship.sparse.SparseAdagrad;
import io.recship.sparse.EmbeddingTable;
import io.recship.sparse.SparseAdam;
import io.recship.sparse.SparseModel;
import io.recship.sparse.SparseOutput;
import io.recship.tensor.Blocks;
import io.recship.tensor.TensorScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelCheckpointTest {
  @TempDir Path dir;

  private static final SyntheticCtr GEN = SyntheticCtr.of(21);

  /** 5 batches of 64 per epoch, shuffled per epoch. */
  private static Dataset data() {
    return GEN.dataset(0, 320).batchSize(64).shuffleBuffer(128, 4).build();
  }

  private static Trainer trainer(SparseModel sparse, CtrDense dense) {
    return trainer(sparse, dense, Adam.of(dense, 0.01));
  }

  private static Trainer trainer(SparseModel sparse, CtrDense dense, Optimizer denseOptimizer) {
    return Trainer.builder(sparse, dense)
        .label(SyntheticCtr.LABEL)
        .denseOptimizer(denseOptimizer)
        .sparseOptimizer(SparseAdam.of(0.01))
        .reportEvery(1)
        .build(dense::forward);
  }

  private static SparseModel sparse() {
    return SparseModel.fromFg(SyntheticCtr.featureGenerator(), false, 9);
  }

  /** Dense optimizers whose resume must be exact: Adam's moments, AdamW's decay, SGD's momentum buffer. */
  static Stream<Arguments> denseOptimizers() {
    return Stream.of(
        Arguments.of("Adam", (Function<CtrDense, Optimizer>) d -> Adam.of(d, 0.01)),
        Arguments.of("AdamW", (Function<CtrDense, Optimizer>) d -> AdamW.of(d, 0.01)),
        // built from a list: positional names in the optimizer, state-dict names in the checkpoint
        Arguments.of("Sgd+momentum", (Function<CtrDense, Optimizer>) d -> new Sgd(d.parameters(), 0.05, 0.9, 0)));
  }

  /** 3 steps, save (with or without dense optimizer state), load into a fresh model, 5 more steps. */
  private List<Double> resumedLosses(Function<CtrDense, Optimizer> denseOptimizer, boolean denseOptimizerState) {
    List<Double> resumed = new ArrayList<>();
    Path ckpt = dir.resolve("ckpt");
    try (CtrDense dense = new CtrDense(1); Optimizer opt = denseOptimizer.apply(dense)) {
      Trainer first = trainer(sparse(), dense, opt);
      resumed.addAll(losses(first.train(data(), 3))); // stops mid-epoch
      first.save(ckpt, denseOptimizerState);
    }
    try (CtrDense dense = new CtrDense(77); Optimizer opt = denseOptimizer.apply(dense)) { // different init: overwritten
      Trainer second = trainer(sparse(), dense, opt);
      second.load(ckpt);
      assertThat(second.state().step()).isEqualTo(3);
      assertThat(second.state().batch()).isEqualTo(3);
      resumed.addAll(losses(second.train(data(), 5))); // crosses into epoch 1
      assertThat(second.state().epoch()).isEqualTo(1);
    }
    return resumed;
  }

  private static List<Double> uninterruptedLosses(Function<CtrDense, Optimizer> denseOptimizer) {
    try (CtrDense dense = new CtrDense(1); Optimizer opt = denseOptimizer.apply(dense)) {
      return losses(trainer(sparse(), dense, opt).train(data(), 8));
    }
  }

  private static List<Double> losses(List<StepReport> reports) {
    return reports.stream().map(StepReport::loss).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("denseOptimizers")
  void resumedRunRepeatsTheUninterruptedLossSequence(String name, Function<CtrDense, Optimizer> denseOptimizer) {
    List<Double> uninterrupted = uninterruptedLosses(denseOptimizer);
    assertThat(resumedLosses(denseOptimizer, true)).hasSize(8).containsExactlyElementsOf(uninterrupted);
  }

  @Test
  void resumingWithoutDenseOptimizerStateRestartsAdamAndDiverges() {
    Function<CtrDense, Optimizer> adam = d -> Adam.of(d, 0.01);
    List<Double> uninterrupted = uninterruptedLosses(adam);
    List<Double> resumed = resumedLosses(adam, false);
    assertThat(resumed.subList(0, 4)).containsExactlyElementsOf(uninterrupted.subList(0, 4)); // step 4: same weights, same batch
    assertThat(resumed.subList(4, 8)).isNotEqualTo(uninterrupted.subList(4, 8)); // but the first fresh Adam step differs
  }

  @Test
  void closingATrainerLeavesTheCallersOptimizerUsable() {
    try (CtrDense dense = new CtrDense(1); Adam adam = Adam.of(dense, 0.01)) {
      try (Trainer first = trainer(sparse(), dense, adam)) {
        first.train(data(), 1);
      }
      Trainer second = trainer(sparse(), dense, adam);
      assertThat(second.train(data(), 1)).hasSize(1);
      assertThat(adam.steps()).isEqualTo(2);
    }
  }

  @Test
  void aDatasetWithoutABatchLeavesTheTrainStateWhereItWas() {
    try (CtrDense dense = new CtrDense(1); Adam adam = Adam.of(dense, 0.01)) {
      Trainer t = trainer(sparse(), dense, adam);
      Dataset tooSmall = GEN.dataset(0, 10).batchSize(64).dropLast(true).build();
      assertThatThrownBy(() -> t.train(tooSmall, 3))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("produced no batch: it holds no rows, or fewer than one batch with"
              + " dropLast");
      assertThat(t.state().epoch()).isZero();
      assertThat(t.state().step()).isZero();
    }
  }

  @Test
  void everySavedSafetensorsFileHasADigestSidecarMatchingItsBytes() throws Exception {
    try (CtrDense dense = new CtrDense(1); Adam adam = Adam.of(dense, 0.01)) {
      Trainer t = trainer(sparse(), dense, adam);
      t.train(data(), 2);
      t.save(dir);
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString())
        .containsExactly("dense.safetensors", "model-000000-of-000001.safetensors");
    for (Path f : files) {
      io.recship.checkpoint.DigestSidecar.Recorded r = io.recship.checkpoint.DigestSidecar.readIfCurrent(f);
      assertThat(r).as(f.toString()).isNotNull();
      String independent = java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
      assertThat(r.sha256()).as(f.toString()).isEqualTo(independent);
    }
  }

  @Test
  void denseOptimizerStateRoundTripsExactlyUnderStateDictNames() {
    OptimizerState saved;
    try (CtrDense dense = new CtrDense(1); Adam adam = new Adam(dense.parameters(), 0.01, 0.9, 0.999, 1e-8, 0)) {
      Trainer t = trainer(sparse(), dense, adam);
      t.train(data(), 3);
      adam.setLearningRate(0.004);
      t.save(dir);
      saved = adam.state();
    }
    try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("dense.safetensors"))) {
      assertThat(r.keys()).contains("tower.0.weight", "dense_optimizer.tower.0.weight.exp_avg",
          "dense_optimizer.tower.1.bias.exp_avg_sq");
      assertThat(r.metadata()).containsEntry("dense_optimizer", "Adam").containsEntry("dense_optimizer.step", "3")
          .containsEntry("dense_optimizer.lr", "0.004");
    }
    try (CtrDense dense = new CtrDense(5); Adam adam = Adam.of(dense, 0.5)) {
      trainer(sparse(), dense, adam).load(dir);
      Map<String, String> positionToName = new LinkedHashMap<>();
      List<String> names = List.copyOf(dense.namedParameters().keySet());
      for (int i = 0; i < names.size(); i++) {
        positionToName.put(Integer.toString(i), names.get(i));
      }
      assertThat(adam.state()).isEqualTo(saved.withParameterNames(positionToName));
    }
  }

  @Test
  void denseOptimizerSlotOfAnotherShapeIsRefusedBeforeAnythingChanges() throws IOException {
    Path d = saved();
    Path dense = d.resolve("dense.safetensors");
    List<TensorEntry> entries = new ArrayList<>();
    try (var r = SafetensorsReader.open(dense)) {
      for (var info : r.tensors()) {
        if (info.name().equals("dense_optimizer.tower.0.weight.exp_avg")) {
          entries.add(TensorEntry.ofFloats(info.name(), new long[] {16, 49}, new float[16 * 49]));
        } else {
          entries.add(TensorEntry.ofFloats(info.name(), info.shape(), r.readFloats(info.name())));
        }
      }
      SafetensorsWriter.write(dense, entries, r.metadata());
    }
    try (CtrDense m = new CtrDense(3); Adam adam = Adam.of(m, 0.01)) {
      SparseModel sparse = SparseModel.fromFg(SyntheticCtr.featureGenerator());
      float[] before = m.namedParameters().get("tower.0.weight").toFloatArray();
      assertThatThrownBy(() -> trainer(sparse, m, adam).load(d))
          .isInstanceOfSatisfying(CheckpointException.class, e -> {
            assertThat(e.file()).isEqualTo(dense);
            assertThat(e.key()).isEqualTo("dense_optimizer.tower.0.weight.exp_avg");
          })
          .hasMessageContaining("optimizer slot 'exp_avg' of parameter 'tower.0.weight' has shape [16, 49] in the checkpoint"
              + " but the parameter has shape [32, 49].")
          .hasMessageContaining("Fix: build the dense module with the sizes it was trained with.");
      assertThat(sparse.table("user_id").size()).isZero();
      assertThat(m.namedParameters().get("tower.0.weight").toFloatArray()).containsExactly(before);
      assertThat(adam.steps()).isZero();
    }
  }

  @Test
  void denseOptimizerStateOfAnotherClassIsRefused() {
    Path d = saved(); // Adam
    try (CtrDense m = new CtrDense(3); Sgd sgd = new Sgd(m.namedParameters(), 0.1, 0.9, 0)) {
      assertThatThrownBy(() -> trainer(SparseModel.fromFg(SyntheticCtr.featureGenerator()), m, sgd).load(d))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("the dense optimizer state was saved by Adam but the dense optimizer is Sgd.")
          .hasMessageContaining("Fix: resume with a Adam");
    }
  }

  @Test
  void sparseOptimizerStateOfAnotherClassIsRefusedBeforeAnythingChanges() {
    Path d = saved(); // SparseAdam
    try (CtrDense m = new CtrDense(3); Adam adam = Adam.of(m, 0.01)) {
      SparseModel sparse = SparseModel.fromFg(SyntheticCtr.featureGenerator());
      float[] before = m.namedParameters().get("tower.0.weight").toFloatArray();
      Trainer trainer = Trainer.builder(sparse, m)
          .label(SyntheticCtr.LABEL)
          .denseOptimizer(adam)
          .sparseOptimizer(SparseAdagrad.of(0.01))
          .build(m::forward);
      assertThatThrownBy(() -> trainer.load(d))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("the sparse optimizer state was saved by SparseAdam")
          .hasMessageContaining("not by SparseAdagrad")
          .hasMessageContaining("nothing was loaded");
      assertThat(sparse.table("user_id").size()).isZero();
      assertThat(m.namedParameters().get("tower.0.weight").toFloatArray()).containsExactly(before);
    }
  }

  @Test
  void missingDenseOptimizerSlotIsNamed() throws IOException {
    Path d = saved();
    Path dense = d.resolve("dense.safetensors");
    List<TensorEntry> entries = new ArrayList<>();
    try (var r = SafetensorsReader.open(dense)) {
      for (var info : r.tensors()) {
        if (!info.name().equals("dense_optimizer.tower.1.bias.exp_avg_sq")) {
          entries.add(TensorEntry.ofFloats(info.name(), info.shape(), r.readFloats(info.name())));
        }
      }
      SafetensorsWriter.write(dense, entries, r.metadata());
    }
    try (CtrDense m = new CtrDense(3); Adam adam = Adam.of(m, 0.01)) {
      assertThatThrownBy(() -> trainer(SparseModel.fromFg(SyntheticCtr.featureGenerator()), m, adam).load(d))
          .isInstanceOfSatisfying(CheckpointException.class,
              e -> assertThat(e.key()).isEqualTo("dense_optimizer.tower.1.bias.exp_avg_sq"))
          .hasMessageContaining("the dense optimizer (Adam) keeps 'exp_avg_sq' for parameter 'tower.1.bias'"
              + " but the checkpoint has no such tensor.");
    }
  }

  @Test
  void checkpointWithoutDenseOptimizerStateLoadsWithAFreshOptimizer() {
    try (CtrDense dense = new CtrDense(1)) {
      Trainer t = trainer(sparse(), dense);
      t.train(data(), 2);
      t.save(dir, false);
    }
    try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("dense.safetensors"))) {
      assertThat(r.keys()).noneMatch(k -> k.startsWith("dense_optimizer."));
      assertThat(r.metadata()).doesNotContainKey("dense_optimizer");
    }
    try (CtrDense dense = new CtrDense(2); Adam adam = Adam.of(dense, 0.01)) {
      Trainer t = trainer(sparse(), dense, adam);
      t.load(dir);
      assertThat(t.state().step()).isEqualTo(2);
      assertThat(adam.steps()).isZero();
    }
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

  /** A saved small model (dense Adam state included) to corrupt. */
  private Path saved() {
    try (CtrDense dense = new CtrDense(1); Adam adam = Adam.of(dense, 0.01)) {
      Trainer t = trainer(SparseModel.fromFg(SyntheticCtr.featureGenerator()), dense, adam);
      t.train(data(), 2);
      t.save(dir);
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
  void savingOverAnEarlierCheckpointRemovesItsOtherTableFiles() throws IOException {
    Path d = saved();
    Path stale = d.resolve("model-000001-of-000002.safetensors"); // an earlier two-shard save
    Files.writeString(stale, "old shard");
    Files.writeString(d.resolve("notes.txt"), "mine");
    saved();
    assertThat(stale).doesNotExist();
    assertThat(d.resolve("model-000000-of-000001.safetensors")).isRegularFile();
    assertThat(d.resolve("notes.txt")).hasContent("mine");
    load(d);
  }

  @Test
  void sparseOptimizerResumesWithTheSavedLearningRate() {
    Path d = saved(); // trained with SparseAdam.of(0.01)
    SparseAdam resumed = SparseAdam.of(0.05);
    try (CtrDense dense = new CtrDense(3)) {
      ModelCheckpoint.load(d, SparseModel.fromFg(SyntheticCtr.featureGenerator()), dense, resumed);
    }
    assertThat(resumed.learningRate()).isEqualTo(0.01);
    assertThat(resumed.steps()).isEqualTo(2);
  }

  @Test
  void aSaveThatDiesWhileWritingLeavesThePreviousCheckpointWhole() throws IOException {
    Path d = saved();
    Map<String, byte[]> before = filesOf(d);
    TrainState previous;
    try (CtrDense dense = new CtrDense(1); Adam adam = Adam.of(dense, 0.01)) {
      Trainer t = trainer(SparseModel.fromFg(SyntheticCtr.featureGenerator()), dense, adam);
      t.train(data(), 3);
      // the last dense parameter fails when its values are read, after the tables are written:
      // a save dying partway, as on a full disk
      Parameter last = List.copyOf(dense.namedParameters().values()).get(dense.namedParameters().size() - 1);
      last.shape(); // (the save reads the shape before writing anything)
      last.value().close();
      assertThatThrownBy(() -> t.save(d)).isInstanceOf(RuntimeException.class);
    }
    assertThat(d.resolve(".recship-saving/model-000000-of-000001.safetensors"))
        .as("the new tables were written, into the staging folder").isRegularFile();
    assertThat(filesOf(d)).as("the previous checkpoint's files, byte for byte")
        .containsOnlyKeys(before.keySet())
        .allSatisfy((name, bytes) -> assertThat(bytes).as(name).isEqualTo(before.get(name)));
    try (CtrDense dense = new CtrDense(3)) {
      previous = ModelCheckpoint.load(d, SparseModel.fromFg(SyntheticCtr.featureGenerator()), dense, SparseAdam.of(0.01));
    }
    assertThat(previous.step()).isEqualTo(2);

    saved(); // the next save clears the leftovers
    assertThat(d.resolve(".recship-saving")).doesNotExist();
    load(d);
  }

  @Test
  void aSaveThatStopsWhileMovingFilesInIsRefusedAndNamesWhereTheCompleteFilesAre() throws IOException {
    Path d = saved();
    // the state a save leaves when it stops after removing the old dense file, before moving in
    // the new files: all of them still in the staging folder
    Path staging = Files.createDirectories(d.resolve(".recship-saving"));
    try (Stream<Path> files = Files.list(d)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        Files.move(f, staging.resolve(f.getFileName()));
      }
    }
    assertThatThrownBy(() -> load(d))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("dense.safetensors: missing: a save stopped while moving its files in")
        .hasMessageContaining("complete in " + staging)
        .hasMessageContaining("move every file of " + staging + " into " + d);
    // doing what the message says gives a checkpoint that loads
    try (Stream<Path> files = Files.list(staging)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.move(f, d.resolve(f.getFileName()));
      }
    }
    load(d);
  }

  /** A model whose save takes long enough to be caught in the middle: one table of 400,000 rows. */
  private static SparseModel bigSparse() {
    SparseModel s = SparseModel.fromFg(SyntheticCtr.featureGenerator());
    EmbeddingTable t = s.tables().values().iterator().next();
    float[] row = new float[t.dim()];
    for (long id = 0; id < 400_000; id++) {
      row[0] = id;
      t.put(id, row);
    }
    return s;
  }

  @Test
  void aSecondSaveWhileOneIsRunningFailsAtOnceAndTheFirstSavesAWholeCheckpoint() throws Exception {
    Path d = saved();
    Path staging = d.resolve(".recship-saving");
    try (CtrDense dense = new CtrDense(5); CtrDense otherDense = new CtrDense(1); Adam adam = Adam.of(otherDense, 0.01)) {
      Trainer second = trainer(SparseModel.fromFg(SyntheticCtr.featureGenerator()), otherDense, adam);
      second.train(data(), 2); // before the first save starts: only the save itself is raced
      SparseModel big = bigSparse();
      AtomicReference<Throwable> firstFailed = new AtomicReference<>();
      Thread first = new Thread(() -> {
        try {
          ModelCheckpoint.save(d, big, dense, null, new TrainState(7, 0, 7));
        } catch (Throwable e) {
          firstFailed.set(e);
        }
      }, "first-save");
      first.start();
      while (!Files.isDirectory(staging) && first.isAlive()) {
        Thread.onSpinWait();
      }
      assertThat(first.isAlive()).as("caught the first save in the middle").isTrue();

      // a second save to the folder, and a load of it, while the first is writing its files
      assertThatThrownBy(() -> second.save(d))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining(d + ": another save is writing to this checkpoint folder (pid "
              + ProcessHandle.current().pid() + " on ")
          .hasMessageContaining(", thread first-save; lock file " + d.resolve(".recship-save.lock"))
          .hasMessageContaining("that save's files are untouched")
          .hasMessageContaining("Fix: wait for that save to finish, or save to another folder")
          .hasNoCause();
      assertThatThrownBy(() -> load(d))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining(d + ": a save is writing to this checkpoint folder right now (pid ")
          .hasMessageContaining("nothing was loaded. Fix: wait for that save to finish, then load.");

      first.join();
      assertThat(firstFailed.get()).as("the first save is not disturbed").isNull();
    }
    assertThat(staging).doesNotExist();
    SparseModel loaded = SparseModel.fromFg(SyntheticCtr.featureGenerator());
    TrainState state;
    try (CtrDense dense = new CtrDense(3)) {
      state = ModelCheckpoint.load(d, loaded, dense, SparseAdam.of(0.01));
    }
    assertThat(state.step()).as("the first save's checkpoint, whole").isEqualTo(7);
    assertThat(loaded.tables().values().iterator().next().size()).isEqualTo(400_000);
    assertThat(d.resolve(".recship-save.lock")).as("kept, naming nobody once released").isEmptyFile();
  }

  /** Child JVM: holds a checkpoint folder's save lock, as a save in another process does, until killed. */
  public static void main(String[] args) throws Exception {
    try (io.recship.lock.LockFile lock = io.recship.lock.LockFile.tryAcquire(Path.of(args[0]), true)) {
      System.out.println("LOCKED");
      System.out.flush();
      Thread.sleep(600_000);
    }
  }

  @Test
  void aSaveInAnotherProcessIsNamedByItsPidAndItsStagedFilesAreKeptUntilItDies() throws Exception {
    Path d = saved();
    Map<String, byte[]> before = filesOf(d);
    Path theirs = Files.writeString(Files.createDirectories(d.resolve(".recship-saving")).resolve("theirs"), "x");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process other = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ModelCheckpointTest.class.getName(), d.resolve(".recship-save.lock").toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      assertThat(r.readLine()).isEqualTo("LOCKED");

      assertThatThrownBy(() -> saved())
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("another save is writing to this checkpoint folder (pid " + other.pid() + " on ");
      assertThat(theirs).as("the other save's staged files").hasContent("x");
      Map<String, byte[]> after = filesOf(d);
      assertThat(after.remove(".recship-save.lock")).as("names the other process while it holds the lock")
          .asString(StandardCharsets.UTF_8).startsWith("pid " + other.pid() + " on ");
      before.remove(".recship-save.lock");
      assertThat(after).as("the checkpoint, byte for byte").containsOnlyKeys(before.keySet())
          .allSatisfy((name, bytes) -> assertThat(bytes).as(name).isEqualTo(before.get(name)));
      assertThatThrownBy(() -> load(d))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("a save is writing to this checkpoint folder right now (pid " + other.pid() + " on ");
    } finally {
      other.destroyForcibly(); // SIGKILL: the OS drops its lock, as when a saving job crashes
      assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    load(d);
    saved(); // a crashed save's staging folder is cleared, as before
    assertThat(d.resolve(".recship-saving")).doesNotExist();
    load(d);
  }

  /** The regular files directly in {@code d}, by name. */
  private static Map<String, byte[]> filesOf(Path d) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(d)) {
      for (Path f : (Iterable<Path>) list.filter(Files::isRegularFile)::iterator) {
        files.put(f.getFileName().toString(), Files.readAllBytes(f));
      }
    }
    return files;
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

  /** The synthetic FG with gender's embedding_dimension 4 changed to 6. */
  private static FeatureGenerator genderWithDim6() {
    String fg = SyntheticCtr.resource("fg.json").text()
        .replace("\"hash_bucket_size\": 100, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}",
            "\"hash_bucket_size\": 100, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 6}");
    return FeatureGenerator.load(new ConfigSource("fg.json", fg), SyntheticCtr.resource("mc.json"), FgOptions.DEFAULT);
  }

  @Test
  void tableWhoseDimDiffersFromTheFgIsRefusedBeforeAnythingChanges() {
    Path d = saved();
    SparseModel sparse = SparseModel.fromFg(genderWithDim6());
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
  void aChangedEmbeddingDimensionIsBlamedOnTheFgNotOnTheDenseNetSizedFromIt() {
    Path d = saved();
    SparseModel sparse = SparseModel.fromFg(genderWithDim6());
    try (CtrDense dense = new CtrDense(3, 17 + 2)) { // the user block grew with gender
      assertThatThrownBy(() -> ModelCheckpoint.load(d, sparse, dense, null))
          .hasMessageContaining("table 'gender' has dim 4 in the checkpoint but the FG gives embedding_dimension 6")
          .hasMessageNotContaining("tower.0.weight");
    }
  }

  @Test
  void featureWhoseHashBucketSizeChangedIsRefusedBeforeAnythingChanges() {
    Path d = saved();
    String fg = SyntheticCtr.resource("fg.json").text()
        .replace("\"hash_bucket_size\": 100, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}",
            "\"hash_bucket_size\": 77, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}"); // gender
    FeatureGenerator changed = FeatureGenerator.load(
        new ConfigSource("fg.json", fg), SyntheticCtr.resource("mc.json"), FgOptions.DEFAULT);
    SparseModel sparse = SparseModel.fromFg(changed);
    try (CtrDense dense = new CtrDense(3)) {
      float[] before = dense.namedParameters().get("tower.0.weight").toFloatArray();
      assertThatThrownBy(() -> ModelCheckpoint.load(d, sparse, dense, null))
          .isInstanceOfSatisfying(CheckpointException.class, e -> assertThat(e.key()).isEqualTo("fg.gender"))
          .hasMessageContaining("feature 'gender' maps values to rows differently than when the"
              + " checkpoint was saved: saved input=gender key=HASH hash=FARMHASH hash_bucket_size=100")
          .hasMessageContaining("the FG now gives input=gender key=HASH hash=FARMHASH hash_bucket_size=77")
          .hasMessageContaining("Fix: load with the fg.json the checkpoint was trained with");
      assertThat(dense.namedParameters().get("tower.0.weight").toFloatArray()).containsExactly(before);
    }
    assertThat(sparse.table("user_id").size()).isZero();
  }

  @Test
  void unknownKeysOnlyWarn() throws IOException {
    Path d = saved();
    // an extra dense tensor the module does not have, and optimizer state for it
    Path dense = d.resolve("dense.safetensors");
    List<TensorEntry> entries = new ArrayList<>();
    try (var r = SafetensorsReader.open(dense)) {
      for (var info : r.tensors()) {
        float[] v = r.readFloats(info.name());
        entries.add(TensorEntry.ofFloats(info.name(), info.shape(), v));
      }
      entries.add(TensorEntry.ofFloats("old_head.weight", new long[] {2}, new float[] {1, 2}));
      entries.add(TensorEntry.ofFloats("dense_optimizer.old_head.weight.exp_avg", new long[] {2}, new float[] {1, 2}));
      SafetensorsWriter.write(dense, entries, r.metadata());
    }
    try (CtrDense m = new CtrDense(3); Adam adam = Adam.of(m, 0.01)) {
      SparseModel sparse = SparseModel.fromFg(SyntheticCtr.featureGenerator());
      ModelCheckpoint.load(d, sparse, m, SparseAdam.of(0.01), adam);
      assertThat(sparse.table("user_id").size()).isPositive();
      assertThat(adam.steps()).isEqualTo(2);
    }
  }

  @Test
  void denseParameterStoredAsAnotherDtypeIsAMismatch() throws IOException {
    Path d = saved();
    Path dense = d.resolve("dense.safetensors");
    List<TensorEntry> entries = new ArrayList<>();
    try (var r = SafetensorsReader.open(dense)) {
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
