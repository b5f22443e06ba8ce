package io.recship.export;

import io.recship.checkpoint.CheckpointException;
import io.recship.checkpoint.RecisLayout;
import io.recship.checkpoint.SparseCheckpointReader;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.ResolvedFeature;
import io.recship.lock.LockFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before anything is written, that a sparse checkpoint holds what the FG looks up and the
 * metadata files the delivery needs, in both export modes. Reads only the {@code index}, the two
 * small JSON files and the {@code *.safetensors} headers, never table data, so copy mode stays a
 * streaming copy whatever the tables' size.
 */
final class CheckpointCheck {
  private static final Logger log = LoggerFactory.getLogger(CheckpointCheck.class);

  private CheckpointCheck() {}

  /** The fix for a checkpoint that is not what a finished save writes. */
  static final String SAVE_AGAIN =
      "check that ckptDir is the checkpoint folder the training saved this model to, or save the"
          + " checkpoint again from training";

  /**
   * Every check, in order: the metadata files ({@link SparseExport#TABLE_MANIFESTS}) exist and
   * the JSON ones parse; the index and every data file it lists agree (the checkpoint reader's
   * header checks: ids int64 [n], slots float32 [n, dim], an id tensor for every part); no data
   * file outside the index; every table the FG looks up is there with the FG's dimension.
   *
   * @throws ExportException (step prepare) naming the checkpoint file, the table and feature, and
   *     the fix
   */
  static void check(Path ckptDir, FeatureGenerator fg) {
    String saver = LockFile.liveHolder(ckptDir.resolve(RecisLayout.SAVE_LOCK_FILE));
    if (saver != null) {
      // mid-save the folder holds part of the old checkpoint and part of the new one
      throw new ExportException(
          ExportException.Step.PREPARE,
          "a save is writing to checkpoint " + ckptDir + " right now (" + saver + "; lock file "
              + ckptDir.resolve(RecisLayout.SAVE_LOCK_FILE) + "); nothing was exported: wait for"
              + " that save to finish, then export");
    }
    for (String name : SparseExport.TABLE_MANIFESTS) {
      Path f = ckptDir.resolve(name);
      if (!Files.isRegularFile(f)) {
        throw new ExportException(
            ExportException.Step.PREPARE,
            "checkpoint file " + f + " is missing (" + purpose(name) + "); a finished checkpoint"
                + " save writes " + String.join(", ", SparseExport.TABLE_MANIFESTS) + " beside its"
                + " *.safetensors files: " + SAVE_AGAIN);
      }
      if (name.endsWith(".json")) {
        SparseExport.readManifest(f, ExportException.Step.PREPARE);
      }
    }
    try (SparseCheckpointReader ckpt = SparseCheckpointReader.open(ckptDir)) {
      unlistedDataFiles(ckpt);
      tables(ckpt, fg, ExportException.Step.PREPARE);
      Set<String> unused = new TreeSet<>(ckpt.tables());
      unused.removeAll(lookups(fg).keySet());
      if (!unused.isEmpty()) {
        log.warn("checkpoint {}: tables {} are not looked up by the FG; exported as they are", ckptDir, unused);
      }
    } catch (CheckpointException e) {
      throw inconsistent(ckptDir, fg, e);
    }
  }

  /**
   * Every table the FG looks up is in {@code ckpt} with the FG's {@code embedding_dimension},
   * tables in name order; every dimension that differs is named in one message. Tables the FG
   * does not use are left to the caller.
   */
  static void tables(SparseCheckpointReader ckpt, FeatureGenerator fg, ExportException.Step step) {
    Path dir = ckpt.dir();
    Map<String, List<ResolvedFeature>> byTable = new TreeMap<>(lookups(fg));
    List<String> dims = new ArrayList<>();
    for (Map.Entry<String, List<ResolvedFeature>> e : byTable.entrySet()) {
      String table = e.getKey();
      int dim = e.getValue().get(0).embeddingDimension();
      if (!ckpt.hasTable(table)) {
        throw new ExportException(
            step,
            "checkpoint " + dir + " has no table '" + table + "', which the FG looks up for "
                + features(e.getValue()) + ": no " + table + ".id/part_* or " + table
                + ".embedding/part_* tensor in its index or data files " + dataFiles(ckpt)
                + " (it has tables " + ckpt.tables() + "); export from the checkpoint this FG was"
                + " trained with: " + SAVE_AGAIN);
      }
      if (ckpt.dim(table) != dim) {
        dims.add("table '" + table + "' has dim " + ckpt.dim(table)
            + " but the FG gives it embedding_dimension " + dim + " (" + features(e.getValue())
            + "; tensor '" + ckpt.keyOf(table, RecisLayout.EMBEDDING_SLOT) + "' in "
            + ckpt.fileOf(table) + ")");
      }
    }
    if (!dims.isEmpty()) {
      throw new ExportException(
          step,
          "checkpoint " + dir + ": " + String.join("; ", dims) + "; export with the fg.json the"
              + " checkpoint was trained with, or, if this is that fg.json, the checkpoint is"
              + " damaged: " + SAVE_AGAIN);
    }
  }

