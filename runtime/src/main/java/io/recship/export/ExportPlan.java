package io.recship.export;

import io.recship.data.Dataset;
import io.recship.nn.Module;
import io.recship.optim.Optimizer;
import io.recship.sparse.SparseModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Everything one export needs, validated: RecIS' {@code Exporter} parameters plus the RecShip
 * ones (overwrite, the FG the model was declared with). A generated {@code <Model>Exporter}
 * returns this builder pre-filled from the model; or build one by hand:
 *
 * <pre>{@code
 * ExportResult r = CtrModelExporter.builder(model)       // generated from @RecModel
 *     .dataset(dataset).ckptDir(ckpt).exportDir(out)
 *     .export();
 *
 * ExportPlan plan = ExportPlan.builder("CtrModel", model.sparse, model.dense,
 *         b -> List.of(model.dense.forward(b)), List.of("score"))
 *     .dataset(dataset).ckptDir(ckpt).exportDir(out)
 *     .build();
 * ExportResult r = Exporter.export(plan);
 * }</pre>
 */
public final class ExportPlan {
  public static final String DEFAULT_EXPORT_FOLDER_NAME = "fx_user_model";
  public static final String DEFAULT_EXPORT_MODEL_NAME = "user_model";

  private static final Pattern OUTPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String modelName;
  private final SparseModel sparse;
  private final Module dense;
  private final DenseForward forward;
  private final List<String> outputNames;
  private final Dataset dataset;
  private final Path ckptDir;
  private final Path exportDir;
  private final @Nullable Optimizer denseOptimizer;
  private final String exportFolderName;
  private final String exportModelName;
  private final boolean filterSparseOpt;
  private final int shardRank;
  private final int shardCount;
  private final boolean overwrite;
  private final @Nullable DeclaredConfig declaredConfig;

  private ExportPlan(Builder b, Dataset dataset, Path ckptDir, Path exportDir, int rank, int count) {
    this.modelName = b.modelName;
    this.sparse = b.sparse;
    this.dense = b.dense;
    this.forward = b.forward;
    this.outputNames = List.copyOf(b.outputNames);
    this.dataset = dataset;
    this.ckptDir = ckptDir;
    this.exportDir = exportDir;
    this.denseOptimizer = b.denseOptimizer;
    this.exportFolderName = b.exportFolderName;
    this.exportModelName = b.exportModelName;
    this.filterSparseOpt = b.filterSparseOpt;
    this.shardRank = rank;
    this.shardCount = count;
    this.overwrite = b.overwrite;
    this.declaredConfig = b.declaredConfig;
  }

  /**
   * Starts a plan.
   *
   * @param modelName the model's name (the {@code @RecModel} class), used in messages and the
   *     manifest
   * @param forward calls the {@code @ExportOutput} method; outputs in {@code outputNames} order
   * @param outputNames the {@code @ExportOutput} names, written to {@code output_info.json}
   */
  public static Builder builder(
      String modelName,
      SparseModel sparse,
      Module dense,
      DenseForward forward,
      List<String> outputNames) {
    return new Builder(modelName, sparse, dense, forward, outputNames);
  }

  /**
   * Starts a plan for a dense net whose forward and output names come together, as a generated
   * exporter's {@code outputs(model)} gives them.
   *
   * @param modelName the model's name (the {@code @RecModel} class), used in messages and the
   *     manifest
   */
  public static Builder builder(String modelName, SparseModel sparse, Module dense, DenseOutputs outputs) {
    return new Builder(modelName, sparse, dense, outputs.forward(), outputs.names());
  }

  public String modelName() {
    return modelName;
  }

  public SparseModel sparse() {
    return sparse;
  }

  public Module dense() {
    return dense;
  }

  public DenseForward forward() {
    return forward;
  }

  public List<String> outputNames() {
    return outputNames;
  }

  public Dataset dataset() {
    return dataset;
  }

  public Path ckptDir() {
    return ckptDir;
  }

  public Path exportDir() {
    return exportDir;
  }

  public @Nullable Optimizer denseOptimizer() {
    return denseOptimizer;
  }

  public String exportFolderName() {
    return exportFolderName;
  }

  public String exportModelName() {
    return exportModelName;
  }

  public boolean filterSparseOpt() {
    return filterSparseOpt;
  }

  public int shardRank() {
    return shardRank;
  }

  public int shardCount() {
    return shardCount;
  }

  public boolean overwrite() {
    return overwrite;
  }

  public @Nullable DeclaredConfig declaredConfig() {
    return declaredConfig;
  }

  @Override
  public String toString() {
    return "ExportPlan[" + modelName + " -> " + exportDir + ", rank " + shardRank + "/" + shardCount
        + (filterSparseOpt ? ", filterSparseOpt" : "") + "]";
  }

