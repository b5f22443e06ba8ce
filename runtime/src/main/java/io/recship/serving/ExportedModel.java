package io.recship.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recship.checkpoint.CheckpointException;
import io.recship.checkpoint.RecisLayout;
import io.recship.checkpoint.SafeDType;
import io.recship.checkpoint.SafetensorsReader;
import io.recship.checkpoint.TensorInfo;
import io.recship.data.Batch;
import io.recship.data.Schema;
import io.recship.export.ExportException;
import io.recship.export.ExportManifest;
import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgConfigException;
import io.recship.fg.FgOptions;
import io.recship.json.JsonProblems;
import io.recship.sparse.EmbeddingTable;
import io.recship.sparse.SparseModel;
import io.recship.tensor.Blocks;
import io.recship.tensor.TensorScope;
import io.recship.torchscript.ScriptModel;
import io.recship.torchscript.TorchScriptException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores raw samples with an export folder, as RTP would: the manifest is verified (size and
 * SHA-256 of every file), the FG ({@code fg.json} + {@code input_columns.json}) turns samples
 * into ids through the same code as training ({@link SparseModel} in eval mode), the exported
 * tables give the embeddings (an unknown id gives a zero row, like an online hash-table miss),
 * and the TorchScript archive computes the outputs.
 *
 * <p>Thread-safe: after {@link #load} nothing is mutated (the sparse model is in eval mode, so
 * lookups only read the tables; the TorchScript module is only read), and every call works in its
 * own tensor scope. {@link #close()} frees the native module and waits for running calls.
 */
public final class ExportedModel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExportedModel.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final FeatureGenerator fg;
  private final Schema schema;
  private final SparseModel sparse;
  private final ScriptModel script;
  private volatile boolean closed;
  private final List<String> inputNames;
  private final List<String> outputNames;

  private ExportedModel(
      Path dir,
      FeatureGenerator fg,
      SparseModel sparse,
      ScriptModel script,
      List<String> inputNames,
      List<String> outputNames) {
    this.dir = dir;
    this.fg = fg;
    this.schema = Schema.fromFg(fg);
    this.sparse = sparse;
    this.script = script;
    this.inputNames = List.copyOf(inputNames);
    this.outputNames = List.copyOf(outputNames);
  }

  /**
   * Verifies and loads an export folder. The manifest decides what belongs to the export: the
   * dense folder, the TorchScript archive and the table files are the ones it lists; anything
   * else in the folder (a backup {@code *.pt}, an old dense folder, another {@code
   * *.safetensors}) is not part of the export and is ignored, with a warning in the log.
   *
   * @throws ExportException (step "load export") naming the file at fault: a missing or tampered
   *     file, a malformed JSON file, an archive libtorch rejects
   */
  public static ExportedModel load(Path dir) {
    ExportManifest manifest = ExportManifest.verify(dir);
    warnUnlisted(dir, manifest);
    Path fx = dir.resolve(manifest.denseFolder());
    FeatureGenerator fg = featureGenerator(dir, fx);
    List<String> outputs = new ArrayList<>();
    for (JsonNode n : readJson(fx.resolve("output_info.json")).path("OutputNodes")) {
      outputs.add(n.path("OutputNodeName").asText());
    }
    List<String> inputs = new ArrayList<>();
    for (JsonNode n : readJson(fx.resolve("params_order.json"))) {
      inputs.add(n.asText());
    }
    if (outputs.isEmpty() || inputs.isEmpty()) {
      throw new ExportException(
          ExportException.Step.LOAD,
          fx + ": output_info.json or params_order.json lists nothing; export again");
    }
    SparseModel sparse = SparseModel.fromFg(fg).eval();
    long rows = loadTables(dir, sparse, manifest);
    Path archive = dir.resolve(manifest.archive());
    ScriptModel script;
    try {
      script = ScriptModel.load(archive);
    } catch (TorchScriptException e) {
      throw new ExportException(
          ExportException.Step.LOAD, "libtorch cannot load " + archive + ": " + e.getMessage(), e);
    }
    log.info(
        "loaded export {}: {} table rows, inputs {}, outputs {}", dir, rows, inputs, outputs);
    return new ExportedModel(dir, fg, sparse, script, inputs, outputs);
  }

  public Path dir() {
    return dir;
  }

  /** The FG the export carries. */
  public FeatureGenerator featureGenerator() {
    return fg;
  }

  /** The dense graph's inputs (block names) in argument order. */
  public List<String> inputNames() {
    return inputNames;
  }

  /** Output names in {@code output_info.json} order. */
  public List<String> outputNames() {
    return outputNames;
  }

  /**
   * Scores raw samples (column name to value, as in a JSONL line: a string/number, a list for
   * multi-value features, a list of steps for sequences).
   *
   * @return output name to its values, row-major ({@code [B, width]} flattened)
   */
  public Map<String, float[]> score(List<? extends Map<String, ?>> samples) {
    checkOpen();
    Batch batch;
    try {
      batch = Batch.of(schema, samples);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot read the samples: " + e.getMessage(), e);
    }
    return score(batch);
  }

  /** Scores a batch read by {@code io.recship.data}. */
  public Map<String, float[]> score(Batch batch) {
    checkOpen();
    if (batch.size() == 0) {
      return emptyResult();
    }
    try (TensorScope scope = TensorScope.open();
        NDManager results = NDManager.newBaseManager("PyTorch")) {
      Blocks blocks = sparse.forward(batch).blocks();
      List<NDArray> args = new ArrayList<>(inputNames.size());
      for (String name : inputNames) {
        args.add(blocks.get(name).toNDArray());
      }
      NDList out = script.forward(results, args);
      Map<String, float[]> scores = new LinkedHashMap<>();
      for (int i = 0; i < outputNames.size(); i++) {
        scores.put(outputNames.get(i), out.get(i).toFloatArray());
      }
      return scores;
    }
  }

  private Map<String, float[]> emptyResult() {
    Map<String, float[]> m = new LinkedHashMap<>();
    outputNames.forEach(n -> m.put(n, new float[0]));
    return m;
  }

  /** Checked first, so a closed model fails the same way for every batch, empty or not. */
  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed; load the export again with"
          + " ExportedModel.load(dir)");
    }
  }

  @Override
  public void close() {
    closed = true;
    script.close();
  }

  @Override
  public String toString() {
    return "ExportedModel[" + dir + ", outputs " + outputNames + "]";
  }

  private static void warnUnlisted(Path dir, ExportManifest manifest) {
    try {
      List<String> unlisted = manifest.unlistedIn(dir);
      if (!unlisted.isEmpty()) {
        log.warn("{} in {} not listed in {}, so not part of the export, ignored: {}",
            ExportManifest.countUnlisted(unlisted), dir, ExportManifest.FILE_NAME,
            ExportManifest.nameUnlisted(unlisted));
      }
    } catch (IOException e) {
      log.warn("cannot list {} to find files {} does not list: {}", dir, ExportManifest.FILE_NAME, e.toString());
    }
  }

  private static FeatureGenerator featureGenerator(Path dir, Path fx) {
    try {
      return FeatureGenerator.load(
          ConfigSource.read(dir.resolve("fg.json")),
          ConfigSource.read(fx.resolve("input_columns.json")),
          FgOptions.DEFAULT);
    } catch (FgConfigException e) {
      throw new ExportException(
          ExportException.Step.LOAD,
          "the export's fg.json / input_columns.json do not load: " + e.getMessage(),
          e);
    }
  }

  private static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      // the manifest was verified, so the file is as the export wrote it
      throw new ExportException(
          ExportException.Step.LOAD, JsonProblems.describe(file, e) + "; export again", e);
    } catch (IOException e) {
      throw new ExportException(ExportException.Step.LOAD, "cannot read " + file + " (" + e + ")", e);
    }
  }

  /**
   * Puts every {@code id}/{@code embedding} pair of the export's {@code *.safetensors} (the ones
   * its manifest lists) into the
   * sparse model's tables. Works for both export modes: a copy-mode export has no {@code index}
   * (RecIS copies only {@code *.safetensors} and {@code *.json}), so the files' headers are the
   * index; optimizer slots a copy-mode export keeps are skipped. Every table the FG looks up must
   * be there with the FG's dimension: a missing one would score its features as all zeros.
   */
  private static long loadTables(Path dir, SparseModel sparse, ExportManifest manifest) {
    List<Path> files = manifest.files().stream()
        .map(f -> f.path())
        .filter(p -> p.indexOf('/') < 0 && p.endsWith(".safetensors"))
        .sorted()
        .map(dir::resolve)
        .toList();
    Map<String, TensorInfo> ids = new LinkedHashMap<>();
    Map<String, Path> where = new LinkedHashMap<>();
    Map<String, TensorInfo> embs = new LinkedHashMap<>();
    for (Path f : files) {
      for (TensorInfo t : header(f)) {
        RecisLayout.Key k = RecisLayout.parseKey(t.name());
        if (k == null) {
          continue;
        }
        String part = k.sharedName() + "/part_" + k.shard() + "_" + k.shardNum();
        if (k.slot().equals(RecisLayout.ID_SLOT)) {
          ids.put(part, t);
          where.put(t.name(), f);
        } else if (k.slot().equals(RecisLayout.EMBEDDING_SLOT)) {
          embs.put(part, t);
          where.put(t.name(), f);
        }
      }
    }
    List<String> held = new ArrayList<>();
    embs.keySet().forEach(k -> held.add(k.substring(0, k.indexOf("/part_"))));
    for (String table : sparse.tables().keySet()) {
      if (!held.contains(table)) {
        String users = features(sparse, table);
        throw new ExportException(
            ExportException.Step.LOAD,
            "fg.json looks up table '" + table + "' for " + users + ", but no *.safetensors file"
                + " of " + dir + " " + files.stream().map(p -> p.getFileName().toString()).toList()
                + " holds " + table + ".embedding/part_*; scoring would treat "
                + (users.startsWith("features") ? "these features" : "this feature")
                + " as all zeros; " + madeFrom());
      }
    }
    long rows = 0;
    for (Map.Entry<String, TensorInfo> e : embs.entrySet()) {
      String table = e.getKey().substring(0, e.getKey().indexOf("/part_"));
      TensorInfo emb = e.getValue();
      TensorInfo id = ids.get(e.getKey());
      if (id == null) {
        throw new ExportException(
            ExportException.Step.LOAD,
            "table '" + table + "' in " + where.get(emb.name()) + " has " + emb.name() + " but no"
                + " matching id tensor " + table + ".id/" + e.getKey().substring(table.length() + 1)
                + " in any *.safetensors file; " + madeFrom());
      }
      if (!sparse.tables().containsKey(table)) {
        log.warn("export table '{}' is not used by the export's FG; skipped", table);
        continue;
      }
      EmbeddingTable t = sparse.table(table);
      if (emb.rank() != 2 || emb.dim(1) != t.dim() || id.dim(0) != emb.dim(0)) {
        throw new ExportException(
            ExportException.Step.LOAD,
            "table '" + table + "' in " + where.get(emb.name()) + " is " + emb + " with " + id
                + ", but fg.json gives it dimension " + t.dim() + " (" + features(sparse, table)
                + "); the export is inconsistent: "
                + madeFrom());
      }
      rows += readInto(t, where.get(id.name()), id, where.get(emb.name()), emb);
    }
    return rows;
  }

  /** {@code feature 'a'} / {@code features 'a', 'b'}: the FG's features looking up {@code table}. */
  private static String features(SparseModel sparse, String table) {
    List<String> names = sparse.featureGenerator().features().stream()
        .filter(f -> f.isLookup() && f.sharedName().equals(table))
        .map(f -> "'" + f.name() + "'")
        .toList();
    return (names.size() == 1 ? "feature " : "features ") + String.join(", ", names);
  }

  /**
   * Where a table problem comes from, and its fix. Only files the verified manifest lists are
   * read, so they are as the export wrote them: the checkpoint the export was made from was
   * already inconsistent, and exporting it again would copy the same problem.
   */
  private static String madeFrom() {
    return "the export's files match " + ExportManifest.FILE_NAME + ", so the checkpoint it was"
        + " exported from was already inconsistent with fg.json, and exporting that checkpoint"
        + " again gives the same result: export from a checkpoint saved by training with this"
        + " fg.json (the export now refuses such a checkpoint)";
  }

  private static long readInto(EmbeddingTable t, Path idFile, TensorInfo id, Path embFile, TensorInfo emb) {
    try (SafetensorsReader idr = SafetensorsReader.open(idFile);
        SafetensorsReader er = SafetensorsReader.open(embFile)) {
      long[] idv = idr.readLongs(id.name());
      int dim = t.dim();
      float[] row = new float[dim];
      int[] next = {0};
      er.readRows(
          emb.name(),
          SafeDType.F32,
          dim,
          (ByteBuffer chunk) -> {
            var fb = chunk.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            while (fb.remaining() >= dim) {
              fb.get(row);
              t.put(idv[next[0]++], row);
            }
          });
      return idv.length;
    } catch (CheckpointException e) {
      throw new ExportException(
          ExportException.Step.LOAD, "cannot read table '" + t.sharedName() + "': " + e.getMessage(), e);
    }
  }

  private static List<TensorInfo> header(Path f) {
    try {
      return SafetensorsReader.headerOf(f);
    } catch (CheckpointException e) {
      throw new ExportException(ExportException.Step.LOAD, "cannot read " + f + ": " + e.getMessage(), e);
    }
  }
}
