package io.recship.train;

import io.recship.data.Batch;
import io.recship.data.Dataset;
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
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a sparse arch and a dense net together: per batch, sparse forward, dense forward, BCE
 * against the label, backward; the dense optimizer updates the parameters, the sparse optimizer
 * the embedding rows the batch used. Loss and AUC are reported every {@code reportEvery} steps
 * (slf4j, and to a listener); a progress bar shows long runs.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(sparse, dense).label("click").build(dense::forward);
 * trainer.train(dataset, 1_000);
 * EvalResult r = trainer.evaluate(heldOut);
 * }</pre>
 *
 * Kotlin: {@code Trainer.builder(sparse, dense).label("click").build { dense.forward(it) }}.
 *
 * <p>The trainer remembers where it is in the data (epoch, batch); {@link #save} and {@link #load}
 * carry that with the model, so a loaded trainer continues on the batch an uninterrupted run
 * would have used next.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private final SparseModel sparse;
  private final Module dense;
  private final Optimizer denseOptimizer;
  private final SparseOptimizer sparseOptimizer;
  private final String label;
  private final int reportEvery;
  private final boolean progressBar;
  private final @Nullable Consumer<StepReport> listener;
  private final Forward forward;
  private final TrainState state = new TrainState();

  private Trainer(Builder b, Forward forward) {
    this.sparse = b.sparse;
    this.dense = b.dense;
    this.denseOptimizer = b.denseOptimizer != null ? b.denseOptimizer : Adam.of(b.dense, 1e-3);
    this.sparseOptimizer = b.sparseOptimizer != null ? b.sparseOptimizer : SparseAdam.of(1e-3);
    this.label = Objects.requireNonNull(b.label, "label: call Builder.label(name) with the dataset's label column");
    this.reportEvery = b.reportEvery;
    this.progressBar = b.progressBar;
    this.listener = b.listener;
    this.forward = forward;
  }

  public static Builder builder(SparseModel sparse, Module dense) {
    return new Builder(sparse, dense);
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
      Tensor p;
      Tensor loss;
      try (Autograd tape = Autograd.record()) {
        out = sparse.forward(batch);
        p = forward.apply(Blocks.of(out.allBlocks()));
        loss = Metrics.bce(p, out.label(label));
        tape.backward(loss);
      }
      denseOptimizer.step();
      sparseOptimizer.step(sparse.gradients(out));
      double l = loss.item();
      if (!Double.isFinite(l)) {
        throw new IllegalStateException("loss is " + l + " at step " + (state.step + 1) + " (" + batch.source(0)
            + "...); lower the learning rates or check the inputs");
      }
      if (window != null) {
        window.add(l, p.toFloatArray(), batch.labels(label));
      }
      state.step++;
      return l;
    }
  }

  /**
   * Trains {@code steps} more steps, continuing from the current epoch and batch (a new epoch
   * starts when the data runs out). Returns the reports made.
   */
  public List<StepReport> train(Dataset dataset, long steps) {
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
          state.epoch++;
          state.batch = 0;
          it = dataset.batches(state.epoch);
          if (!it.hasNext()) {
            throw new IllegalStateException("dataset produced no batch");
          }
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

  /** Loss and AUC on {@code dataset} in eval mode (tables unchanged, unseen ids give zeros). */
  public EvalResult evaluate(Dataset dataset) {
    boolean sparseTraining = sparse.isTraining();
    boolean denseTraining = dense.isTraining();
    sparse.eval();
    dense.eval();
    Window w = new Window();
    try {
      for (Batch b : dataset) {
        try (TensorScope scope = TensorScope.open()) {
          SparseOutput out = sparse.forward(b);
          Tensor p = forward.apply(Blocks.of(out.allBlocks()));
          w.add(Metrics.bce(p, out.label(label)).item(), p.toFloatArray(), b.labels(label));
        }
      }
    } finally {
      if (sparseTraining) {
        sparse.train();
      }
      dense.train(denseTraining);
    }
    StepReport r = w.report(state.step, state.epoch);
    return new EvalResult(r.loss(), r.auc(), r.samples());
  }

  /**
   * Saves tables, dense parameters, both optimizers' state and the data position to {@code dir}:
   * everything a resumed run needs to repeat the uninterrupted one.
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
    ModelCheckpoint.save(dir, sparse, dense, sparseOptimizer, denseOptimizerState ? denseOptimizer : null, state);
  }

  /**
   * Loads what {@link #save} wrote, including the dense optimizer's state when it was saved (a
   * warning otherwise); the next {@link #train} call continues where that run was.
   */
  public void load(Path dir) {
    TrainState loaded = ModelCheckpoint.load(dir, sparse, dense, sparseOptimizer, denseOptimizer);
    state.step = loaded.step;
    state.epoch = loaded.epoch;
    state.batch = loaded.batch;
  }

  /** Loss and predictions since the last report. */
  private static final class Window {
    double lossSum;
    long samples;
    int steps;
    final List<float[]> scores = new ArrayList<>();
    final List<float[]> labels = new ArrayList<>();

    void add(double loss, float[] p, float[] y) {
      lossSum += loss * y.length;
      samples += y.length;
      steps++;
      scores.add(p);
      labels.add(y);
    }

    StepReport report(long step, int epoch) {
      float[] s = concat(scores);
      float[] y = concat(labels);
      return new StepReport(step, epoch, samples == 0 ? Double.NaN : lossSum / samples, Metrics.auc(s, y), samples);
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

  /** Options; {@link #build(Forward)} takes the dense forward last (a trailing lambda in Kotlin). */
  public static final class Builder {
    private final SparseModel sparse;
    private final Module dense;
    private @Nullable Optimizer denseOptimizer;
    private @Nullable SparseOptimizer sparseOptimizer;
    private @Nullable String label;
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

    /** The label column (RecIS {@code add_label}); required. */
    public Builder label(String label) {
      this.label = label;
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

    public Trainer build(Forward forward) {
      return new Trainer(this, forward);
    }
  }
}
