package io.recship.examples.ctr;

import io.recship.data.Batch;
import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.export.ExportResult;
import io.recship.export.ExportedFile;
import io.recship.fg.FeatureGenerator;
import io.recship.optim.Adam;
import io.recship.optim.Optimizer;
import io.recship.serving.ExportedModel;
import io.recship.sparse.SparseAdam;
import io.recship.tensor.TensorScope;
import io.recship.train.Metrics;
import io.recship.train.StepReport;
import io.recship.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole path for {@link CtrModel}, as {@code recship demo} runs it: synthetic data, training
 * of both heads, a checkpoint, the generated exporter, loading the export with {@link
 * ExportedModel}, held-out AUC of its scores, and the parity check of those scores against the
 * training-side forward on the same samples.
 *
 * <p>Under {@code workdir}: {@code data/heldout.jsonl} (input for {@code recship score}), {@code
 * ckpt/} and {@code export/}. Running again replaces what an earlier run wrote there.
 */
public final class CtrPipeline {
  /** Scores of the export and of the training-side forward may differ by at most this much. */
  public static final double PARITY_ATOL = 1e-5;
  private static final int SCORE_BATCH = 512;
  private static final List<String> OUTPUTS = CtrModelExporter.OUTPUT_NAMES;

  private CtrPipeline() {}

  /**
   * What to run.
   *
   * @param trainSamples samples {@code [0, trainSamples)} train the model
   * @param heldOutSamples the next {@code heldOutSamples} are scored, never trained on
   * @param reportEvery training steps between loss/AUC reports
   */
  public record Settings(
      Path workdir,
      int steps,
      long seed,
      int batchSize,
      int trainSamples,
      int heldOutSamples,
      int reportEvery,
      double denseLearningRate,
      double sparseLearningRate) {

    /** The fewest held-out samples a run accepts (recship demo names it in terms of its options). */
    public static final int MIN_HELD_OUT_SAMPLES = 2;

    public Settings {
      // the values are named from the parameters: fields (and so toString) are not set yet here
      List<String> wrong = new ArrayList<>();
      if (steps < 1) {
        wrong.add("steps " + steps + " must be at least 1");
      }
      if (batchSize < 2) {
        wrong.add("batchSize " + batchSize + " must be at least 2");
      }
      if (trainSamples < batchSize) {
        wrong.add("trainSamples " + trainSamples + " must be at least batchSize " + batchSize);
      }
      if (heldOutSamples < MIN_HELD_OUT_SAMPLES) {
        wrong.add("heldOutSamples " + heldOutSamples + " must be at least " + MIN_HELD_OUT_SAMPLES);
      }
      if (reportEvery < 1) {
        wrong.add("reportEvery " + reportEvery + " must be at least 1");
      }
      if (!wrong.isEmpty()) {
        throw new IllegalArgumentException(String.join("; ", wrong));
      }
    }

    /** The demo's defaults: a few minutes on 2 cores. */
    public static Settings defaults(Path workdir) {
      return new Settings(workdir, 800, 7, 256, 100_000, 5_000, 100, 3e-3, 3e-2);
    }

    public Settings withSteps(int steps) {
      // at least 1, so that a bad steps is the one value reported, not also reportEvery
      return new Settings(workdir, steps, seed, batchSize, trainSamples, heldOutSamples,
          Math.max(1, Math.min(reportEvery, steps)), denseLearningRate, sparseLearningRate);
    }

    public Settings withSeed(long seed) {
      return new Settings(workdir, steps, seed, batchSize, trainSamples, heldOutSamples, reportEvery,
          denseLearningRate, sparseLearningRate);
    }

    public Settings withSamples(int trainSamples, int heldOutSamples) {
      return new Settings(workdir, steps, seed, batchSize, trainSamples, heldOutSamples, reportEvery,
          denseLearningRate, sparseLearningRate);
    }
  }

