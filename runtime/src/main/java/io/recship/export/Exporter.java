package io.recship.export;

import io.recship.data.Batch;
import io.recship.data.Dataset;
import io.recship.sparse.SparseModel;
import io.recship.sparse.SparseOutput;
import io.recship.tensor.Blocks;
import java.util.function.Supplier;

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
            traceBlocks(sparse, plan.dataset()),
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
   * RecIS' {@code sparse_model(next(iter(dataset)))}, in eval mode so the export neither adds
   * rows to the tables nor records gradients; the mode is restored afterwards.
   */
  static Supplier<Blocks> traceBlocks(SparseModel sparse, Dataset dataset) {
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
                + " dataset batch has " + first.size() + "; use a batch size of 2 or more");
      }
      boolean wasTraining = sparse.isTraining();
      sparse.eval();
      try {
        SparseOutput out = sparse.forward(first);
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
}
