package io.recship.export;

import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgWriter;
import io.recship.nn.Module;
import io.recship.tensor.Blocks;
import io.recship.tensor.TensorScope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an export ({@link Exporter#export} validates the plan and calls this): RecIS' {@code Exporter.export()} steps (prepare, export sparse, export dense,
 * export meta) into a staging folder beside {@code exportDir}, then the manifest and an atomic
 * publish. A failure at any step, or a kill, publishes nothing: {@code exportDir} is either
 * absent, the previous export, or the complete new one.
 */
final class ExportRun {
  private static final Logger log = LoggerFactory.getLogger(ExportRun.class);

  /** {@code fg.json}, written by {@code export meta}. */
  static final String FG_JSON = "fg.json";

  private ExportRun() {}

  static ExportResult run(ExportJob plan) {
    Map<String, Duration> timings = new LinkedHashMap<>();
    boolean rank0 = plan.shardRank() == 0;
    log.info("exporting {}", plan);
    try (ExportPublisher pub =
        ExportPublisher.open(
            plan.exportDir(), plan.shardRank(), plan.shardCount(), plan.overwrite(), runKey(plan))) {
      Path staging = pub.staging();

      long t0 = System.nanoTime();
      FeatureGenerator fg = plan.fg();
      DeclaredConfigCheck.check(plan.modelName(), plan.declaredConfig(), fg);
      List<Path> all = SparseExport.checkpointFiles(plan.ckptDir());
      List<Path> mine = SparseExport.ownedBy(all, plan.shardRank(), plan.shardCount());
      SparseExport.validate(mine);
      CheckpointCheck.check(plan.ckptDir(), fg);
      if (rank0) {
        prepareDense(plan);
      }
      t0 = step(timings, "prepare", t0);

      long bytes =
          plan.filterSparseOpt()
              ? SparseExport.filter(mine, staging, pub.hashes())
              : SparseExport.copy(mine, staging, pub.hashes());
      if (plan.filterSparseOpt() && rank0) {
        SparseExport.writeFilteredManifests(plan.ckptDir(), staging);
      }
      log.info(
          "export sparse: {} {} of {} checkpoint files ({} MiB){}",
          plan.filterSparseOpt() ? "filtered" : "copied",
          mine.size(),
          all.size(),
          bytes >> 20,
          plan.shardCount() > 1 ? " as rank " + plan.shardRank() + " of " + plan.shardCount() : "");
      t0 = step(timings, "export sparse", t0);

      Map<String, Double> diffs = Map.of();
      if (rank0) {
        diffs = exportDense(plan, fg, staging);
        t0 = step(timings, "export dense", t0);
        writeFg(fg, staging);
        log.info("export meta: wrote {}", FG_JSON);
        t0 = step(timings, "export meta", t0);
      }

      ExportPublisher.Outcome outcome = pub.publish(plan.modelName());
      step(timings, "publish", t0);
      List<String> reused = pub.hashes().reusedDigests();
      if (outcome.published()) {
        // in filter mode every table is rewritten, so no checkpoint digest applies: say nothing then
        log.info("published {} ({} files{})", pub.exportDir(), outcome.files().size(), reused.isEmpty() ? ""
            : ", " + reused.size() + " hashed once, when the checkpoint was written");
      }
      return new ExportResult(
          pub.exportDir(), outcome.published(), outcome.files(), timings, diffs, reused);
    }
  }

  private static void prepareDense(ExportJob plan) {
    Module dense = plan.dense();
    DenseState.load(plan.ckptDir(), dense, plan.outputNames());
    if (plan.denseOptimizer() != null) {
      plan.denseOptimizer().zeroGrad();
    }
    List<String> nonZero = dense.nonZeroGradNames();
    if (!nonZero.isEmpty()) {
      throw new ExportException(
          ExportException.Step.PREPARE,
          "model needs zero grad before export: parameters " + nonZero
              + " of the dense model hold non-zero gradients. Pass the dense optimizer with"
              + " .denseOptimizer(opt), or call dense.zeroGrad() before exporting");
    }
    log.info("prepare: loaded the dense state from {}", plan.ckptDir());
  }

  private static Map<String, Double> exportDense(ExportJob plan, FeatureGenerator fg, Path staging) {
    if (plan.splitSeq()) {
      throw new ExportException(
          ExportException.Step.EXPORT_DENSE,
          "dense input must be Map<String,Tensor>; got split (regular, sequence) blocks: the"
              + " sparse model was built with splitSeq = true, which RTP cannot serve. Build it"
              + " with SparseModel.fromFg(fg) (splitSeq false)");
    }
    try (TensorScope scope = TensorScope.open()) {
      Blocks blocks = plan.traceBlocks().get();
      return DenseExport.export(plan, blocks, fg, staging);
    }
  }

  private static void writeFg(FeatureGenerator fg, Path staging) {
    try {
      Files.writeString(
          staging.resolve(FG_JSON), FgWriter.write(fg.fgConfig()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.EXPORT_META, "cannot write " + FG_JSON + " (" + e + ")", e);
    }
  }

  /**
   * Identifies one export run across shard ranks (same checkpoint, same options), so a finished
   * part of an older run is never assembled with this one.
   */
  static String runKey(ExportJob plan) {
    MessageDigest md = ExportManifest.newDigest();
    StringBuilder b = new StringBuilder();
    b.append(plan.ckptDir().toAbsolutePath().normalize()).append('\n');
    b.append(plan.shardCount()).append(plan.filterSparseOpt()).append(plan.exportFolderName())
        .append(plan.exportModelName()).append('\n');
    try (var s = Files.list(plan.ckptDir())) {
      s.sorted().forEach(p -> {
        try {
          b.append(p.getFileName()).append(' ').append(Files.size(p)).append(' ')
              .append(Files.getLastModifiedTime(p).toMillis()).append('\n');
        } catch (IOException e) {
          b.append(p.getFileName()).append('\n');
        }
      });
    } catch (IOException e) {
      // an unreadable checkpoint fails in prepare with a clear message
    }
    return HexFormat.of().formatHex(md.digest(b.toString().getBytes(StandardCharsets.UTF_8)))
        .substring(0, 12);
  }

  private static long step(Map<String, Duration> timings, String name, long since) {
    long now = System.nanoTime();
    timings.put(name, Duration.ofNanos(now - since));
    return now;
  }
}
