package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recship.checkpoint.SafetensorsReader;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import io.recship.torchscript.ScriptModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportPipelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  TinyModel model;
  Path ckpt;

  @BeforeEach
  void setUp() {
    model = new TinyModel();
    ckpt = tmp.resolve("ckpt");
    model.writeCheckpoint(ckpt, 0.01f);
  }

  @AfterEach
  void tearDown() {
    model.close();
  }

  ExportJob job(Path out, boolean filter, Blocks trace) {
    return new ExportJob(
        "io.recship.export.TinyModel",
        TinyModel.fg(),
        false,
        () -> trace,
        model,
        model::forward,
        List.of("ctr", "cvr"),
        ckpt,
        out,
        null,
        "fx_user_model",
        "user_model",
        filter,
        0,
        1,
        false,
        null);
  }

  @Test
  void exportReloadsInLibtorchWithEagerScoresAndRecisFiles() throws IOException {
    Path out = tmp.resolve("export");
    ExportResult r;
    try (TensorScope s = TensorScope.open()) {
      r = ExportRun.run(job(out, false, TinyModel.blocks(7, 300)));
    }
    assertThat(r.published()).isTrue();
    assertThat(r.maxAbsDiff()).containsOnlyKeys("ctr", "cvr");
    assertThat(r.maxAbsDiff().values()).allSatisfy(d -> assertThat(d).isLessThan(1e-6));
    assertThat(r.timings()).containsKeys("prepare", "export sparse", "export dense", "export meta", "publish");

    assertOutputBaseIsTheGraphOnInputsDict(out);

    // the dense state came from the checkpoint (shifted by 0.01)
    SafetensorsReader dense = SafetensorsReader.open(ckpt.resolve("dense.safetensors"));
    assertThat(model.head.namedParameters().get("weight").toFloatArray())
        .containsExactly(dense.readFloats("dense.head.weight"));
    dense.close();

    // DJL reload: scores equal to the eager forward on a fresh batch of another size
    try (ScriptModel sm = ScriptModel.load(out.resolve("fx_user_model/user_model.pt"));
        NDManager m = NDManager.newBaseManager("PyTorch");
        TensorScope s = TensorScope.open()) {
      Blocks b = TinyModel.blocks(99, 33);
      NDList got = sm.forward(m, List.of(b.get("item").toNDArray(), b.get("user").toNDArray()));
      List<Tensor> eager = model.forward(b);
      assertThat(got).hasSize(2);
      for (int i = 0; i < 2; i++) {
        float[] g = got.get(i).toFloatArray();
        float[] e = eager.get(i).toFloatArray();
        assertThat(g).hasSameSizeAs(e);
        for (int j = 0; j < g.length; j++) {
          assertThat(g[j]).isCloseTo(e[j], within(1e-5f));
        }
      }
    }

    // copy mode: every *.safetensors and *.json of the checkpoint, byte for byte, but not index or dense
    for (String f : List.of("model-000000-of-000001.safetensors", "tensorkey.json",
        "torch_rank_weights_embs_table_multi_shard.json")) {
      assertThat(out.resolve(f)).hasSameBinaryContentAs(ckpt.resolve(f));
    }
    assertThat(out.resolve("index")).doesNotExist();
    assertThat(out.resolve("dense.safetensors")).doesNotExist();
    // the table's digest came from the checkpoint writer's sidecar, which RTP does not get
    assertThat(r.reusedDigests()).containsExactly("model-000000-of-000001.safetensors");
    try (Stream<Path> files = Files.walk(out)) {
      assertThat(files.map(Path::toString)).noneMatch(n -> n.endsWith(".sha256"));
    }

    assertRecisSchemas(out, 128);
    // fg.json keeps unknown keys
    assertThat(Files.readString(out.resolve("fg.json"))).contains("x_team_note", "kept verbatim");
    ExportManifest m = ExportManifest.verify(out);
    assertThat(m.files()).extracting(ExportedFile::path).contains("fg.json", "fx_user_model/user_model.pt");
    assertThat(r.files()).isEqualTo(m.files());
  }

  @Test
  void aTraceBatchWithAnInfiniteValueFailsNamingTheBlockAndRowAndPublishesNothing() {
    Path out = tmp.resolve("export");
    try (TensorScope s = TensorScope.open()) {
      Blocks b = TinyModel.blocks(7, 10);
      float[] user = b.get("user").toFloatArray();
      user[2 * 6 + 1] = Float.POSITIVE_INFINITY; // row 2: a raw value beyond float32
      Map<String, Tensor> m = new java.util.LinkedHashMap<>(b.asMap());
      m.put("user", Tensor.of(user, 10, 6));
      assertThatThrownBy(() -> ExportRun.run(job(out, false, Blocks.of(m))))
          .isInstanceOf(ExportException.class)
          .hasMessageContaining("block 'user' of the trace batch holds Infinity in row 2");
    }
    assertThat(out).doesNotExist();
  }

  /** The §4.3 schemas, parsed and checked key by key. */
  static void assertRecisSchemas(Path out, int traceRows) throws IOException {
    Path fx = out.resolve("fx_user_model");
    JsonNode info = JSON.readTree(fx.resolve("output_info.json").toFile());
    // json.dump(indent=4) layout, as RecIS writes it
    assertThat(Files.readString(fx.resolve("output_info.json")))
        .startsWith("{\n    \"OutputNodes\": [\n        {\n            \"OutputNodeName\": \"ctr\",")
        .contains("\"shape\": [\n                " + traceRows + ",\n                1\n            ]");
    assertThat(fieldNames(info)).containsExactly("OutputNodes");
    JsonNode nodes = info.get("OutputNodes");
    assertThat(nodes.isArray()).isTrue();
    assertThat(nodes).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode n = nodes.get(i);
      assertThat(fieldNames(n)).containsExactlyInAnyOrder("OutputNodeName", "dtype", "shape");
      assertThat(n.get("OutputNodeName").asText()).isEqualTo(i == 0 ? "ctr" : "cvr");
      assertThat(n.get("dtype").asText()).isEqualTo("torch.float32");
      assertThat(n.get("shape").toString()).isEqualTo("[" + traceRows + ",1]");
    }
    JsonNode lite = JSON.readTree(fx.resolve("inputs_dict_lite.json").toFile());
    JsonNode full = JSON.readTree(fx.resolve("inputs_dict.json").toFile());
    assertThat(fieldNames(lite)).containsExactly("item", "user");
    assertThat(fieldNames(full)).containsExactly("item", "user");
    int idx = 0;
    for (String block : List.of("item", "user")) {
      long width = block.equals("user") ? 6 : 4;
      JsonNode l = lite.get(block);
      assertThat(fieldNames(l)).containsExactlyInAnyOrder("idx", "shape", "dtype");
      assertThat(l.get("idx").isInt()).isTrue();
      assertThat(l.get("idx").asInt()).isEqualTo(idx++);
      assertThat(l.get("shape").toString()).isEqualTo("[" + traceRows + "," + width + "]");
      assertThat(l.get("dtype").asText()).isEqualTo("torch.float32");
      JsonNode f = full.get(block);
      assertThat(fieldNames(f)).containsExactlyInAnyOrder("idx", "shape", "dtype", "values");
      assertThat(f.get("values")).hasSize(traceRows);
      assertThat(f.get("values").get(0)).hasSize((int) width);
      assertThat(f.get("values").get(0).get(0).isNumber()).isTrue();
    }
    JsonNode order = JSON.readTree(fx.resolve("params_order.json").toFile());
    assertThat(order.toString()).isEqualTo("[\"item\",\"user\"]");
    JsonNode cols = JSON.readTree(fx.resolve("input_columns.json").toFile());
    assertThat(cols.toString()).isEqualTo("{\"user\":[\"user_id\",\"gender\"],\"item\":[\"item_id\"]}");
    String graph = Files.readString(fx.resolve("graph.txt"));
    assertThat(graph).contains("def forward", "head_weight");
    JsonNode base = JSON.readTree(fx.resolve("output_base.json").toFile());
    assertThat(fieldNames(base)).containsExactly("ctr", "cvr");
    for (String output : List.of("ctr", "cvr")) {
      JsonNode o = base.get(output);
      assertThat(fieldNames(o)).containsExactly("shape", "dtype", "values");
      assertThat(o.get("shape").toString()).isEqualTo("[" + traceRows + ",1]");
      assertThat(o.get("dtype").asText()).isEqualTo("torch.float32");
      assertThat(o.get("values")).hasSize(traceRows);
    }
  }

  /**
   * output_base.json holds what the shipped graph computes on the rows of inputs_dict.json: run
   * the archive on those values and compare.
   */
  static void assertOutputBaseIsTheGraphOnInputsDict(Path out) throws IOException {
    Path fx = out.resolve("fx_user_model");
    JsonNode inputs = JSON.readTree(fx.resolve("inputs_dict.json").toFile());
    JsonNode base = JSON.readTree(fx.resolve("output_base.json").toFile());
    List<String> order = new ArrayList<>();
    JSON.readTree(fx.resolve("params_order.json").toFile()).forEach(n -> order.add(n.asText()));
    try (ScriptModel sm = ScriptModel.load(fx.resolve("user_model.pt"));
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      List<NDArray> args = new ArrayList<>();
      for (String block : order) {
        JsonNode rows = inputs.get(block).get("values");
        float[][] values = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
          values[i] = new float[rows.get(i).size()];
          for (int j = 0; j < values[i].length; j++) {
            values[i][j] = (float) rows.get(i).get(j).asDouble();
          }
        }
        args.add(m.create(values));
      }
      NDList got = sm.forward(m, args);
      List<String> names = fieldNames(base);
      assertThat(got).hasSize(names.size());
      for (int k = 0; k < names.size(); k++) {
        float[] g = got.get(k).toFloatArray();
        JsonNode expected = base.get(names.get(k)).get("values");
        assertThat(g).hasSize(expected.size());
        for (int i = 0; i < g.length; i++) {
          assertThat(g[i]).as("%s row %d", names.get(k), i)
              .isCloseTo((float) expected.get(i).get(0).asDouble(), within(1e-5f));
        }
      }
    }
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  @Test
  void aBlockNoOutputUsesIsLeftOutOfTheGraphAndTheInputFilesAsRecisDoes() throws IOException {
    Path out = tmp.resolve("export");
    // a forward that reads only the user block: 'item' is an unused placeholder
    DenseForward userOnly = b -> {
      Tensor u = model.userTower.forward(b.get("user")).relu();
      return List.of(u.narrow(1, 0, 1).sigmoid(), u.narrow(1, 1, 1).sigmoid());
    };
    ExportJob userOnlyJob = new ExportJob("io.recship.export.TinyModel", TinyModel.fg(), false,
        () -> TinyModel.blocks(7, 20), model, userOnly, List.of("ctr", "cvr"), ckpt, out, null,
        "fx_user_model", "user_model", false, 0, 1, false, null);
    try (TensorScope s = TensorScope.open()) {
      assertThat(ExportRun.run(userOnlyJob).published()).isTrue();
    }
    Path fx = out.resolve("fx_user_model");
    assertThat(JSON.readTree(fx.resolve("params_order.json").toFile()).toString()).isEqualTo("[\"user\"]");
    assertThat(fieldNames(JSON.readTree(fx.resolve("inputs_dict_lite.json").toFile()))).containsExactly("user");
    assertThat(fieldNames(JSON.readTree(fx.resolve("inputs_dict.json").toFile()))).containsExactly("user");
    assertThat(Files.readString(fx.resolve("graph.txt"))).contains("user: Tensor)").doesNotContain("item: Tensor");
    try (ScriptModel sm = ScriptModel.load(fx.resolve("user_model.pt"));
        NDManager m = NDManager.newBaseManager("PyTorch");
        TensorScope s = TensorScope.open()) {
      Blocks b = TinyModel.blocks(99, 5);
      NDList got = sm.forward(m, List.of(b.get("user").toNDArray()));
      assertThat(Tensor.wrap(got.get(1)).toFloatArray())
          .containsExactly(userOnly.apply(b).get(1).toFloatArray(), within(1e-6f));
    }
    try (io.recship.serving.ExportedModel served = io.recship.serving.ExportedModel.load(out)) {
      assertThat(served.inputNames()).containsExactly("user");
    }
  }

  @Test
  void aCheckpointDigestThatDoesNotMatchItsFileFailsExportedModelLoadNamingTheFile()
      throws IOException {
    Path sidecar = io.recship.checkpoint.DigestSidecar.sidecarOf(ckpt.resolve("model-000000-of-000001.safetensors"));
    List<String> lines = Files.readAllLines(sidecar);
    // a corrupted sidecar whose size and time still match: reused as is, caught on load
    Files.write(sidecar, List.of(lines.get(0), "f".repeat(64) + lines.get(1).substring(64)));
    Path out = tmp.resolve("export");
    try (TensorScope s = TensorScope.open()) {
      assertThat(ExportRun.run(job(out, false, TinyModel.blocks(7, 10))).reusedDigests())
          .containsExactly("model-000000-of-000001.safetensors");
    }
    assertThatThrownBy(() -> io.recship.serving.ExportedModel.load(out))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("'model-000000-of-000001.safetensors'")
        .hasMessageContaining("does not match " + ExportManifest.FILE_NAME);
  }

  @Test
  void filteredExportIsLoadableAndHoldsNoOptimizerSlots() throws IOException {
    Path out = tmp.resolve("export");
    try (TensorScope s = TensorScope.open()) {
      // new files: hashed as they are written, nothing taken from the checkpoint
      assertThat(ExportRun.run(job(out, true, TinyModel.blocks(7, 10))).reusedDigests()).isEmpty();
    }
    assertRecisSchemas(out, 10);
    try (Stream<Path> s = Files.list(out)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".safetensors")).toList()) {
        assertThat(SparseExportTest.keys(f)).isNotEmpty().allMatch(k -> k.contains(".id/") || k.contains(".embedding/"));
      }
    }
    assertThat(Files.readString(out.resolve("tensorkey.json"))).doesNotContain("sparse_adamw");
    try (io.recship.checkpoint.SparseCheckpointReader r = io.recship.checkpoint.SparseCheckpointReader.open(out)) {
      assertThat(r.tables()).containsExactly("gender", "item_id", "user_id");
      assertThat(r.slots("user_id")).containsExactly("embedding");
    }
    try (ScriptModel sm = ScriptModel.load(out.resolve("fx_user_model/user_model.pt"))) {
      assertThat(sm.parameterNames()).isNotEmpty();
    }
    ExportManifest.verify(out);
  }

  @Test
  void refusesNonZeroGradsNamingTheParameterAndTheFix() {
    try (TensorScope s = TensorScope.open();
        io.recship.tensor.Autograd tape = io.recship.tensor.Autograd.record()) {
      tape.backward(model.forward(TinyModel.blocks(1, 4)).get(0).sum());
    }
    Path out = tmp.resolve("export");
    assertThatThrownBy(() -> ExportRun.run(job(out, false, TinyModel.blocks(7, 10))))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("model needs zero grad before export")
        .hasMessageContaining("head.weight")
        .hasMessageContaining(".denseOptimizer(opt)");
    assertThat(out).doesNotExist();
    // the fix works: an optimizer clears the grads
    try (io.recship.optim.Sgd opt = io.recship.optim.Sgd.of(model, 0.1);
        TensorScope s = TensorScope.open()) {
      ExportJob j = job(out, false, TinyModel.blocks(7, 10));
      ExportRun.run(new ExportJob(j.modelName(), j.fg(), false, j.traceBlocks(), j.dense(), j.forward(),
          j.outputNames(), j.ckptDir(), j.exportDir(), opt, j.exportFolderName(), j.exportModelName(),
          false, 0, 1, false, null));
    }
    assertThat(out.resolve(ExportManifest.FILE_NAME)).exists();
  }

  @Test
  void missingDenseStateFailsNamingTheCheckpointAndPublishesNothing() throws IOException {
    Files.delete(ckpt.resolve("dense.safetensors"));
    Path out = tmp.resolve("export");
    assertThatThrownBy(() -> ExportRun.run(job(out, false, TinyModel.blocks(7, 10))))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("prepare:")
        .hasMessageContaining("has no dense.safetensors");
    assertThat(out).doesNotExist();
    assertThat(stagingLeftovers()).isEmpty();
  }

  @Test
  void missingTableFileFailsBeforeAnythingIsPublished() throws IOException {
    Files.delete(ckpt.resolve("model-000000-of-000001.safetensors"));
    Path out = tmp.resolve("export");
    assertThatThrownBy(() -> ExportRun.run(job(out, false, TinyModel.blocks(7, 10))))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("no *.safetensors");
    assertThat(out).doesNotExist();
  }

  @Test
  void corruptedTableFileFailsNamingIt() throws IOException {
    Path f = ckpt.resolve("model-000000-of-000001.safetensors");
    byte[] b = Files.readAllBytes(f);
    Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
    Path out = tmp.resolve("export");
    assertThatThrownBy(() -> ExportRun.run(job(out, true, TinyModel.blocks(7, 10))))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("model-000000-of-000001.safetensors")
        .hasMessageContaining("truncated");
    assertThat(out).doesNotExist();
    assertThat(stagingLeftovers()).isEmpty();
  }

  @Test
  void differingBlockBatchSizesAreRefused() {
    try (TensorScope s = TensorScope.open()) {
      Map<String, Tensor> blocks = Map.of(
          "user", Tensor.zeros(4, 6), "item", Tensor.zeros(3, 4));
      assertThatThrownBy(() -> DenseExport.traceBatch(blocks))
          .isInstanceOf(ExportException.class)
          .hasMessageContaining("all dense inputs must have the same batch size")
          .hasMessageContaining("'user' has 4 rows");
    }
  }

  @Test
  void oneRowTraceBatchIsRefused() {
    try (TensorScope s = TensorScope.open()) {
      assertThatThrownBy(() -> DenseExport.traceBatch(Map.of("user", Tensor.zeros(1, 6))))
          .hasMessageContaining("at least 2 rows");
    }
  }

  @Test
  void outputCountMismatchNamesTheDeclaredNames() {
    Path out = tmp.resolve("export");
    ExportJob j = job(out, false, TinyModel.blocks(7, 10));
    ExportJob oneName = new ExportJob(j.modelName(), j.fg(), false, j.traceBlocks(), j.dense(), j.forward(),
        List.of("ctr"), j.ckptDir(), j.exportDir(), null, j.exportFolderName(), j.exportModelName(),
        false, 0, 1, false, null);
    assertThatThrownBy(() -> {
          try (TensorScope s = TensorScope.open()) {
            ExportRun.run(oneName);
          }
        })
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("output_nodes_name must be the same length")
        .hasMessageContaining("[ctr]");
    assertThat(out).doesNotExist();
  }

  @Test
  void aNullOutputIsNamedAndNothingIsWritten() {
    Path out = tmp.resolve("export");
    ExportJob j = job(out, false, TinyModel.blocks(7, 10));
    DenseForward secondUnset = b -> Arrays.asList(j.forward().apply(b).get(0), null);
    ExportJob nullCvr = new ExportJob(j.modelName(), j.fg(), false, j.traceBlocks(), j.dense(), secondUnset,
        j.outputNames(), j.ckptDir(), j.exportDir(), null, j.exportFolderName(), j.exportModelName(),
        false, 0, 1, false, null);
    assertThatThrownBy(() -> {
          try (TensorScope s = TensorScope.open()) {
            ExportRun.run(nullCvr);
          }
        })
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("output 'cvr' (#2 of 2) of the @ExportOutput method of")
        .hasMessageContaining("is null");
    assertThat(out).doesNotExist();
  }

  @Test
  void existingExportIsRefusedAndKeptIntactThenReplacedWithOverwrite() throws IOException {
    Path out = tmp.resolve("export");
    try (TensorScope s = TensorScope.open()) {
      ExportRun.run(job(out, false, TinyModel.blocks(7, 10)));
    }
    String before = Files.readString(out.resolve(ExportManifest.FILE_NAME));
    assertThatThrownBy(() -> ExportRun.run(job(out, true, TinyModel.blocks(8, 12))))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("already exists and is not empty");
    assertThat(out.resolve(ExportManifest.FILE_NAME)).hasContent(before);
    ExportManifest.verify(out);
    ExportJob j = job(out, true, TinyModel.blocks(8, 12));
    try (TensorScope s = TensorScope.open()) {
      ExportRun.run(new ExportJob(j.modelName(), j.fg(), false, j.traceBlocks(), j.dense(), j.forward(),
          j.outputNames(), j.ckptDir(), j.exportDir(), null, j.exportFolderName(), j.exportModelName(),
          true, 0, 1, true, null));
    }
    assertRecisSchemas(out, 12);
    ExportManifest.verify(out);
  }

  @Test
  void secondExporterOnTheSameDirFailsFastWhileTheFirstRuns() {
    Path out = tmp.resolve("export");
    ExportJob j = job(out, false, TinyModel.blocks(7, 10));
    // the first exporter is still tracing when the second starts
    ExportJob slow = new ExportJob(j.modelName(), j.fg(), false,
        () -> {
          assertThatThrownBy(() -> ExportRun.run(job(out, false, TinyModel.blocks(7, 10))))
              .isInstanceOf(ExportException.class)
              .hasMessageContaining("lock:")
              .hasMessageContaining("is being written by");
          return TinyModel.blocks(7, 10);
        },
        j.dense(), j.forward(), j.outputNames(), j.ckptDir(), j.exportDir(), null, j.exportFolderName(),
        j.exportModelName(), false, 0, 1, false, null);
    try (TensorScope s = TensorScope.open()) {
      ExportRun.run(slow);
    }
    ExportManifest.verify(out);
  }

  @Test
  void overwriteOfAnExportHoldingUserFilesIsRefusedBeforeAnyStepAndLosesNothing()
      throws IOException {
    Path out = tmp.resolve("export");
    try (TensorScope s = TensorScope.open()) {
      ExportRun.run(job(out, false, TinyModel.blocks(7, 10)));
    }
    Files.writeString(out.resolve("mynotes.txt"), "what I changed");
    Files.createDirectories(out.resolve("fx_user_model/old"));
    Files.copy(out.resolve("fx_user_model/user_model.pt"), out.resolve("fx_user_model/old/user_model.pt"));
    Map<String, List<Byte>> before = ExportPublisherTest.snapshot(out);
    ExportJob j = job(out, false, TinyModel.blocks(8, 12));
    ExportJob overwrite = new ExportJob(j.modelName(), j.fg(), false,
        () -> {
          throw new AssertionError("the refused export traced the dense model");
        },
        j.dense(), j.forward(), j.outputNames(), j.ckptDir(), j.exportDir(), null, j.exportFolderName(),
        j.exportModelName(), false, 0, 1, true, null);

    assertThatThrownBy(() -> ExportRun.run(overwrite))
        .isInstanceOf(ExportException.class)
        .hasMessageStartingWith("plan: exportDir " + out + " holds a previous export and also 1 file and"
            + " 1 folder that are not part of it (recship-manifest.json does not list them):"
            + " 'fx_user_model/old/', 'mynotes.txt' (before the export started); it was left untouched")
        .hasMessageContaining("would be deleted too: move them out of " + out);

    assertThat(ExportPublisherTest.snapshot(out)).isEqualTo(before);
    ExportManifest.verify(out);
    assertThat(stagingLeftovers()).isEmpty();
  }

  private List<Path> stagingLeftovers() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().contains("recship-tmp")).toList();
    }
  }
}
