package io.recship.export;

import io.recship.fg.FeatureGenerator;
import io.recship.nn.Module;
import io.recship.optim.Optimizer;
import io.recship.tensor.Blocks;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A validated plan reduced to what the steps use: the sparse arch enters only as its FG and the
 * trace batch's blocks (the sparse forward of the first dataset batch), so the pipeline does not
 * depend on how the sparse side computes them.
 */
record ExportJob(
    String modelName,
    FeatureGenerator fg,
    boolean splitSeq,
    Supplier<Blocks> traceBlocks,
    Module dense,
    DenseForward forward,
    List<String> outputNames,
    Path ckptDir,
    Path exportDir,
    @Nullable Optimizer denseOptimizer,
    String exportFolderName,
    String exportModelName,
    boolean filterSparseOpt,
    int shardRank,
    int shardCount,
    boolean overwrite,
    @Nullable DeclaredConfig declaredConfig) {

  @Override
  public String toString() {
    return modelName + " -> " + exportDir + " (rank " + shardRank + " of " + shardCount
        + (filterSparseOpt ? ", filterSparseOpt" : "") + (overwrite ? ", overwrite" : "") + ")";
  }
}
