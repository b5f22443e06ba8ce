package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recship.checkpoint.SafetensorsWriter;
import io.recship.checkpoint.SparseCheckpointWriter;
import io.recship.checkpoint.TensorEntry;
import io.recship.checkpoint.TensorSpec;
import io.recship.data.Batch;
import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.fg.FeatureGenerator;
import io.recship.nn.Parameter;
import io.recship.serving.ExportedModel;
import io.recship.sparse.SparseModel;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two shard ranks run {@link Exporter#export} on the same plan and {@code exportDir}, as two
 * workers would: together they publish one export equal to a single-rank export.
 */
class ShardedExportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The checkpoint writer deals the table blocks over this many data files. */
  private static final int PARALLEL = 4;
  /** Every file the export copies from the checkpoint, in the order ranks split them. */
  private static final List<String> SPARSE_FILES =
      List.of(
          "model-000000-of-000004.safetensors",
          "model-000001-of-000004.safetensors",
          "model-000002-of-000004.safetensors",
          "model-000003-of-000004.safetensors",
          "tensorkey.json",
          "torch_rank_weights_embs_table_multi_shard.json");
  /** What only rank 0 writes: the dense graph folder and the meta step's {@code fg.json}. */
  private static final List<String> RANK0_ONLY =
      List.of(
          "fg.json",
          "fx_user_model/graph.txt",
          "fx_user_model/input_columns.json",
          "fx_user_model/inputs_dict.json",
          "fx_user_model/inputs_dict_lite.json",
          "fx_user_model/output_base.json",
          "fx_user_model/output_info.json",
          "fx_user_model/params_order.json",
          "fx_user_model/user_model.pt");

  @TempDir Path tmp;
  FeatureGenerator fg;
  SparseModel sparse;
  TinyModel dense;
  Path ckpt;
  Map<String, float[]> savedDense = new LinkedHashMap<>();

  static List<Map<String, Object>> samples(int n, long seed) {
    Random r = new Random(seed);
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
  void trainAndCheckpointIntoSeveralFiles() throws IOException {
    fg = TinyModel.fg();
    sparse = SparseModel.fromFg(fg);
    dense = new TinyModel();
    try (TensorScope s = TensorScope.open()) {
      sparse.forward(Batch.of(Schema.fromFg(fg), new ArrayList<>(samples(200, 1))));
    }
    ckpt = tmp.resolve("ckpt");
    SparseCheckpointWriter.writeShard(ckpt, new ArrayList<>(sparse.tables().values()), 0, 1, PARALLEL);
    SparseCheckpointWriter.mergeShards(ckpt, 1, List.<TensorSpec>of());
    // the saved dense state differs from the live parameters, so loading it is observable
    List<TensorEntry> state = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : dense.namedParameters().entrySet()) {
      float[] v = e.getValue().toFloatArray();
      for (int i = 0; i < v.length; i++) {
        v[i] += 0.01f;
      }
      savedDense.put(e.getKey(), v);
      state.add(TensorEntry.ofFloats("dense." + e.getKey(), e.getValue().shape(), v));
    }
    SafetensorsWriter.write(ckpt.resolve("dense.safetensors"), state);

    try (Stream<Path> s = Files.list(ckpt)) {
      assertThat(s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith("safetensors") || n.endsWith("json"))
              .filter(n -> !n.equals("dense.safetensors"))
              .sorted())
          .as("the checkpoint this test splits")
          .containsExactlyElementsOf(SPARSE_FILES);
    }
  }

  @AfterEach
  void close() {
    dense.close();
  }

  private ExportPlan.Builder plan(Path out) {
    Dataset ds = Dataset.inMemory(Schema.fromFg(fg), samples(64, 3)).batchSize(64).build();
    return ExportPlan.builder("TinyModel", sparse, dense, dense::forward, List.of("ctr", "cvr"))
        .dataset(ds)
        .ckptDir(ckpt)
        .exportDir(out)
        .environment(Map.of());
  }

  /** Round-robin: rank {@code r} of 2 copies the checkpoint files {@code i} with {@code i % 2 == r}. */
  private static List<String> sparseFilesOf(int rank) {
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < SPARSE_FILES.size(); i++) {
      if (i % 2 == rank) {
        mine.add(SPARSE_FILES.get(i));
      }
    }
    return mine;
  }

  /** What rank {@code r} of 2 stages on its own. */
  private static List<String> filesOf(int rank) {
    List<String> files = new ArrayList<>(sparseFilesOf(rank));
    if (rank == 0) {
      files.addAll(RANK0_ONLY);
    }
    return files;
  }

  @Test
  void twoRanksOnTwoThreadsPublishOneCompleteExport() throws Exception {
    Path out = tmp.resolve("export");
    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService workers = Executors.newFixedThreadPool(2);
    List<ExportResult> results = new ArrayList<>();
    try {
      List<Future<ExportResult>> futures = new ArrayList<>();
      for (int rank = 0; rank < 2; rank++) {
        ExportPlan p = plan(out).shardRank(rank).shardCount(2).build();
        futures.add(workers.submit(() -> {
          start.await(1, TimeUnit.MINUTES);
          return Exporter.export(p);
        }));
      }
      for (Future<ExportResult> f : futures) {
        results.add(f.get(5, TimeUnit.MINUTES));
      }
    } finally {
      workers.shutdownNow();
    }

    // exactly one rank (the last to finish) publishes; the other reports only what it staged
    assertThat(results).filteredOn(ExportResult::published).hasSize(1);
    int early = results.get(0).published() ? 1 : 0;
    assertThat(paths(results.get(early).files())).containsExactlyInAnyOrderElementsOf(filesOf(early));
    assertThat(results.get(0).maxAbsDiff()).containsOnlyKeys("ctr", "cvr");
    assertThat(results.get(1).maxAbsDiff()).isEmpty();
    ExportResult last = results.get(1 - early);
    assertThat(last.files()).isEqualTo(ExportManifest.read(out).files());

    assertPublishedShardedExport(out);
    assertSameAsSingleRankExport(out);
  }

  @ParameterizedTest(name = "rank {0} finishes first")
  @ValueSource(ints = {0, 1})
  void ranksRunOneAfterTheOtherInEitherOrderPublishOneCompleteExport(int first) throws IOException {
    Path out = tmp.resolve("export");
    int second = 1 - first;

    ExportResult a = Exporter.export(plan(out).shardRank(first).shardCount(2).build());
    assertThat(a.published()).isFalse();
    assertThat(out).doesNotExist();
    assertThat(paths(a.files())).containsExactlyInAnyOrderElementsOf(filesOf(first));
    // the finished part waits beside exportDir holding this rank's files and nothing else
    Path part = onlyPart(first);
    assertThat(filesUnder(part))
        .containsExactlyInAnyOrderElementsOf(with(filesOf(first), ExportManifest.FILE_NAME));
    for (String f : sparseFilesOf(first)) {
      assertThat(part.resolve(f)).hasSameBinaryContentAs(ckpt.resolve(f));
    }
    if (first == 1) {
      // rank 1 neither loads the dense state nor traces: the live parameters are untouched
      assertThat(a.maxAbsDiff()).isEmpty();
      assertThat(dense.namedParameters().get("head.weight").toFloatArray())
          .isNotEqualTo(savedDense.get("head.weight"));
    } else {
      assertThat(a.maxAbsDiff()).containsOnlyKeys("ctr", "cvr");
    }

    ExportResult b = Exporter.export(plan(out).shardRank(second).shardCount(2).build());
    assertThat(b.published()).isTrue();
    assertThat(b.files()).isEqualTo(ExportManifest.read(out).files());
    assertThat(part).doesNotExist();

    assertPublishedShardedExport(out);
    assertSameAsSingleRankExport(out);
  }

  private void assertPublishedShardedExport(Path out) throws IOException {
    ExportManifest m = ExportManifest.verify(out);
    assertThat(m.shardCount()).isEqualTo(2);
    // every sparse file exactly once, plus rank 0's dense folder and meta, and nothing else
    List<String> expected = new ArrayList<>(SPARSE_FILES);
    expected.addAll(RANK0_ONLY);
    assertThat(paths(m.files())).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    assertThat(filesUnder(out))
        .containsExactlyInAnyOrderElementsOf(with(expected, ExportManifest.FILE_NAME));
    for (String f : SPARSE_FILES) {
      assertThat(out.resolve(f)).hasSameBinaryContentAs(ckpt.resolve(f));
    }
    ExportPipelineTest.assertRecisSchemas(out, 64);
    // no staging folder, part or assembly left beside the export
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains("recship-tmp") || n.contains("recship-part")
              || n.contains("recship-old"));
    }
    // rank 0 loaded the saved dense state before tracing
    assertThat(dense.namedParameters().get("head.weight").toFloatArray())
        .containsExactly(savedDense.get("head.weight"));

    List<Map<String, Object>> probe = samples(40, 2);
    Map<String, Object> unseen = new HashMap<>(probe.get(0));
    unseen.put("user_id", "never-seen");
    probe.add(unseen);
    Map<String, float[]> expectedScores = eager(probe);
    try (ExportedModel model = ExportedModel.load(out)) {
      Map<String, float[]> got = model.score(probe);
      for (String name : List.of("ctr", "cvr")) {
        assertThat(got.get(name)).hasSize(probe.size());
        for (int i = 0; i < probe.size(); i++) {
          assertThat(got.get(name)[i]).as("%s row %d", name, i)
              .isCloseTo(expectedScores.get(name)[i], within(1e-5f));
        }
      }
    }
  }

  /**
   * A single-rank export of the same plan has the same files with the same bytes; its manifest
   * differs only in {@code createdAt} and {@code shardCount} (how many ranks contributed).
   */
  private void assertSameAsSingleRankExport(Path sharded) throws IOException {
    Path single = tmp.resolve("export-single");
    ExportResult r = Exporter.export(plan(single).shardRank(0).shardCount(1).build());
    assertThat(r.published()).isTrue();
    List<String> files = filesUnder(single);
    assertThat(filesUnder(sharded)).containsExactlyInAnyOrderElementsOf(files);
    for (String f : files) {
      if (!f.equals(ExportManifest.FILE_NAME)) {
        assertThat(sharded.resolve(f)).as(f).hasSameBinaryContentAs(single.resolve(f));
      }
    }
    ObjectNode a = (ObjectNode) JSON.readTree(sharded.resolve(ExportManifest.FILE_NAME).toFile());
    ObjectNode b = (ObjectNode) JSON.readTree(single.resolve(ExportManifest.FILE_NAME).toFile());
    assertThat(a.get("shardCount").asInt()).isEqualTo(2);
    assertThat(b.get("shardCount").asInt()).isEqualTo(1);
    for (ObjectNode n : List.of(a, b)) {
      assertThat(n.remove("createdAt")).isNotNull();
      n.remove("shardCount");
    }
    assertThat(a).isEqualTo(b);
  }

  /** The training-side forward: sparse arch in eval mode, then the dense net. */
  private Map<String, float[]> eager(List<Map<String, Object>> data) {
    sparse.eval();
    try (TensorScope s = TensorScope.open()) {
      List<Tensor> outs =
          dense.forward(sparse.forward(Batch.of(Schema.fromFg(fg), new ArrayList<>(data))).blocks());
      return Map.of("ctr", outs.get(0).toFloatArray(), "cvr", outs.get(1).toFloatArray());
    } finally {
      sparse.train();
    }
  }

  @Test
  void filterModeTracesWithTheCheckpointsRowsNotTheTablesOfTheModelPassedIn() throws IOException {
    SparseModel fresh = SparseModel.fromFg(fg); // an export job that never loaded the checkpoint
    List<Map<String, Object>> rows = samples(64, 3);
    Dataset ds = Dataset.inMemory(Schema.fromFg(fg), rows).batchSize(64).build();
    Path out = tmp.resolve("export");
    Exporter.export(ExportPlan.builder("TinyModel", fresh, dense, dense::forward, List.of("ctr", "cvr"))
        .dataset(ds).ckptDir(ckpt).exportDir(out).environment(Map.of()).filterSparseOpt(true).build());

    // the sample holds what the checkpoint's tables (the model it was written from) give
    com.fasterxml.jackson.databind.JsonNode inputs =
        new ObjectMapper().readTree(out.resolve("fx_user_model/inputs_dict.json").toFile());
    sparse.eval();
    try (TensorScope s = TensorScope.open()) {
      var expected = sparse.forward(Batch.of(Schema.fromFg(fg), new ArrayList<>(rows))).blocks();
      for (String block : List.of("user", "item")) {
        float[] want = expected.get(block).toFloatArray();
        List<Float> got = new ArrayList<>();
        inputs.get(block).get("values").forEach(r -> r.forEach(v -> got.add((float) v.asDouble())));
        assertThat(got).as(block).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
          assertThat(got.get(i)).as("%s value %d", block, i).isEqualTo(want[i]);
        }
        assertThat(got).as("a sample of real rows, not zeros").anySatisfy(v -> assertThat(v).isNotZero());
      }
    } finally {
      sparse.train();
    }
    assertThat(fresh.tables().values()).as("the model passed in is not touched")
        .allSatisfy(t -> assertThat(t.size()).isZero());
  }

  @Test
  void filterModeRefusesACheckpointWhoseTableDimsDifferFromTheFg() throws IOException {
    // same block widths (user 2 + 4 = 6), so the dense state loads; the tables do not match
    String changed = Files.readString(Path.of("src/test/resources/io/recship/export/fg.json"))
        .replace("\"embedding_dimension\": 4, \"x_team_note\"", "\"embedding_dimension\": 2, \"x_team_note\"")
        .replace("\"hash_bucket_size\": 10,\n     \"gen_val_type\": \"lookup\", \"embedding_dimension\": 2",
            "\"hash_bucket_size\": 10,\n     \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4");
    FeatureGenerator other = FeatureGenerator.load(new io.recship.fg.ConfigSource("fg.json", changed),
        io.recship.fg.ConfigSource.read(Path.of("src/test/resources/io/recship/export/mc.json")),
        io.recship.fg.FgOptions.DEFAULT);
    assertThat(other.feature("user_id").embeddingDimension()).isEqualTo(2);
    SparseModel model = SparseModel.fromFg(other);
    Dataset ds = Dataset.inMemory(Schema.fromFg(other), samples(64, 3)).batchSize(64).build();
    Path out = tmp.resolve("export");
    assertThatThrownBy(() -> Exporter.export(
            ExportPlan.builder("TinyModel", model, dense, dense::forward, List.of("ctr", "cvr"))
                .dataset(ds).ckptDir(ckpt).exportDir(out).environment(Map.of()).filterSparseOpt(true).build()))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("table 'gender' has dim 2 but the FG gives it embedding_dimension 4")
        .hasMessageContaining("export with the fg.json the checkpoint was trained with");
    assertThat(out).doesNotExist();
  }

  @Test
  void aDatasetOfOneSampleIsNamedAsSuchNotAsTooSmallABatchSize() {
    Dataset one = Dataset.inMemory(Schema.fromFg(fg), samples(1, 3)).batchSize(64).build();
    Path out = tmp.resolve("export");
    assertThatThrownBy(() -> Exporter.export(plan(out).dataset(one).build()))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("the first dataset batch has 1 although the batch size is 64: the"
            + " dataset holds fewer samples than that; export with a dataset of 2 or more samples");
    assertThat(out).doesNotExist();
  }

  @Test
  void filteredShardedExportEqualsTheFilteredSingleRankExport() throws IOException {
    Path out = tmp.resolve("export");
    ExportResult one = Exporter.export(plan(out).filterSparseOpt(true).shardRank(1).shardCount(2).build());
    // filter mode rewrites only the tables; rank 0 writes the table manifests (and index)
    assertThat(paths(one.files())).containsExactlyInAnyOrder(
        "model-000001-of-000004.safetensors", "model-000003-of-000004.safetensors");
    assertThat(Exporter.export(plan(out).filterSparseOpt(true).shardRank(0).shardCount(2).build())
            .published())
        .isTrue();
    ExportManifest.verify(out);
    assertThat(Files.readString(out.resolve("tensorkey.json"))).doesNotContain("sparse_adamw");

    Path single = tmp.resolve("export-single");
    Exporter.export(plan(single).filterSparseOpt(true).shardRank(0).shardCount(1).build());
    List<String> files = filesUnder(single);
    assertThat(files).contains("index", "model-000000-of-000004.safetensors");
    assertThat(filesUnder(out)).containsExactlyInAnyOrderElementsOf(files);
    for (String f : files) {
      if (!f.equals(ExportManifest.FILE_NAME)) {
        assertThat(out.resolve(f)).as(f).hasSameBinaryContentAs(single.resolve(f));
      }
    }
  }

  @Test
  void shardRankAndCountDefaultToRankAndWorldSizeFromTheEnvironment() {
    Path out = tmp.resolve("export");
    ExportPlan fromEnv =
        plan(out).environment(Map.of("RANK", "1", "WORLD_SIZE", "2")).build();
    assertThat(fromEnv.shardRank()).isEqualTo(1);
    assertThat(fromEnv.shardCount()).isEqualTo(2);

    ExportPlan unset = plan(out).environment(Map.of()).build();
    assertThat(unset.shardRank()).isZero();
    assertThat(unset.shardCount()).isEqualTo(1);

    ExportPlan explicit = plan(out).environment(Map.of("RANK", "1", "WORLD_SIZE", "2"))
        .shardRank(2).shardCount(3).build();
    assertThat(explicit.shardRank()).isEqualTo(2);
    assertThat(explicit.shardCount()).isEqualTo(3);

    assertThatThrownBy(() -> plan(out).environment(Map.of("RANK", "2", "WORLD_SIZE", "2")).build())
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("shardRank is 2 but shardCount is 2")
        .hasMessageContaining("check RANK/WORLD_SIZE");
    assertThatThrownBy(() -> plan(out).environment(Map.of("RANK", "0", "WORLD_SIZE", "two")).build())
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("WORLD_SIZE='two' is not an integer")
        .hasMessageContaining(".shardCount(n)");
  }

  @Test
  void ranksFromTheEnvironmentSplitTheExportLikeExplicitRanks() throws IOException {
    Path out = tmp.resolve("export");
    ExportResult one =
        Exporter.export(plan(out).environment(Map.of("RANK", "1", "WORLD_SIZE", "2")).build());
    assertThat(one.published()).isFalse();
    assertThat(paths(one.files())).containsExactlyInAnyOrderElementsOf(filesOf(1));
    ExportResult zero =
        Exporter.export(plan(out).environment(Map.of("RANK", "0", "WORLD_SIZE", "2")).build());
    assertThat(zero.published()).isTrue();
    assertPublishedShardedExport(out);
  }

  private Path onlyPart(int rank) throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      List<Path> parts = s.filter(p -> p.getFileName().toString().startsWith(".export.recship-part-"))
          .toList();
      assertThat(parts).hasSize(1);
      assertThat(parts.get(0).getFileName().toString()).endsWith("-r" + rank + "-of-2");
      return parts.get(0);
    }
  }

  private static List<String> filesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"))
          .toList();
    }
  }

  private static List<String> paths(List<ExportedFile> files) {
    return files.stream().map(ExportedFile::path).toList();
  }

  private static List<String> with(List<String> files, String extra) {
    List<String> all = new ArrayList<>(files);
    all.add(extra);
    return all;
  }
}