  /** Collects the parameters; {@link #build()} checks them all at once. */
  public static final class Builder {
    private final String modelName;
    private final SparseModel sparse;
    private final Module dense;
    private final DenseForward forward;
    private final List<String> outputNames;
    private @Nullable Dataset dataset;
    private @Nullable Path ckptDir;
    private @Nullable Path exportDir;
    private @Nullable Optimizer denseOptimizer;
    private String exportFolderName = DEFAULT_EXPORT_FOLDER_NAME;
    private String exportModelName = DEFAULT_EXPORT_MODEL_NAME;
    private boolean filterSparseOpt;
    private @Nullable Integer shardRank;
    private @Nullable Integer shardCount;
    private boolean overwrite;
    private @Nullable DeclaredConfig declaredConfig;
    private Map<String, String> env = System.getenv();

    private Builder(
        String modelName,
        SparseModel sparse,
        Module dense,
        DenseForward forward,
        List<String> outputNames) {
      this.modelName = modelName;
      // a model whose arch field was never assigned fails here, not deep inside the export
      this.sparse = Objects.requireNonNull(sparse, () -> modelName + ": the @SparseArch is null;"
          + " assign it (SparseModel.fromFg(fg)) before exporting");
      this.dense = Objects.requireNonNull(dense, () -> modelName + ": the @DenseArch is null;"
          + " assign the dense net before exporting");
      this.forward = forward;
      this.outputNames = new ArrayList<>(outputNames);
    }

    /**
     * The data whose first batch runs through the sparse arch to trace the dense net (RecIS
     * {@code dataset}). Required.
     */
    public Builder dataset(Dataset d) {
      this.dataset = d;
      return this;
    }

    /** The checkpoint folder to export from (RecIS {@code ckpt_dir}). Required. */
    public Builder ckptDir(Path p) {
      this.ckptDir = p;
      return this;
    }

    /** The folder the delivery is published to (RecIS {@code export_dir}). Required. */
    public Builder exportDir(Path p) {
      this.exportDir = p;
      return this;
    }

    /**
     * The dense optimizer, whose gradients are cleared before the zero-grad check (RecIS {@code
     * dense_optimizer}). Optional.
     */
    public Builder denseOptimizer(@Nullable Optimizer o) {
      this.denseOptimizer = o;
      return this;
    }

    /**
     * Sub-folder of the dense graph and its files (RecIS {@code export_folder_name}, default
     * {@value #DEFAULT_EXPORT_FOLDER_NAME}).
     */
    public Builder exportFolderName(String s) {
      this.exportFolderName = s;
      return this;
    }

    /**
     * The archive's name, {@code <name>.pt} (RecIS {@code export_model_name}, default {@value
     * #DEFAULT_EXPORT_MODEL_NAME}).
     */
    public Builder exportModelName(String s) {
      this.exportModelName = s;
      return this;
    }

    /**
     * Export tables with only ids and embeddings, without optimizer slots (RecIS {@code
     * filter_sparse_opt}, default false).
     *
     * <p>As in RecIS, the trace batch ({@code inputs_dict.json}, {@code output_base.json}) then
     * uses the checkpoint's rows, not the tables of the model passed in; RecIS loads the tables
     * for that, RecShip reads only the rows the batch uses, so the heap stays small whatever the
     * tables' size, and the sparse model is not changed (the dense weights are loaded from the
     * checkpoint in both modes, as in RecIS). In copy mode (the default), as in RecIS, the
     * batch uses the model's own tables: when exporting from another job than the training, load
     * the checkpoint into the model first (e.g. {@code trainer.load(ckptDir)}).
     */
    public Builder filterSparseOpt(boolean b) {
      this.filterSparseOpt = b;
      return this;
    }

    /** This worker's rank (default: {@code RANK} from the environment, else 0). */
    public Builder shardRank(int r) {
      this.shardRank = r;
      return this;
    }

    /** Number of workers (default: {@code WORLD_SIZE} from the environment, else 1). */
    public Builder shardCount(int n) {
      this.shardCount = n;
      return this;
    }

    /**
     * Replace a previous export in {@code exportDir} once the new export is complete (default
     * false). Only a folder holding a {@code recship-manifest.json} is replaced: any other
     * non-empty folder is refused and left untouched, since the replaced folder is deleted.
     */
    public Builder overwrite(boolean b) {
      this.overwrite = b;
      return this;
    }

    /**
     * What {@code @RecModel} declared; at export the sparse model's FG and MC must equal those,
     * read with that {@code lowerCase}, and still pass the target's rules. Generated exporters set
     * it; its {@code exporter} names the exporter in the messages of {@link #build()}.
     */
    public Builder declaredConfig(DeclaredConfig config) {
      this.declaredConfig = config;
      return this;
    }

    /** {@link #declaredConfig(DeclaredConfig)} for a hand-built plan ({@code lowerCase} false). */
    public Builder declaredConfig(Class<?> anchor, String fgResource, String mcResource, String target) {
      return declaredConfig(new DeclaredConfig(anchor, fgResource, mcResource, target));
    }

