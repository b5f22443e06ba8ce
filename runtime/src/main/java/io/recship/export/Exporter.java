package io.recship.export;

import io.recship.checkpoint.CheckpointException;
import io.recship.checkpoint.RecisLayout;
import io.recship.checkpoint.SparseCheckpointReader;
import io.recship.data.Batch;
import io.recship.data.Dataset;
import io.recship.fg.FeatureGenerator;
import io.recship.sparse.EmbeddingTable;
import io.recship.sparse.SparseModel;
import io.recship.sparse.SparseOutput;
import io.recship.tensor.Blocks;
import io.recship.tensor.TensorScope;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import it.unimi.dsi.fastutil.longs.LongSet;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs an export: RecIS' {@code Exporter.export()} steps (prepare, export sparse, export dense,
 * export meta) into a staging folder beside {@code exportDir}, then the manifest and an atomic
 * publish. A failure at any step, or a kill, publishes nothing: {@code exportDir} is either
 * absent, the previous export, or the complete new one. Every failure is an {@link
 * ExportException} naming the step, the file or item and the fix.
 */
public final class Exporter {
  private Exporter() {}

  /**
   * Exports {@code plan} (what a generated exporter's {@code builder(model)...export()} calls).
   * With several shards, each rank's call publishes its part and the last one to finish publishes
   * the whole export.
   *
   * @return where the export went, whether this call published it, its files, step timings and
   *     the traced-vs-eager output differences
   * @throws ExportException at the first failing step, naming it, the file or item, and the fix;
   *     nothing is published then
   */
  public static ExportResult export(ExportPlan plan) {
    SparseModel sparse = plan.sparse();
    ExportJob job =
        new ExportJob(
            plan.modelName(),
            sparse.featureGenerator(),
            sparse.splitSeq(),
            traceBlocks(sparse, plan.dataset(), plan.filterSparseOpt() ? plan.ckptDir() : null),
            plan.dense(),
            plan.forward(),
            plan.outputNames(),
            plan.ckptDir(),
            plan.exportDir(),
            plan.denseOptimizer(),
            plan.exportFolderName(),
            plan.exportModelName(),
            plan.filterSparseOpt(),
            plan.shardRank(),
            plan.shardCount(),
            plan.overwrite(),
            plan.declaredConfig());
    return ExportRun.run(job);
  }

  /**
   * Checks, writing nothing, that an export with this {@code overwrite} could publish to {@code
   * exportDir}: it is absent, empty, or (with overwrite) a previous export holding nothing its
   * manifest does not list (an overwrite deletes the whole folder, so a file the user added there
   * is refused, named). {@link #export} checks it again, and once more right before the swap;
   * call this first when long work (training) comes before the export.
   *
   * @throws ExportException (step plan) saying why not, and the fix
   */
  public static void checkExportDir(Path exportDir, boolean overwrite) {
    ExportPublisher.checkTarget(exportDir.toAbsolutePath(), overwrite, "checked before the export");
  }

  /**
   * RecIS' {@code sparse_model(next(iter(dataset)))}, in eval mode so the export neither adds
   * rows to the tables nor records gradients; the mode is restored afterwards. With {@code
   * tablesFrom} (filter mode), the rows come from that checkpoint instead of the model's tables,
   * as RecIS loads them before tracing ({@link #withCheckpointRows}).
   */
  static Supplier<Blocks> traceBlocks(SparseModel sparse, Dataset dataset, @Nullable Path tablesFrom) {
    return () -> {
      Batch first;
      try (Dataset.BatchIterator it = dataset.iterator()) {
        if (!it.hasNext()) {
          throw new ExportException(
              ExportException.Step.EXPORT_DENSE,
              "export dataset produced no batch: the dense graph is traced on the first batch;"
                  + " pass a dataset with at least 2 samples");
        }
        first = it.next();
      } catch (ExportException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new ExportException(
            ExportException.Step.EXPORT_DENSE,
            "cannot read the first batch of the export dataset: " + e.getMessage(),
            e);
      }
      if (first.size() < 2) {
        throw new ExportException(
            ExportException.Step.EXPORT_DENSE,
            "tracing batch must have at least 2 rows for a dynamic batch dimension, but the first"
                + " dataset batch has " + first.size() + (dataset.batchSize() >= 2
                    ? " although the batch size is " + dataset.batchSize() + ": the dataset holds"
                        + " fewer samples than that; export with a dataset of 2 or more samples"
                    : "; use a batch size of 2 or more"));
      }
      boolean wasTraining = sparse.isTraining();
      sparse.eval();
      try {
        SparseOutput out = tablesFrom == null ? sparse.forward(first)
            : withCheckpointRows(sparse, first, tablesFrom);
        if (out.isSplit()) {
          throw new ExportException(
              ExportException.Step.EXPORT_DENSE,
              "dense input must be Map<String,Tensor>; got split (regular, sequence) blocks: the"
                  + " sparse model was built with splitSeq = true, which RTP cannot serve. Build"
                  + " it with SparseModel.fromFg(fg) (splitSeq false)");
        }
        return out.blocks();
      } finally {
        if (wasTraining) {
          sparse.train();
        }
      }
    };
  }

  /**
   * The sparse output of {@code batch} with the embedding rows of {@code ckptDir}, without loading
   * its tables (they may not fit in memory): a throwaway sparse model learns which ids the batch
   * uses, reads just those rows from the checkpoint, and runs in eval mode, so ids the checkpoint
   * lacks give zero rows, as a miss does online. {@code sparse} itself is not touched.
   */
  private static SparseOutput withCheckpointRows(SparseModel sparse, Batch batch, Path ckptDir) {
    FeatureGenerator fg = sparse.featureGenerator();
    SparseModel ids = SparseModel.fromFg(fg, sparse.splitSeq(), 0);
    try (TensorScope s = TensorScope.open()) {
      ids.forward(batch); // training mode: one row per id the batch uses
    }
    SparseModel fromCheckpoint = SparseModel.fromFg(fg, sparse.splitSeq(), 0).eval();
    try (SparseCheckpointReader ckpt = SparseCheckpointReader.open(ckptDir)) {
      // ExportRun checked the checkpoint in prepare; checked again here, where it is read
      CheckpointCheck.tables(ckpt, fg, ExportException.Step.EXPORT_DENSE);
      for (EmbeddingTable t : ids.tables().values()) {
        LongSet wanted = new LongOpenHashSet(t.size());
        for (int r = 0; r < t.size(); r++) {
          wanted.add(t.id(r));
        }
        ckpt.readRowsOf(t.sharedName(), RecisLayout.EMBEDDING_SLOT, wanted,
            fromCheckpoint.table(t.sharedName())::put);
      }
    } catch (CheckpointException e) {
      throw new ExportException(ExportException.Step.EXPORT_DENSE,
          "cannot read the trace batch's rows from the checkpoint: " + e.getMessage(), e);
    }
    return fromCheckpoint.forward(batch);
  }
}