  /** Lookup features by table ({@code shared_name}), in FG order. */
  static Map<String, List<ResolvedFeature>> lookups(FeatureGenerator fg) {
    Map<String, List<ResolvedFeature>> byTable = new LinkedHashMap<>();
    for (ResolvedFeature f : fg.features()) {
      if (f.isLookup()) {
        byTable.computeIfAbsent(f.sharedName(), t -> new ArrayList<>()).add(f);
      }
    }
    return byTable;
  }

  /** {@code feature 'a'} or {@code features 'a', 'b'}. */
  static String features(List<ResolvedFeature> fs) {
    List<String> names = fs.stream().map(f -> "'" + f.name() + "'").toList();
    return (names.size() == 1 ? "feature " : "features ") + String.join(", ", names);
  }

  private static List<String> dataFiles(SparseCheckpointReader ckpt) {
    return ckpt.dataFiles().stream().map(p -> p.getFileName().toString()).sorted().toList();
  }

  /**
   * A {@code *.safetensors} file the index does not list is left from another save; copy mode
   * would ship it beside the listed ones, and a loader reading every data file would mix them.
   */
  private static void unlistedDataFiles(SparseCheckpointReader ckpt) {
    Set<String> listed = new HashSet<>(dataFiles(ckpt));
    List<String> extra;
    try (Stream<Path> s = Files.list(ckpt.dir())) {
      extra =
          s.filter(Files::isRegularFile)
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith("safetensors") && !n.equals(RecisLayout.DENSE_FILE))
              .filter(n -> !listed.contains(n))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.PREPARE, "cannot list checkpoint folder " + ckpt.dir() + " (" + e + ")", e);
    }
    if (!extra.isEmpty()) {
      throw new ExportException(
          ExportException.Step.PREPARE,
          "checkpoint " + ckpt.dir() + ": data file(s) " + extra + " are not listed in its index"
              + " (which lists " + listed.stream().sorted().toList() + "), so they are left from"
              + " another save and the export would ship them beside this one's tables; save the"
              + " checkpoint again into an empty folder, or remove those files if this save is"
              + " the one to export");
    }
  }

  /** The reader's message names the file, the tensor and the fix: keep it, add the FG's view. */
  private static ExportException inconsistent(Path ckptDir, FeatureGenerator fg, CheckpointException e) {
    String context = "";
    if (e.key() != null) {
      RecisLayout.Key k = RecisLayout.parseKey(e.key());
      List<ResolvedFeature> fs = k == null ? null : lookups(fg).get(k.sharedName());
      if (fs != null) {
        context = " (table '" + k.sharedName() + "', looked up by " + features(fs) + ")";
      }
    }
    return new ExportException(
        ExportException.Step.PREPARE,
        "checkpoint " + ckptDir + " is inconsistent" + context + ": " + e.getMessage()
            + (e.getMessage().contains("Fix:") ? "" : "; " + SAVE_AGAIN),
        e);
  }

  private static String purpose(String name) {
    return switch (name) {
      case RecisLayout.INDEX -> "the checkpoint index, which maps every tensor to its data file";
      case RecisLayout.TENSOR_KEY_JSON -> "RecIS' key map, which the export delivers";
      default -> "the RTP table manifest, which the export delivers and RTP builds its tables from";
    };
  }
}
