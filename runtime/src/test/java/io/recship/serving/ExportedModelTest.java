package io.recship.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.recship.checkpoint.SafetensorsWriter;
import io.recship.checkpoint.SparseCheckpointWriter;
import io.recship.checkpoint.TensorEntry;
import io.recship.checkpoint.TensorSpec;
import io.recship.data.Batch;
import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.export.CheckpointEdits;
import io.recship.export.ExportException;
import io.recship.export.ExportPlan;
import io.recship.export.ExportResult;
import io.recship.export.Exporter;
import io.recship.export.TinyModel;
import io.recship.fg.FeatureGenerator;
import io.recship.nn.Parameter;
import io.recship.sparse.SparseModel;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export through the public API with a real sparse arch and dataset, then score the export. */
class ExportedModelTest {
  private static final String DATA = "model-000000-of-000001.safetensors";

  @TempDir Path tmp;
  FeatureGenerator fg;
  SparseModel sparse;
  TinyModel dense;
  Path ckpt;

  static List<Map<String, Object>> samples(int n, long seed) {
    java.util.Random r = new java.util.Random(seed);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> m = new HashMap<>();
      m.put("user_id", "u" + r.nextInt(30));
      m.put("gender", r.nextBoolean() ? "f" : "m");
      m.put("item_id", "i" + r.nextInt(30));
      out.add(m);
    }
    return out;
  }

  @BeforeEach
  void trainAndCheckpoint() {
    fg = TinyModel.fg();
    sparse = SparseModel.fromFg(fg);
    dense = new TinyModel();
    // a training-mode pass gives the tables rows for the ids it sees
    try (TensorScope s = TensorScope.open()) {
      sparse.forward(Batch.of(Schema.fromFg(fg), samples(200, 1)));
    }
    ckpt = tmp.resolve("ckpt");
    SparseCheckpointWriter.write(ckpt, new ArrayList<>(sparse.tables().values()), List.<TensorSpec>of());
    List<TensorEntry> state = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : dense.namedParameters().entrySet()) {
      state.add(TensorEntry.ofFloats("dense." + e.getKey(), e.getValue().shape(), e.getValue().toFloatArray()));
    }
    SafetensorsWriter.write(ckpt.resolve("dense.safetensors"), state);
  }

  @AfterEach
  void close() {
    dense.close();
  }

  ExportPlan.Builder plan(Path out, List<Map<String, Object>> data) {
    Dataset ds = Dataset.inMemory(Schema.fromFg(fg), data).batchSize(64).build();
    return ExportPlan.builder("TinyModel", sparse, dense, dense::forward, List.of("ctr", "cvr"))
        .dataset(ds)
        .ckptDir(ckpt)
        .exportDir(out);
  }

  /** The training-side forward: sparse in eval mode (unknown ids -> zeros), then dense. */
  Map<String, float[]> eager(List<Map<String, Object>> data) {
    sparse.eval();
    try (TensorScope s = TensorScope.open()) {
      List<Tensor> outs = dense.forward(sparse.forward(Batch.of(Schema.fromFg(fg), new ArrayList<>(data))).blocks());
      return Map.of("ctr", outs.get(0).toFloatArray(), "cvr", outs.get(1).toFloatArray());
    } finally {
      sparse.train();
    }
  }

  @Test
  void scoresOfTheExportEqualTheTrainingSideForwardInBothModes() {
    List<Map<String, Object>> probe = samples(50, 2);
    Map<String, Object> unseen = new HashMap<>(probe.get(0));
    unseen.put("user_id", "never-seen");
    unseen.put("item_id", "never-seen-either");
    probe.add(unseen);
    Map<String, float[]> expected = eager(probe);
    for (boolean filter : new boolean[] {false, true}) {
      Path out = tmp.resolve("export-" + filter);
      ExportResult r = Exporter.export(plan(out, samples(64, 3)).filterSparseOpt(filter).build());
      assertThat(r.published()).isTrue();
      try (ExportedModel m = ExportedModel.load(out)) {
        assertThat(m.outputNames()).containsExactly("ctr", "cvr");
        assertThat(m.inputNames()).containsExactly("item", "user");
        Map<String, float[]> got = m.score(probe);
        for (String name : List.of("ctr", "cvr")) {
          assertThat(got.get(name)).hasSize(probe.size());
          for (int i = 0; i < probe.size(); i++) {
            assertThat(got.get(name)[i]).as("%s row %d (filter %s)", name, i, filter)
                .isCloseTo(expected.get(name)[i], within(1e-5f));
          }
        }
      }
    }
    // export did not add rows to the training tables (it ran the sparse arch in eval mode)
    assertThat(sparse.isTraining()).isTrue();
  }

  @Test
  void anExportWhoseFgLooksUpATableNoDataFileHoldsIsRefusedNamingTableAndFeature() throws IOException {
    Path out = tmp.resolve("export");
    Exporter.export(plan(out, samples(64, 3)).build());
    // a hand-made export: intact per its manifest, but without the gender table
    CheckpointEdits.dropTable(out.resolve(DATA), "gender");
    CheckpointEdits.remanifest(out);
    assertThatThrownBy(() -> ExportedModel.load(out))
        .isInstanceOf(ExportException.class)
        .hasMessage("load export: fg.json looks up table 'gender' for feature 'gender', but no *.safetensors"
            + " file of " + out + " [" + DATA + "] holds gender.embedding/part_*; scoring would treat this"
            + " feature as all zeros; the export's files match recship-manifest.json, so the checkpoint it"
            + " was exported from was already inconsistent with fg.json, and exporting that checkpoint again"
            + " gives the same result: export from a checkpoint saved by training with this fg.json (the"
            + " export now refuses such a checkpoint)");
  }

  @Test
  void aTableShapeThatDiffersFromFgInAnIntactExportBlamesTheCheckpointNotTheExport() throws IOException {
    Path out = tmp.resolve("export");
    Exporter.export(plan(out, samples(64, 3)).build());
    assertThat(sparse.table("gender").size()).isEqualTo(2);
    CheckpointEdits.editShape(out.resolve(DATA), "gender.embedding/part_0_1", "[2,2]", "[1,4]");
    Path extra = tmp.resolve("extra.safetensors");
    Files.copy(out.resolve(DATA), extra);
    CheckpointEdits.remanifest(out);
    assertThatThrownBy(() -> ExportedModel.load(out))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("table 'gender' in " + out.resolve(DATA) + " is ")
        .hasMessageContaining("but fg.json gives it dimension 2 (feature 'gender'); the export is"
            + " inconsistent: the export's files match recship-manifest.json, so the checkpoint it was"
            + " exported from was already inconsistent with fg.json")
        .hasMessageEndingWith("export from a checkpoint saved by training with this fg.json (the export"
            + " now refuses such a checkpoint)");
  }

  @Test
  void filesTheManifestDoesNotListAreNotPartOfTheExportAndDoNotStopItLoading() throws IOException {
    Path out = tmp.resolve("export");
    Exporter.export(plan(out, samples(64, 3)).build());
    List<Map<String, Object>> probe = samples(20, 4);
    Map<String, float[]> clean;
    try (ExportedModel m = ExportedModel.load(out)) {
      clean = m.score(probe);
    }
    Path fx;
    try (java.util.stream.Stream<Path> s = Files.list(out)) {
      fx = s.filter(Files::isDirectory).findFirst().orElseThrow();
    }
    Path archive;
    try (java.util.stream.Stream<Path> s = Files.list(fx)) {
      archive = s.filter(p -> p.toString().endsWith(".pt")).findFirst().orElseThrow();
    }
    // a backup archive, a leftover dense folder beside the export's, a table file from elsewhere
    Files.copy(archive, fx.resolve("backup.pt"));
    Path old = Files.createDirectories(out.resolve(fx.getFileName() + "_old"));
    Files.copy(fx.resolve("output_info.json"), old.resolve("output_info.json"));
    Files.writeString(out.resolve("model-000001-of-000002.safetensors"), "not a table file");

    try (ExportedModel m = ExportedModel.load(out)) {
      Map<String, float[]> again = m.score(probe);
      assertThat(again.keySet()).containsExactly("ctr", "cvr");
      assertThat(again.get("ctr")).containsExactly(clean.get("ctr"));
      assertThat(again.get("cvr")).containsExactly(clean.get("cvr"));
    }
  }

  @Test
  void scoringAClosedModelSaysSoBeforeReadingAnything() {
    Path out = tmp.resolve("export");
    Exporter.export(plan(out, samples(64, 3)).build());
    ExportedModel m = ExportedModel.load(out);
    m.close();
    String closed = "ExportedModel[" + out + ", outputs [ctr, cvr]] is closed; load the export"
        + " again with ExportedModel.load(dir)";
    assertThatThrownBy(() -> m.score(samples(4, 1))).isInstanceOf(IllegalStateException.class)
        .hasMessage(closed);
    assertThatThrownBy(() -> m.score(List.of())).hasMessage(closed);
  }

  @Test
  void oneInstanceServesConcurrentCallers() throws Exception {
    Path out = tmp.resolve("export");
    Exporter.export(plan(out, samples(64, 3)).build());
    try (ExportedModel m = ExportedModel.load(out)) {
      List<List<Map<String, Object>>> inputs = new ArrayList<>();
      List<float[]> serial = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        inputs.add(samples(16 + i, 100 + i));
        serial.add(m.score(inputs.get(i)).get("ctr"));
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<float[]>> futures = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
          for (int i = 0; i < 8; i++) {
            List<Map<String, Object>> in = inputs.get(i);
            futures.add(pool.submit(() -> m.score(in).get("ctr")));
          }
        }
        for (int k = 0; k < futures.size(); k++) {
          assertThat(futures.get(k).get()).containsExactly(serial.get(k % 8));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void tamperedExportFailsToLoadNamingTheFile() throws IOException {
    Path out = tmp.resolve("export");
    Exporter.export(plan(out, samples(64, 3)).build());
    Path table = out.resolve("model-000000-of-000001.safetensors");
    byte[] b = Files.readAllBytes(table);
    b[b.length - 1] ^= 0x01; // one bit of one embedding
    Files.write(table, b);
    assertThatThrownBy(() -> ExportedModel.load(out))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("'model-000000-of-000001.safetensors'")
        .hasMessageContaining("SHA-256");
  }

  @Test
  void emptyDatasetIsRefusedWithTheFix() {
    Path out = tmp.resolve("export");
    assertThatThrownBy(() -> Exporter.export(plan(out, List.of()).build()))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("export dataset produced no batch");
    assertThat(out).doesNotExist();
  }

  @Test
  void splitSeqModelIsRefused() {
    Path out = tmp.resolve("export");
    SparseModel split = SparseModel.fromFg(fg, true);
    Dataset ds = Dataset.inMemory(Schema.fromFg(fg), samples(8, 1)).batchSize(8).build();
    assertThatThrownBy(() -> Exporter.export(
            ExportPlan.builder("TinyModel", split, dense, dense::forward, List.of("ctr", "cvr"))
                .dataset(ds).ckptDir(ckpt).exportDir(out).build()))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("splitSeq");
    assertThat(out).doesNotExist();
  }

  @Test
  void planValidationListsEveryMissingFieldAndBadName() {
    assertThatThrownBy(() -> ExportPlan.builder("TinyModel", sparse, dense, dense::forward, List.of("ctr", "ctr"))
            .exportModelName("../x")
            .build())
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("dataset is required")
        .hasMessageContaining("ckptDir is required")
        .hasMessageContaining("exportDir is required")
        .hasMessageContaining("'ctr' is used twice")
        .hasMessageContaining("exportModelName '../x'");
  }

  @Test
  void modelBuiltFromAnotherFgThanDeclaredIsRefused() {
    Path out = tmp.resolve("export");
    // declared: the fg module's ctr example, not the FG this sparse model was built from
    assertThatThrownBy(() -> Exporter.export(plan(out, samples(8, 1))
            .declaredConfig(ExportedModelTest.class, "io/recship/serving/other-fg.json",
                "io/recship/export/mc.json", "RTP_MAIN_SEARCH")
            .build()))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("was built from another FG")
        .hasMessageContaining("other-fg.json");
    assertThat(out).doesNotExist();
    // the declared FG that matches passes
    Exporter.export(plan(out, samples(8, 1))
        .declaredConfig(ExportedModelTest.class, "io/recship/export/fg.json", "io/recship/export/mc.json",
            "RTP_MAIN_SEARCH")
        .build());
    assertThat(out).isDirectory();
  }
}