  /**
   * What a run produced.
   *
   * @param heldOutAuc per output, the AUC of the export's scores on the held-out samples against
   *     its label ({@code ctr}: click, {@code cvr}: conversion)
   * @param maxAbsDiff per output, the largest |export score - training-side forward| on them
   * @param timings wall time per step, in order
   */
  public record Result(
      Path heldOutFile,
      Path ckptDir,
      Path exportDir,
      List<ExportedFile> exportFiles,
      int heldOutSamples,
      Map<String, Double> heldOutAuc,
      Map<String, Double> maxAbsDiff,
      Map<String, Duration> timings) {

    /** True when every output's scores agree within {@link #PARITY_ATOL}. */
    public boolean parityOk() {
      return maxAbsDiff.values().stream().allMatch(d -> d <= PARITY_ATOL);
    }

    public double maxAbsDiffOverall() {
      return maxAbsDiff.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
  }

  /** Runs every step, reporting progress as lines to {@code log}. */
  public static Result run(Settings s, Consumer<String> log) {
    Path workdir = s.workdir().toAbsolutePath();
    Path dataDir = workdir.resolve("data");
    Path heldOutFile = dataDir.resolve("heldout.jsonl");
    Path ckpt = workdir.resolve("ckpt");
    Path exportDir = workdir.resolve("export");
    Map<String, Duration> timings = new LinkedHashMap<>();
    Clock clock = new Clock(timings);

    log.accept("[1/6] data: synthetic impressions with click and conversion labels (seed " + s.seed() + ")");
    FeatureGenerator fg = CtrModel.featureGenerator();
    CtrData data = CtrData.of(s.seed());
    Dataset train = data.dataset(fg, 0, s.trainSamples()).batchSize(s.batchSize()).shuffleBuffer(10_000, s.seed()).build();
    List<Map<String, Object>> heldOut = data.samples(s.trainSamples(), s.heldOutSamples());
    createDirectories(dataDir);
    data.writeJsonLines(heldOutFile, s.trainSamples(), s.heldOutSamples());
    log.accept(String.format(Locale.ROOT, "      %d training samples (in memory), %d held-out samples -> %s",
        s.trainSamples(), s.heldOutSamples(), heldOutFile));
    log.accept(String.format(Locale.ROOT, "      click rate %.3f, conversion rate %.3f (held-out)",
        rate(heldOut, CtrData.CLICK), rate(heldOut, CtrData.CONVERSION)));
    clock.lap("data");

    try (CtrModel model = new CtrModel(fg, s.seed()); Adam adam = Adam.of(model.dense, s.denseLearningRate())) {
      log.accept(String.format(Locale.ROOT, "[2/6] train: %d step%s of %d samples; dense %s parameters, Adam lr %s; sparse Adam lr %s",
          s.steps(), s.steps() == 1 ? "" : "s", s.batchSize(), model.dense.parameterCount(), s.denseLearningRate(),
          s.sparseLearningRate()));
      Trainer trainer = trainer(model, adam, s.sparseLearningRate(), s.reportEvery(), r -> log.accept("      " + r));
      trainer.train(train, s.steps());
      clock.lap("train");

      log.accept("[3/6] checkpoint -> " + ckpt);
      trainer.save(ckpt); // tables with sparse Adam slots, dense parameters with Adam state, data position
      log.accept(String.format(Locale.ROOT, "      tables %s", tableSizes(model)));
      clock.lap("checkpoint");

      log.accept("[4/6] export: CtrModelExporter.builder(model).dataset(..).ckptDir(..).exportDir(..).filterSparseOpt(true).export()");
      ExportResult exported = CtrModelExporter.builder(model)
          .dataset(train)
          .ckptDir(ckpt)
          .exportDir(exportDir)
          .denseOptimizer(adam)
          .filterSparseOpt(true)
          .overwrite(true)
          .export();
      log.accept("      " + exported.exportDir() + String.format(Locale.ROOT, " (%,d bytes)", exported.totalBytes()));
      for (ExportedFile f : exported.files()) {
        log.accept(String.format(Locale.ROOT, "        %-52s %,12d", f.path(), f.size()));
      }
      clock.lap("export");

      log.accept("[5/6] score: ExportedModel.load(export).score(held-out samples)");
      Map<String, float[]> served = scoreExport(exportDir, heldOut);
      Map<String, Double> auc = new LinkedHashMap<>();
      auc.put("ctr", Metrics.auc(served.get("ctr"), labels(heldOut, CtrData.CLICK)));
      auc.put("cvr", Metrics.auc(served.get("cvr"), labels(heldOut, CtrData.CONVERSION)));
      log.accept(String.format(Locale.ROOT, "      held-out AUC over %d samples: ctr %s (click), cvr %s (conversion)",
          heldOut.size(), Metrics.formatAuc(auc.get("ctr")), Metrics.formatAuc(auc.get("cvr"))));
      clock.lap("score");

      log.accept("[6/6] parity: export scores vs the training-side forward on the same samples");
      Map<String, float[]> eager = trainingSideForward(model, fg, heldOut);
      Map<String, Double> diff = new LinkedHashMap<>();
      for (String name : OUTPUTS) {
        diff.put(name, maxAbsDiff(served.get(name), eager.get(name)));
      }
      clock.lap("parity");
      Result result = new Result(heldOutFile, ckpt, exportDir, exported.files(), heldOut.size(), auc, diff, timings);
      log.accept(String.format(Locale.ROOT, "      parity %s: max abs diff %s (ctr %s, cvr %s) over %d samples, atol %.0e",
          result.parityOk() ? "OK" : "FAILED", formatDiff(result.maxAbsDiffOverall()), formatDiff(diff.get("ctr")),
          formatDiff(diff.get("cvr")), heldOut.size(), PARITY_ATOL));
      return result;
    }
  }

  /**
   * The trainer of both heads: ctr fitted to {@value CtrData#CLICK}, cvr to {@value
   * CtrData#CONVERSION}, loss = BCE(ctr) + BCE(cvr). One sparse forward per batch feeds both, so
   * the shared embeddings learn from both tasks.
   */
  static Trainer trainer(CtrModel model, Optimizer denseOptimizer, double sparseLearningRate, int reportEvery,
      Consumer<StepReport> onReport) {
    return Trainer.builder(model.sparse, model.dense)
        .head(CtrModelExporter.OUTPUT_CTR, CtrData.CLICK)
        .head(CtrModelExporter.OUTPUT_CVR, CtrData.CONVERSION)
        .denseOptimizer(denseOptimizer)
        .sparseOptimizer(SparseAdam.of(sparseLearningRate))
        .reportEvery(reportEvery)
        .onReport(onReport)
        .buildHeads(CtrModelExporter.outputs(model)); // heads matched to the outputs by name
  }

  /** Scores {@code samples} with the export, {@value #SCORE_BATCH} at a time. */
  static Map<String, float[]> scoreExport(Path exportDir, List<Map<String, Object>> samples) {
    Map<String, float[]> out = empty(samples.size());
    try (ExportedModel served = ExportedModel.load(exportDir)) {
      for (int from = 0; from < samples.size(); from += SCORE_BATCH) {
        int to = Math.min(samples.size(), from + SCORE_BATCH);
        Map<String, float[]> scores = served.score(samples.subList(from, to));
        for (String name : OUTPUTS) {
          System.arraycopy(scores.get(name), 0, out.get(name), from, to - from);
        }
      }
    }
    return out;
  }

  /** The model as training runs it, in eval mode (unseen ids give zero vectors, as online). */
  static Map<String, float[]> trainingSideForward(CtrModel model, FeatureGenerator fg, List<Map<String, Object>> samples) {
    Map<String, float[]> out = empty(samples.size());
    Schema schema = CtrData.schema(fg);
    boolean sparseTraining = model.sparse.isTraining();
    boolean denseTraining = model.dense.isTraining();
    model.sparse.eval();
    model.dense.eval();
    try {
      for (int from = 0; from < samples.size(); from += SCORE_BATCH) {
        int to = Math.min(samples.size(), from + SCORE_BATCH);
        try (TensorScope scope = TensorScope.open()) {
          Batch batch = Batch.of(schema, new ArrayList<>(samples.subList(from, to)));
          CtrDense.CtrCvr p = model.dense.forward(model.sparse.forward(batch).blocks());
          System.arraycopy(p.ctr().toFloatArray(), 0, out.get("ctr"), from, to - from);
          System.arraycopy(p.cvr().toFloatArray(), 0, out.get("cvr"), from, to - from);
        }
      }
    } finally {
      if (sparseTraining) {
        model.sparse.train();
      }
      model.dense.train(denseTraining);
    }
    return out;
  }

  private static String tableSizes(CtrModel model) {
    StringBuilder b = new StringBuilder();
    model.sparse.tables().forEach((name, t) -> b.append(b.length() == 0 ? "" : ", ")
        .append(name).append(' ').append(t.size()).append(" rows x ").append(t.dim()));
    return b.toString();
  }

  private static Map<String, float[]> empty(int n) {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (String name : OUTPUTS) {
      m.put(name, new float[n]);
    }
    return m;
  }

  static float[] labels(List<Map<String, Object>> samples, String label) {
    float[] y = new float[samples.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = ((Number) samples.get(i).get(label)).floatValue();
    }
    return y;
  }

  private static double rate(List<Map<String, Object>> samples, String label) {
    double sum = 0;
    for (float v : labels(samples, label)) {
      sum += v;
    }
    return sum / samples.size();
  }

  /** {@code 0} for bit-identical scores, else two significant digits. */
  public static String formatDiff(double d) {
    return d == 0 ? "0" : String.format(Locale.ROOT, "%.1e", d);
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** Wall time per step. */
  private static final class Clock {
    private final Map<String, Duration> timings;
    private long last = System.nanoTime();

    Clock(Map<String, Duration> timings) {
      this.timings = timings;
    }

    void lap(String step) {
      long now = System.nanoTime();
      timings.put(step, Duration.ofNanos(now - last));
      last = now;
    }
  }
}
