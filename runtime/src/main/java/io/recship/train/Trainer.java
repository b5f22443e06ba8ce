package io.recship.train;

import io.recship.checkpoint.TrainedHeads;
import io.recship.data.Batch;
import io.recship.data.Dataset;
import io.recship.export.DenseForward;
import io.recship.export.DenseOutputs;
import io.recship.nn.Module;
import io.recship.optim.Adam;
import io.recship.optim.Optimizer;
import io.recship.sparse.SparseAdam;
import io.recship.sparse.SparseModel;
import io.recship.sparse.SparseOptimizer;
import io.recship.sparse.SparseOutput;
import io.recship.tensor.Autograd;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a sparse arch and a dense net together: per batch, sparse forward, dense forward, BCE of
 * each head against its label, backward of their weighted sum; the dense optimizer updates the
 * parameters, the sparse optimizer the embedding rows the batch used. Loss and AUC per head are
 * reported every {@code reportEvery} steps (slf4j, and to a listener); a progress bar shows long
 * runs.
 *
 * <p>One output, one label:
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(sparse, dense).label("click").build(dense::forward);
 * trainer.train(dataset, 1_000);
 * EvalResult r = trainer.evaluate(heldOut);   // r.auc()
 * }</pre>
 *
 * Several heads (multi-task, e.g. ctr and cvr): one {@link Builder#head} per output, named as the
 * output; the loss is {@code sum(weight * BCE(output, label))}. The generated exporter's {@code
 * outputs(model)} is the {@code @ExportOutput} forward with its outputs named, and heads are
 * matched to them by name:
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(model.sparse(), model.dense())
 *     .head("ctr", "click")
 *     .head("cvr", "conversion", 0.5)
 *     .buildHeads(CtrModelExporter.outputs(model));
 * List<StepReport> reports = trainer.train(dataset, 1_000); // loss, auc("ctr"), auc("cvr")
 * }</pre>
 *
 * Without a generated exporter, {@code buildHeads(in -> List.of(p.ctr(), p.cvr()))} returns the
 * outputs in the heads' order. Checkpoints record the head trained on each output, so that resuming
 * with the heads in another order, or exporting outputs named after other heads, fails with both
 * lists instead of delivering one head's scores under another's name.
 *
 * Kotlin: {@code Trainer.builder(sparse, dense).label("click").build { dense.forward(it) }}, and
 * {@code .head("ctr", "click").head("cvr", "conversion").buildHeads(CtrModelExporter.outputs(model))}.
 *
 * <p>The trainer remembers where it is in the data (epoch, batch); {@link #save} and {@link #load}
 * carry that with the model, so a loaded trainer continues on the batch an uninterrupted run
 * would have used next.
 */
public final class Trainer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private final SparseModel sparse;
  private final Module dense;
  private final Optimizer denseOptimizer;
  /** The default dense optimizer is the trainer's to close; one passed in stays the caller's. */
  private final boolean ownsDenseOptimizer;
  private final SparseOptimizer sparseOptimizer;
  private final List<Head> heads;
  private final int reportEvery;
  private final boolean progressBar;
  private final @Nullable Consumer<StepReport> listener;
  private final HeadsForward forward;
  private final TrainState state = new TrainState();
  /** Recorded in checkpoints: resuming and exporting check each output against it. */
  private final List<TrainedHeads.Head> headsByOutput;

  private Trainer(Builder b, HeadsForward forward) {
    this(b, forward, b.heads);
  }

  /** {@code headsByOutput}: the head trained on each of the dense net's outputs, in their order. */
  private Trainer(Builder b, HeadsForward forward, List<Head> headsByOutput) {
    this.headsByOutput = headsByOutput.stream().map(h -> new TrainedHeads.Head(h.name(), h.label())).toList();
    this.sparse = b.sparse;
    this.dense = b.dense;
    this.denseOptimizer = b.denseOptimizer != null ? b.denseOptimizer : Adam.of(b.dense, 1e-3);
    this.ownsDenseOptimizer = b.denseOptimizer == null;
    this.sparseOptimizer = b.sparseOptimizer != null ? b.sparseOptimizer : SparseAdam.of(1e-3);
    this.heads = List.copyOf(b.heads);
    this.reportEvery = b.reportEvery;
    this.progressBar = b.progressBar;
    this.listener = b.listener;
    this.forward = forward;
  }

  public static Builder builder(SparseModel sparse, Module dense) {
    return new Builder(sparse, dense);
  }

  /**
   * Frees the default dense optimizer's state (libtorch memory) if the trainer made it; an
   * optimizer given to {@link Builder#denseOptimizer} is left to its owner, and the model is
   * never closed here.
   */
  @Override
  public void close() {
    if (ownsDenseOptimizer) {
      denseOptimizer.close();
    }
  }

  public SparseModel sparse() {
    return sparse;
  }

  public Module dense() {
    return dense;
  }

  public Optimizer denseOptimizer() {
    return denseOptimizer;
  }

  public SparseOptimizer sparseOptimizer() {
    return sparseOptimizer;
  }

  /** The heads, in the order the forward returns their outputs. */
  public List<Head> heads() {
    return heads;
  }

  /** Global steps so far. */
  public long steps() {
    return state.step;
  }

  /** Current epoch and batches of it consumed. */
  public TrainState state() {
    return state.copy();
  }

  /** One training step on {@code batch}; returns its loss. */
  public double step(Batch batch) {
    return step(batch, null);
  }

  private double step(Batch batch, @Nullable Window window) {
    sparse.train();
    dense.train();
    try (TensorScope scope = TensorScope.open()) {
      denseOptimizer.zeroGrad();
      SparseOutput out;
      List<Tensor> p;
      Tensor[] headLoss = new Tensor[heads.size()];
      try (Autograd tape = Autograd.record()) {
        out = sparse.forward(batch);
        p = outputs(out);
        Tensor loss = null;
        for (int h = 0; h < headLoss.length; h++) {
          headLoss[h] = headLoss(h, p.get(h), out);
          double w = heads.get(h).weight();
          Tensor term = w == 1 ? headLoss[h] : headLoss[h].times(w); // one head of weight 1: plain BCE
          loss = loss == null ? term : loss.plus(term);
        }
        tape.backward(loss);
      }
      double[] l = new double[headLoss.length];
      for (int h = 0; h < l.length; h++) {
        l[h] = headLoss[h].item();
      }
      // Checked before any update: NaN gradients would otherwise overwrite every weight they reach,
      // and the model the caller still holds would be lost along with the step.
      for (int h = 0; h < l.length; h++) {
        if (!Double.isFinite(l[h])) {
          throw new IllegalStateException(nonFiniteLoss(h, l[h], batch, out, p));
        }
      }
      denseOptimizer.step();
      sparseOptimizer.step(sparse.gradients(out));
      if (window != null) {
        window.add(batch, p, l);
      }
      state.step++;
      return weightedSum(l);
    }
  }

  /**
   * Says which of this step's values are not finite (blocks, labels, dense parameters, outputs),
   * so a NaN loss points at its source: a table row, an input, a weight, or the forward's math.
   */
  private String nonFiniteLoss(int h, double loss, Batch batch, SparseOutput out, List<Tensor> p) {
    List<String> bad = new ArrayList<>();
    out.allBlocks().forEach((name, t) -> nonFinite("block '" + name + "'", t.toFloatArray(), bad));
    out.labels().forEach((name, t) -> nonFinite("label '" + name + "'", t.toFloatArray(), bad));
    dense.namedParameters().forEach((name, w) -> nonFinite("dense parameter '" + name + "'", w.toFloatArray(), bad));
    for (int i = 0; i < p.size(); i++) {
      nonFinite("output '" + heads.get(i).name() + "'", p.get(i).toFloatArray(), bad);
    }
    String where = bad.isEmpty()
        ? "the blocks, labels, dense parameters and outputs are all finite"
        : "not finite: " + String.join(", ", bad);
    return "loss of head '" + heads.get(h).name() + "' is " + loss + " at step " + (state.step + 1) + " ("
        + batch.source(0) + "...); " + where + ". No weight was updated (ids first seen in this batch did get"
        + " fresh table rows): lower the learning rates or check the inputs, then train on";
  }

  private static void nonFinite(String what, float[] values, List<String> bad) {
    int n = 0;
    for (float v : values) {
      if (!Float.isFinite(v)) {
        n++;
      }
    }
    if (n > 0) {
      bad.add(what + " (" + n + " of " + values.length + " values)");
    }
  }

  /** The forward's outputs, one per head. */
  private List<Tensor> outputs(SparseOutput out) {
    List<Tensor> p = forward.apply(Blocks.of(out.allBlocks()));
    if (p == null) {
      throw new IllegalStateException("the forward returned null instead of " + heads.size()
          + " outputs for the heads " + names());
    }
    if (p.size() != heads.size()) {
      throw new IllegalStateException("the forward returned " + count(p.size(), "output") + " but the trainer has "
          + count(heads.size(), "head") + " " + names() + "; return one probability tensor per head, in head order");
    }
    for (int i = 0; i < p.size(); i++) {
      if (p.get(i) == null) {
        throw new IllegalStateException("the forward's output for head '" + heads.get(i).name() + "' (#"
            + (i + 1) + " of " + p.size() + ") is null; return a probability tensor per head"
            + " (in Kotlin, declare it Tensor, not Tensor?)");
      }
    }
    return p;
  }

  /** Before any step: a missing label would otherwise fail mid-step, after the tables grew. */
  private void checkLabels(Dataset dataset) {
    List<String> labels = dataset.schema().labels();
    for (Head head : heads) {
      if (!labels.contains(head.label())) {
        throw new IllegalArgumentException("head '" + head.name() + "' is fitted to label '"
            + head.label() + "', but the dataset's labels are " + new TreeSet<>(labels) + "; add the column with"
            + " Schema.withLabels or fix the head's label");
      }
    }
  }

  private Tensor headLoss(int h, Tensor p, SparseOutput out) {
    Head head = heads.get(h);
    Tensor y = out.labels().get(head.label());
    if (y == null) {
      throw new IllegalArgumentException("head '" + head.name() + "' is fitted to label '" + head.label()
          + "', but the dataset's labels are " + new TreeSet<>(out.labels().keySet())
          + "; add the column with Schema.withLabels or fix the head's label");
    }
    if (p.numel() != y.numel()) {
      throw new IllegalStateException("head '" + head.name() + "': the forward's output has " + p.numel()
          + " values for a batch of " + y.numel() + " samples; return one probability per sample ([B] or [B, 1])");
    }
    return Metrics.bce(p, y);
  }

  private double weightedSum(double[] headLosses) {
    double sum = 0;
    for (int h = 0; h < headLosses.length; h++) {
      double w = heads.get(h).weight();
      sum += w == 1 ? headLosses[h] : w * headLosses[h];
    }
    return sum;
  }

  private List<String> names() {
    return heads.stream().map(Head::name).toList();
  }

  /**
   * Trains {@code steps} more steps, continuing from the current epoch and batch (a new epoch
   * starts when the data runs out). Returns the reports made.
   *
   * @throws IllegalArgumentException {@code steps} is below 1, or a head's label is not among the
   *     dataset's labels (checked before any step)
   * @throws IllegalStateException the dataset yields no batch, or fewer batches than a resumed
   *     position needs, or the forward returns another number of outputs than there are heads, or
   *     a head's loss is not finite (that step updates nothing; the message names what is not finite)
   * @throws io.recship.data.DataException a row the dataset's {@code BadRowPolicy} does not skip
   */
  public List<StepReport> train(Dataset dataset, long steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("train needs at least 1 step, got " + steps
          + "; pass how many batches to train on");
    }
    checkLabels(dataset);
    List<StepReport> reports = new ArrayList<>();
    Window window = new Window();
    ProgressBar bar = progressBar
        ? new ProgressBarBuilder().setTaskName("train").setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(500).build()
        : null;
    Dataset.BatchIterator it = dataset.batches(state.epoch);
    try {
      if (it.skip(state.batch) < state.batch) {
        throw new IllegalStateException("the dataset has fewer than " + state.batch
            + " batches in epoch " + state.epoch + "; resume with the dataset the checkpoint was trained on");
      }
      for (long done = 0; done < steps; done++) {
        if (!it.hasNext()) {
          it.close();
          it = dataset.batches(state.epoch + 1);
          if (!it.hasNext()) { // the state stays at the end of the last full epoch
            throw new IllegalStateException("the dataset " + dataset + " produced no batch: it"
                + " holds no rows, or fewer than one batch with dropLast");
          }
          state.epoch++;
          state.batch = 0;
        }
        double l = step(it.next(), window);
        state.batch++;
        if (bar != null) {
          bar.step();
          bar.setExtraMessage(String.format(java.util.Locale.ROOT, "loss %.4f", l));
        }
        if (window.steps >= reportEvery || done == steps - 1) {
          StepReport r = window.report(state.step, state.epoch);
          reports.add(r);
          LOG.info("{}", r);
          if (listener != null) {
            listener.accept(r);
          }
          window = new Window();
        }
      }
    } finally {
      it.close();
      if (bar != null) {
        bar.close();
      }
    }
    return reports;
  }

  /**
   * Loss and AUC per head on {@code dataset} in eval mode (tables unchanged, unseen ids give zeros).
   *
   * @throws IllegalArgumentException a head's label is not among the dataset's labels
   */
  public EvalResult evaluate(Dataset dataset) {
    checkLabels(dataset);
    boolean sparseTraining = sparse.isTraining();
    boolean denseTraining = dense.isTraining();
    sparse.eval();
    dense.eval();
    Window w = new Window();
    try {
      for (Batch b : dataset) {
        try (TensorScope scope = TensorScope.open()) {
          SparseOutput out = sparse.forward(b);
          List<Tensor> p = outputs(out);
          double[] l = new double[heads.size()];
          for (int h = 0; h < l.length; h++) {
            l[h] = headLoss(h, p.get(h), out).item();
          }
          w.add(b, p, l);
        }
      }
    } finally {
      if (sparseTraining) {
        sparse.train();
      }
      dense.train(denseTraining);
    }
    StepReport r = w.report(state.step, state.epoch);
    return new EvalResult(r.loss(), r.heads(), r.samples());
  }

  /**
   * Saves tables, dense parameters, both optimizers' state and the data position to {@code dir}:
   * everything a resumed run needs to repeat the uninterrupted one.
   *
   * @throws io.recship.checkpoint.CheckpointException a file cannot be written (naming it); the
   *     new files are written aside first, so the previous checkpoint in {@code dir} stays whole
   */
  public void save(Path dir) {
    save(dir, true);
  }

  /**
   * As {@link #save(Path)}; with {@code denseOptimizerState} false the dense optimizer's slots
   * (for Adam, twice the dense parameters' size) are left out, and a run loaded from it restarts
   * the dense optimizer fresh.
   */
  public void save(Path dir, boolean denseOptimizerState) {
    ModelCheckpoint.save(dir, sparse, dense, sparseOptimizer, denseOptimizerState ? denseOptimizer : null, state,
        headsByOutput);
  }

  /**
   * Loads what {@link #save} wrote, including the dense optimizer's state when it was saved (a
   * warning otherwise); the next {@link #train} call continues where that run was.
   *
   * @throws io.recship.checkpoint.CheckpointException the checkpoint does not fit this model (a
   *     missing or truncated file, a parameter, table, shape, feature recipe or optimizer that
   *     differs), naming the file, the key and the fix; nothing has changed then
   */
  public void load(Path dir) {
    TrainState loaded = ModelCheckpoint.load(dir, sparse, dense, sparseOptimizer, denseOptimizer, headsByOutput);
    state.step = loaded.step;
    state.epoch = loaded.epoch;
    state.batch = loaded.batch;
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** Per head, loss and predictions since the last report. */
  private final class Window {
    final double[] lossSum = new double[heads.size()];
    long samples;
    int steps;
    final List<List<float[]>> scores = new ArrayList<>();
    final List<List<float[]>> labels = new ArrayList<>();

    Window() {
      for (int h = 0; h < heads.size(); h++) {
        scores.add(new ArrayList<>());
        labels.add(new ArrayList<>());
      }
    }

    void add(Batch batch, List<Tensor> p, double[] headLosses) {
      int n = batch.size();
      for (int h = 0; h < lossSum.length; h++) {
        lossSum[h] += headLosses[h] * n;
        scores.get(h).add(p.get(h).toFloatArray());
        labels.get(h).add(batch.labels(heads.get(h).label()));
      }
      samples += n;
      steps++;
    }

    StepReport report(long step, int epoch) {
      Map<String, HeadMetrics> m = new LinkedHashMap<>();
      double[] mean = new double[lossSum.length];
      for (int h = 0; h < lossSum.length; h++) {
        mean[h] = samples == 0 ? Double.NaN : lossSum[h] / samples;
        m.put(heads.get(h).name(), new HeadMetrics(mean[h], Metrics.auc(concat(scores.get(h)), concat(labels.get(h)))));
      }
      return new StepReport(step, epoch, weightedSum(mean), m, samples);
    }

    private static float[] concat(List<float[]> parts) {
      int n = parts.stream().mapToInt(a -> a.length).sum();
      float[] out = new float[n];
      int pos = 0;
      for (float[] a : parts) {
        System.arraycopy(a, 0, out, pos, a.length);
        pos += a.length;
      }
      return out;
    }
  }

  /**
   * Options; {@link #build(Forward)} (one output) or {@link #buildHeads(HeadsForward)} (one output
   * per head) takes the dense forward last (a trailing lambda in Kotlin).
   */
  public static final class Builder {
    private final SparseModel sparse;
    private final Module dense;
    private @Nullable Optimizer denseOptimizer;
    private @Nullable SparseOptimizer sparseOptimizer;
    private final List<Head> heads = new ArrayList<>();
    private int reportEvery = 100;
    private boolean progressBar;
    private @Nullable Consumer<StepReport> listener;

    private Builder(SparseModel sparse, Module dense) {
      this.sparse = sparse;
      this.dense = dense;
    }

    /** Default: {@code Adam.of(dense, 1e-3)}. */
    public Builder denseOptimizer(Optimizer optimizer) {
      this.denseOptimizer = optimizer;
      return this;
    }

    /** Default: {@code SparseAdam.of(1e-3)}. */
    public Builder sparseOptimizer(SparseOptimizer optimizer) {
      this.sparseOptimizer = optimizer;
      return this;
    }

    /**
     * The label column of a one-output model (RecIS {@code add_label}): {@code head(label, label)},
     * a head named after its label, weight 1.
     */
    public Builder label(String label) {
      return head(label, label);
    }

    /** A head named {@code name} fitted to label column {@code label}, loss weight 1. */
    public Builder head(String name, String label) {
      return head(name, label, 1);
    }

    /**
     * A head named {@code name} fitted to label column {@code label}, contributing {@code weight
     * * BCE} to the loss. {@link #buildHeads(DenseOutputs)} matches heads to outputs by name;
     * {@link #buildHeads(HeadsForward)} by position, in declaration order.
     */
    public Builder head(String name, String label, double weight) {
      Head head = new Head(name, label, weight);
      for (Head h : heads) {
        if (h.name().equals(name)) {
          throw new IllegalArgumentException("head '" + name + "' is declared twice (labels '" + h.label() + "' and '"
              + label + "'); give each head its own name");
        }
      }
      heads.add(head);
      return this;
    }

    /** Report loss and AUC every {@code steps} steps (default 100). */
    public Builder reportEvery(int steps) {
      if (steps < 1) {
        throw new IllegalArgumentException("reportEvery must be >= 1, got " + steps);
      }
      this.reportEvery = steps;
      return this;
    }

    /** Show a console progress bar during {@link Trainer#train} (default off). */
    public Builder progressBar(boolean show) {
      this.progressBar = show;
      return this;
    }

    /** Also hand each report to {@code listener}. */
    public Builder onReport(Consumer<StepReport> listener) {
      this.listener = listener;
      return this;
    }

    /** A trainer for a one-output model: exactly one {@link #label} or {@link #head}. */
    public Trainer build(Forward forward) {
      Objects.requireNonNull(forward, "forward");
      checkHeads();
      if (heads.size() != 1) {
        throw new IllegalStateException("build(Forward) trains one output, but " + heads.size() + " heads are declared "
            + heads.stream().map(Head::name).toList() + "; use buildHeads with a forward that returns one tensor per head");
      }
      // not List.of: a null output must reach the check in outputs() that names the head
      return new Trainer(this, blocks -> Collections.singletonList(forward.apply(blocks)));
    }

    /** A trainer for a model with the declared heads; {@code forward} returns their outputs in declaration order. */
    public Trainer buildHeads(HeadsForward forward) {
      Objects.requireNonNull(forward, "forward");
      checkHeads();
      return new Trainer(this, forward);
    }

    /**
     * A trainer whose heads are matched to {@code outputs} by name: declare one head per output,
     * named as the output (a generated exporter's {@code outputs(model)} names them as
     * {@code @ExportOutput} does), in any order. A model with one output may name its one head
     * anything, e.g. after its label with {@link #label}.
     *
     * @throws IllegalStateException if a head names no output or an output has no head
     */
    public Trainer buildHeads(DenseOutputs outputs) {
      Objects.requireNonNull(outputs, "outputs");
      checkHeads();
      List<String> names = outputs.names();
      int[] outputOfHead = new int[heads.size()];
      if (names.size() == 1 && heads.size() == 1) {
        outputOfHead[0] = 0;
      } else {
        for (int i = 0; i < heads.size(); i++) {
          outputOfHead[i] = names.indexOf(heads.get(i).name());
          if (outputOfHead[i] < 0) {
            throw new IllegalStateException("head '" + heads.get(i).name() + "' is not an output of the model,"
                + " whose outputs are " + names + "; name each head after the output it trains, e.g. head(\""
                + names.get(0) + "\", labelColumn)");
          }
        }
        List<String> untrained = new ArrayList<>(names);
        heads.forEach(h -> untrained.remove(h.name()));
        if (!untrained.isEmpty()) {
          throw new IllegalStateException("output" + (untrained.size() == 1 ? " " : "s ") + untrained
              + " of the model ha" + (untrained.size() == 1 ? "s" : "ve") + " no head, so training would leave"
              + " " + (untrained.size() == 1 ? "it" : "them") + " untrained; declare head(\"" + untrained.get(0)
              + "\", labelColumn) for each output");
        }
      }
      List<Head> byOutput = new ArrayList<>(names.size());
      for (int j = 0; j < names.size(); j++) {
        for (int i = 0; i < outputOfHead.length; i++) {
          if (outputOfHead[i] == j) {
            byOutput.add(heads.get(i));
          }
        }
      }
      DenseForward forward = outputs.forward();
      return new Trainer(this, blocks -> {
        List<Tensor> all = forward.apply(blocks);
        if (all == null || all.size() != names.size()) {
          throw new IllegalStateException("the forward returned " + (all == null ? "null" : all.size() + " outputs")
              + " for the " + names.size() + " named outputs " + names);
        }
        // not List.of: a null output must reach the check in outputs() that names the head
        List<Tensor> byHead = new ArrayList<>(outputOfHead.length);
        for (int index : outputOfHead) {
          byHead.add(all.get(index));
        }
        return byHead;
      }, byOutput);
    }

    private void checkHeads() {
      if (heads.isEmpty()) {
        throw new IllegalStateException("no label: call label(column) for a one-output model, or head(name, column)"
            + " once per output");
      }
    }
  }
}
