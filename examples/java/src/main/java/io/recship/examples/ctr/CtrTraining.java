package io.recship.examples.ctr;

import io.recship.data.Batch;
import io.recship.data.Dataset;
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
import io.recship.train.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Trains both heads of {@link CtrModel} at once: loss = BCE(ctr, click) + BCE(cvr, conversion).
 * One sparse forward per batch feeds both tasks, so the shared embeddings get both gradients.
 *
 * <p>Why not {@code io.recship.train.Trainer}: it fits one probability to one label column, and
 * this model has two heads with a label each. The step is the Trainer's (sparse forward, dense
 * forward, backward, dense and sparse optimizer steps) with the two losses summed.
 */
final class CtrTraining implements AutoCloseable {
  /** Loss and per-task AUC over the steps since the previous report. */
  record Report(long step, int epoch, double loss, double ctrAuc, double cvrAuc, long samples) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "step %5d (epoch %d): loss %.4f, ctr auc %.4f, cvr auc %.4f over %d samples",
          step, epoch, loss, ctrAuc, cvrAuc, samples);
    }
  }

  private final SparseModel sparse;
  private final CtrDense dense;
  private final Optimizer denseOptimizer;
  private final SparseOptimizer sparseOptimizer;
  private long step;
  private int epoch;
  private long batchInEpoch;

  CtrTraining(CtrModel model, double denseLearningRate, double sparseLearningRate) {
    this.sparse = model.sparse;
    this.dense = model.dense;
    this.denseOptimizer = Adam.of(dense, denseLearningRate);
    this.sparseOptimizer = SparseAdam.of(sparseLearningRate);
  }

  Optimizer denseOptimizer() {
    return denseOptimizer;
  }

  SparseOptimizer sparseOptimizer() {
    return sparseOptimizer;
  }

  long steps() {
    return step;
  }

  /**
   * Trains {@code steps} more steps, continuing where the previous call stopped in the data and
   * starting a new epoch when it runs out.
   */
  List<Report> train(Dataset data, long steps, int reportEvery, Consumer<Report> listener) {
    List<Report> reports = new ArrayList<>();
    Window window = new Window();
    Dataset.BatchIterator it = data.batches(epoch);
    try {
      it.skip(batchInEpoch);
      for (long done = 0; done < steps; done++) {
        if (!it.hasNext()) {
          it.close();
          it = data.batches(++epoch);
          batchInEpoch = 0;
          if (!it.hasNext()) {
            throw new IllegalStateException("the training dataset produced no batch");
          }
        }
        step(it.next(), window);
        batchInEpoch++;
        if (window.steps >= reportEvery || done == steps - 1) {
          Report r = window.report(step, epoch);
          reports.add(r);
          listener.accept(r);
          window = new Window();
        }
      }
    } finally {
      it.close();
    }
    return reports;
  }

  private void step(Batch batch, Window window) {
    sparse.train();
    dense.train();
    try (TensorScope scope = TensorScope.open()) {
      denseOptimizer.zeroGrad();
      SparseOutput out;
      CtrDense.CtrCvr p;
      Tensor loss;
      try (Autograd tape = Autograd.record()) {
        out = sparse.forward(batch);
        p = dense.forward(Blocks.of(out.allBlocks()));
        loss = Metrics.bce(p.ctr(), out.label(CtrData.CLICK)).plus(Metrics.bce(p.cvr(), out.label(CtrData.CONVERSION)));
        tape.backward(loss);
      }
      denseOptimizer.step();
      sparseOptimizer.step(sparse.gradients(out));
      double l = loss.item();
      if (!Double.isFinite(l)) {
        throw new IllegalStateException("loss is " + l + " at step " + (step + 1) + "; lower the learning rates");
      }
      window.add(l, p.ctr().toFloatArray(), batch.labels(CtrData.CLICK), p.cvr().toFloatArray(),
          batch.labels(CtrData.CONVERSION));
      step++;
    }
  }

  @Override
  public void close() {
    denseOptimizer.close();
  }

  /** Predictions and labels since the last report. */
  private static final class Window {
    double lossSum;
    long samples;
    int steps;
    final List<float[]> ctr = new ArrayList<>();
    final List<float[]> clicks = new ArrayList<>();
    final List<float[]> cvr = new ArrayList<>();
    final List<float[]> conversions = new ArrayList<>();

    void add(double loss, float[] pCtr, float[] click, float[] pCvr, float[] conversion) {
      lossSum += loss * click.length;
      samples += click.length;
      steps++;
      ctr.add(pCtr);
      clicks.add(click);
      cvr.add(pCvr);
      conversions.add(conversion);
    }

    Report report(long step, int epoch) {
      return new Report(step, epoch, lossSum / samples, Metrics.auc(concat(ctr), concat(clicks)),
          Metrics.auc(concat(cvr), concat(conversions)), samples);
    }

    private static float[] concat(List<float[]> parts) {
      float[] out = new float[parts.stream().mapToInt(a -> a.length).sum()];
      int pos = 0;
      for (float[] a : parts) {
        System.arraycopy(a, 0, out, pos, a.length);
        pos += a.length;
      }
      return out;
    }
  }
}
