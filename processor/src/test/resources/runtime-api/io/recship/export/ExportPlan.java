package io.recship.export;
import io.recship.data.Dataset; import io.recship.nn.Module; import io.recship.optim.Optimizer; import io.recship.sparse.SparseModel;
import java.nio.file.Path; import java.util.List;
public final class ExportPlan {
  public static Builder builder(String modelName, SparseModel sparse, Module dense, DenseForward forward, List<String> outputNames) { return new Builder(); }
  public static final class Builder {
    public Builder dataset(Dataset d) { return this; } public Builder ckptDir(Path p) { return this; } public Builder exportDir(Path p) { return this; }
    public Builder denseOptimizer(Optimizer o) { return this; } public Builder exportFolderName(String s) { return this; } public Builder exportModelName(String s) { return this; }
    public Builder filterSparseOpt(boolean b) { return this; } public Builder shardRank(int r) { return this; } public Builder shardCount(int n) { return this; } public Builder overwrite(boolean b) { return this; }
    public Builder declaredConfig(Class<?> anchor, String fg, String mc, String target) { return this; }
    public ExportPlan build() { return new ExportPlan(); }
  }
}