    /** For tests: the environment {@code RANK}/{@code WORLD_SIZE} are read from. */
    Builder environment(Map<String, String> env) {
      this.env = env;
      return this;
    }

    /**
     * Checks every parameter.
     *
     * @throws ExportException (step plan) listing every problem, each with its fix
     */
    public ExportPlan build() {
      List<String> problems = new ArrayList<>();
      if (modelName.isBlank()) {
        problems.add("modelName is empty: pass the model's name (its class name)");
      }
      @Nullable String exporter = declaredConfig == null ? null : declaredConfig.exporter();
      if (exporter != null) {
        // Through a generated exporter: name the setters the user calls on it, in one line.
        List<String> missing = new ArrayList<>();
        if (dataset == null) {
          missing.add("dataset(Dataset)");
        }
        if (ckptDir == null) {
          missing.add("ckptDir(Path)");
        }
        if (exportDir == null) {
          missing.add("exportDir(Path)");
        }
        if (!missing.isEmpty()) {
          problems.add("set " + String.join(", ", missing) + " before export()");
        }
      } else {
        if (dataset == null) {
          problems.add("dataset is required: pass .dataset(d); its first batch is traced");
        }
        if (ckptDir == null) {
          problems.add("ckptDir is required: pass .ckptDir(dir), the folder the checkpoint was saved to");
        }
        if (exportDir == null) {
          problems.add("exportDir is required: pass .exportDir(dir), the folder to publish");
        }
      }
      checkOutputNames(problems);
      checkSegment("exportFolderName", exportFolderName, problems);
      checkSegment("exportModelName", exportModelName, problems);
      int count = shardCount != null ? shardCount : fromEnv("WORLD_SIZE", 1, problems);
      int rank = shardRank != null ? shardRank : fromEnv("RANK", 0, problems);
      if (count < 1) {
        problems.add("shardCount is " + count + ": it must be at least 1");
      } else if (rank < 0 || rank >= count) {
        problems.add(
            "shardRank is " + rank + " but shardCount is " + count
                + ": the rank must be in [0, " + (count - 1) + "] (check RANK/WORLD_SIZE)");
      }
      if (ckptDir != null && exportDir != null) {
        Path c = ckptDir.toAbsolutePath().normalize();
        Path e = exportDir.toAbsolutePath().normalize();
        if (c.startsWith(e) || e.startsWith(c)) {
          problems.add(
              "exportDir " + e + " and ckptDir " + c + " overlap: an export (or its overwrite)"
                  + " would write into the checkpoint; choose an exportDir outside the checkpoint");
        }
      }
      if (!problems.isEmpty()) {
        String invalid = "the export plan for model '" + modelName + "' is invalid:\n  - "
            + String.join("\n  - ", problems);
        throw new ExportException(
            ExportException.Step.PLAN,
            exporter == null ? invalid
                : exporter + ": " + (problems.size() == 1 ? problems.get(0) : invalid));
      }
      return new ExportPlan(this, dataset, ckptDir, exportDir, rank, count);
    }

    /**
     * {@link #build()}, then {@link Exporter#export}: the whole pipeline (prepare, sparse, dense
     * trace, meta, publish).
     *
     * @throws ExportException naming the step, the item and the fix; from {@link #build()} every
     *     missing or invalid parameter at once
     */
    public ExportResult export() {
      return Exporter.export(build());
    }

    private void checkOutputNames(List<String> problems) {
      if (outputNames.isEmpty()) {
        problems.add("outputNames is empty: name every @ExportOutput tensor");
      }
      Set<String> seen = new HashSet<>();
      for (String n : outputNames) {
        if (!OUTPUT_NAME.matcher(n).matches()) {
          problems.add(
              "output name '" + n + "' is not valid: use letters, digits and _ (not starting with"
                  + " a digit)");
        } else if (!seen.add(n)) {
          problems.add("output name '" + n + "' is used twice: output names must be unique");
        }
      }
    }

    private static void checkSegment(String what, String value, List<String> problems) {
      if (value.isEmpty()
          || value.equals(".")
          || value.equals("..")
          || value.contains("/")
          || value.contains("\\")
          || value.indexOf('\0') >= 0
          || value.startsWith(".")) {
        problems.add(
            what + " '" + value + "' is not a plain file name: use a name such as "
                + (what.equals("exportFolderName") ? DEFAULT_EXPORT_FOLDER_NAME : DEFAULT_EXPORT_MODEL_NAME));
      }
    }

    private int fromEnv(String name, int fallback, List<String> problems) {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        return fallback;
      }
      try {
        return Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        problems.add(
            "environment variable " + name + "='" + v + "' is not an integer: fix it or pass"
                + (name.equals("RANK") ? " .shardRank(r)" : " .shardCount(n)"));
        return fallback;
      }
    }
  }
}
