package io.recship.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.recship.checkpoint.CheckpointException;
import io.recship.data.Batch;
import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.data.SyntheticCtr;
import io.recship.export.DenseOutputs;
import io.recship.nn.Parameter;
import io.recship.optim.Adam;
import io.recship.sparse.SparseAdam;
import io.recship.sparse.SparseModel;
import io.recship.sparse.SparseOutput;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trainer with two heads: ctr fitted to click, cvr to a second label. */
class TrainerHeadsTest {
  @TempDir Path dir;

  private static final SyntheticCtr GEN = SyntheticCtr.of(31);
  /** Click on an item of an even category: learnable from click signal and category. */
  private static final String CONVERSION = "conversion";
  private static final Schema SCHEMA =
      Schema.fromFg(SyntheticCtr.featureGenerator()).withLabels(SyntheticCtr.LABEL, CONVERSION).withIds(SyntheticCtr.SAMPLE_ID);

  private static List<Map<String, Object>> samples(long first, int count) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> s : GEN.samples(first, count)) {
      Map<String, Object> m = new LinkedHashMap<>(s);
      int category = Integer.parseInt(((String) m.get("category")).substring(1));
      m.put(CONVERSION, (double) m.get(SyntheticCtr.LABEL) == 1.0 && category % 2 == 0 ? 1.0 : 0.0);
      out.add(m);
    }
    return out;
  }

  /** 5 batches of 64 per epoch, shuffled per epoch. */
  private static Dataset data() {
    return Dataset.inMemory(SCHEMA, samples(0, 320)).batchSize(64).shuffleBuffer(128, 4).build();
  }

  private static Dataset heldOut() {
    return Dataset.inMemory(SCHEMA, samples(10_000, 300)).batchSize(100).build();
  }

  private static SparseModel sparse() {
    return SparseModel.fromFg(SyntheticCtr.featureGenerator(), false, 9);
  }

  private static Trainer twoHeads(SparseModel sparse, TwoTowerDense dense, Adam adam, double cvrWeight) {
    return Trainer.builder(sparse, dense)
        .head("ctr", SyntheticCtr.LABEL)
        .head("cvr", CONVERSION, cvrWeight)
        .denseOptimizer(adam)
        .sparseOptimizer(SparseAdam.of(0.01))
        .reportEvery(1)
        .buildHeads(dense::forward);
  }

  @Test
  void aNaNLossNamesTheNonFiniteWeightAndLeavesEveryWeightAsItWas() {
    try (TwoTowerDense dense = new TwoTowerDense(1); Adam adam = Adam.of(dense, 0.01)) {
      SparseModel sparse = sparse();
      Trainer t = twoHeads(sparse, dense, adam, 1.0);
      t.train(data(), 2);
      Map<String, float[]> rows = new LinkedHashMap<>(); // every table row trained so far, by table and id
      sparse.tables().forEach((name, table) -> {
        for (int r = 0; r < table.size(); r++) {
          rows.put(name + "/" + table.id(r), table.lookup(table.id(r)));
        }
      });
      Parameter poisoned = dense.namedParameters().get("ctr_tower.0.weight");
      float[] values = poisoned.toFloatArray();
      values[3] = Float.NaN;
      poisoned.set(values);
      Map<String, float[]> before = new LinkedHashMap<>();
      dense.namedParameters().forEach((name, w) -> before.put(name, w.toFloatArray()));

      assertThatThrownBy(() -> t.train(data(), 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("loss of head 'ctr' is NaN at step 3 (")
          .hasMessageContaining("; not finite: dense parameter 'ctr_tower.0.weight' (1 of 512 values),"
              + " output 'ctr' (64 of 64 values). No weight was updated")
          .hasMessageNotContaining("block '")
          .hasMessageNotContaining("output 'cvr'");
      assertThat(t.steps()).isEqualTo(2);
      assertThat(adam.steps()).isEqualTo(2);
      before.forEach((name, w) -> assertThat(dense.namedParameters().get(name).toFloatArray()).as(name).isEqualTo(w));
      rows.forEach((key, w) -> {
        String[] tableAndId = key.split("/");
        assertThat(sparse.table(tableAndId[0]).lookup(Long.parseLong(tableAndId[1]))).as(key).isEqualTo(w);
      });
    }
  }

  @Test
  void reportsLossAndAucPerHeadAndTheLossIsTheirWeightedSum() {
    try (TwoTowerDense dense = new TwoTowerDense(1); Adam adam = Adam.of(dense, 0.01)) {
      Trainer t = Trainer.builder(sparse(), dense)
          .head("ctr", SyntheticCtr.LABEL)
          .head("cvr", CONVERSION, 0.5)
          .denseOptimizer(adam)
          .reportEvery(3)
          .buildHeads(dense::forward);
      List<StepReport> reports = t.train(data(), 6);

      assertThat(reports).hasSize(2);
      for (StepReport r : reports) {
        assertThat(r.heads()).containsOnlyKeys("ctr", "cvr");
        assertThat(List.copyOf(r.heads().keySet())).containsExactly("ctr", "cvr");
        assertThat(r.loss()).isCloseTo(r.loss("ctr") + 0.5 * r.loss("cvr"), within(1e-12));
        assertThat(r.loss("cvr")).isNotEqualTo(r.loss("ctr"));
        assertThat(r.auc("ctr")).isBetween(0.0, 1.0).isNotEqualTo(r.auc("cvr"));
        assertThat(r.samples()).isEqualTo(3 * 64);
        assertThat(r.toString()).matches(
            "step \\d \\(epoch \\d\\): loss \\d\\.\\d{4}, ctr auc \\d\\.\\d{4}, cvr auc \\d\\.\\d{4} over 192 samples");
      }
    }
  }

  @Test
  void evaluateGivesEachHeadTheBceAndAucOfItsOwnOutputAgainstItsOwnLabel() {
    try (TwoTowerDense dense = new TwoTowerDense(1); Adam adam = Adam.of(dense, 0.01)) {
      SparseModel sparse = sparse();
      Trainer t = twoHeads(sparse, dense, adam, 2.0);
      t.train(data(), 5);
      EvalResult r = t.evaluate(heldOut());

      // the same numbers computed by hand from the model's outputs in eval mode
      sparse.eval();
      dense.eval();
      double[] lossSum = new double[2];
      List<float[]> p = List.of(new float[300], new float[300]);
      List<float[]> y = List.of(new float[300], new float[300]);
      String[] labels = {SyntheticCtr.LABEL, CONVERSION};
      int pos = 0;
      for (Batch b : heldOut()) {
        try (TensorScope s = TensorScope.open()) {
          SparseOutput out = sparse.forward(b);
          List<Tensor> outputs = dense.forward(Blocks.of(out.allBlocks()));
          for (int h = 0; h < 2; h++) {
            lossSum[h] += Metrics.bce(outputs.get(h), out.label(labels[h])).item() * (double) b.size();
            System.arraycopy(outputs.get(h).toFloatArray(), 0, p.get(h), pos, b.size());
            System.arraycopy(b.labels(labels[h]), 0, y.get(h), pos, b.size());
          }
          pos += b.size();
        }
      }
      assertThat(r.samples()).isEqualTo(300);
      assertThat(r.loss("ctr")).isEqualTo(lossSum[0] / 300);
      assertThat(r.loss("cvr")).isEqualTo(lossSum[1] / 300);
      assertThat(r.auc("ctr")).isEqualTo(Metrics.auc(p.get(0), y.get(0)));
      assertThat(r.auc("cvr")).isEqualTo(Metrics.auc(p.get(1), y.get(1)));
      assertThat(r.loss()).isEqualTo(lossSum[0] / 300 + 2.0 * (lossSum[1] / 300));
    }
  }

  /** With weight 0 the cvr head adds nothing to the gradients: training equals training ctr alone. */
  @Test
  void aHeadOfWeightZeroIsReportedButDoesNotChangeTraining() {
    List<Double> ctrLossesTwoHeads;
    Map<String, float[]> twoHeads = new LinkedHashMap<>();
    Map<String, float[]> initial = new LinkedHashMap<>();
    try (TwoTowerDense dense = new TwoTowerDense(1); Adam adam = Adam.of(dense, 0.01)) {
      dense.namedParameters().forEach((n, v) -> initial.put(n, v.toFloatArray()));
      List<StepReport> reports = twoHeads(sparse(), dense, adam, 0).train(data(), 4);
      ctrLossesTwoHeads = reports.stream().map(r -> r.loss("ctr")).toList();
      assertThat(reports).allSatisfy(r -> {
        assertThat(r.loss()).isEqualTo(r.loss("ctr"));
        assertThat(r.loss("cvr")).isPositive();
      });
      dense.namedParameters().forEach((n, v) -> twoHeads.put(n, v.toFloatArray()));
    }
    try (TwoTowerDense dense = new TwoTowerDense(1); Adam adam = Adam.of(dense, 0.01)) {
      List<StepReport> reports = Trainer.builder(sparse(), dense)
          .head("ctr", SyntheticCtr.LABEL)
          .denseOptimizer(adam)
          .sparseOptimizer(SparseAdam.of(0.01))
          .reportEvery(1)
          .build(dense::ctr)
          .train(data(), 4);
      assertThat(reports.stream().map(StepReport::loss).toList()).containsExactlyElementsOf(ctrLossesTwoHeads);
      dense.namedParameters().forEach((n, v) -> assertThat(twoHeads.get(n)).as(n).containsExactly(v.toFloatArray()));
    }
    assertThat(twoHeads.get("cvr_tower.0.weight")).containsExactly(initial.get("cvr_tower.0.weight"));
    assertThat(twoHeads.get("ctr_tower.0.weight")).isNotEqualTo(initial.get("ctr_tower.0.weight"));
  }

  @Test
  void twoHeadRunResumedFromACheckpointRepeatsTheUninterruptedReportsExactly() {
    List<StepReport> uninterrupted;
    try (TwoTowerDense dense = new TwoTowerDense(1); Adam adam = Adam.of(dense, 0.01)) {
      uninterrupted = twoHeads(sparse(), dense, adam, 0.5).train(data(), 8);
    }
    List<StepReport> resumed = new ArrayList<>();
    Path ckpt = dir.resolve("ckpt");
    try (TwoTowerDense dense = new TwoTowerDense(1); Adam adam = Adam.of(dense, 0.01)) {
      Trainer first = twoHeads(sparse(), dense, adam, 0.5);
      resumed.addAll(first.train(data(), 3)); // stops mid-epoch
      first.save(ckpt);
    }
    try (TwoTowerDense dense = new TwoTowerDense(77); Adam adam = Adam.of(dense, 0.01)) { // overwritten by load
      Trainer second = twoHeads(sparse(), dense, adam, 0.5);
      second.load(ckpt);
      resumed.addAll(second.train(data(), 5)); // crosses into epoch 1
      assertThat(second.state().epoch()).isEqualTo(1);
    }
    assertThat(uninterrupted).hasSize(8);
    // every report: step, epoch, total loss, each head's loss and AUC, samples
    assertThat(resumed).containsExactlyElementsOf(uninterrupted);
  }

  @Test
  void oneLabelIsOneHeadNamedAfterItsColumnAndReportsAsBefore() {
    try (TwoTowerDense dense = new TwoTowerDense(1)) {
      Trainer t = Trainer.builder(sparse(), dense).label(SyntheticCtr.LABEL).reportEvery(2).build(dense::ctr);
      assertThat(t.heads()).containsExactly(new Head("click", "click", 1));
      StepReport r = t.train(data(), 2).get(0);
      assertThat(r.heads()).containsOnlyKeys("click");
      assertThat(r.auc()).isEqualTo(r.auc("click"));
      assertThat(r.loss()).isEqualTo(r.loss("click"));
      assertThat(r.toString()).matches("step 2 \\(epoch 0\\): loss \\d\\.\\d{4}, auc \\d\\.\\d{4} over 128 samples");
      assertThat(t.evaluate(heldOut()).auc()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void aucWithoutAHeadNameIsRefusedWhenThereAreSeveralHeads() {
    Map<String, HeadMetrics> heads = new LinkedHashMap<>();
    heads.put("ctr", new HeadMetrics(0.5, 0.7));
    heads.put("cvr", new HeadMetrics(0.2, 0.8));
    StepReport r = new StepReport(10, 0, 0.7, heads, 640);
    assertThat(r.auc("cvr")).isEqualTo(0.8);
    assertThat(r.toString()).isEqualTo("step 10 (epoch 0): loss 0.7000, ctr auc 0.7000, cvr auc 0.8000 over 640 samples");
    assertThatThrownBy(r::auc).isInstanceOf(IllegalStateException.class)
        .hasMessage("2 heads [ctr, cvr] have an auc each; ask for one by name, e.g. auc(\"ctr\")");
    assertThatThrownBy(() -> r.auc("click")).hasMessage("no head 'click'; the heads are [ctr, cvr]");
    assertThatThrownBy(() -> new EvalResult(0.7, heads, 640).auc()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void forwardReturningAnotherNumberOfOutputsThanHeadsIsNamed() {
    try (TwoTowerDense dense = new TwoTowerDense(1)) {
      Trainer t = Trainer.builder(sparse(), dense)
          .head("ctr", SyntheticCtr.LABEL)
          .head("cvr", CONVERSION)
          .buildHeads(in -> List.of(dense.ctr(in)));
      assertThatThrownBy(() -> t.train(data(), 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the forward returned 1 output but the trainer has 2 heads [ctr, cvr];"
              + " return one probability tensor per head, in head order");
      assertThat(t.steps()).isZero();
    }
  }

  @Test
  void trainingForNoStepsIsRefusedRatherThanDoingNothing() {
    try (TwoTowerDense dense = new TwoTowerDense(1); Adam adam = Adam.of(dense, 0.01)) {
      Trainer t = twoHeads(sparse(), dense, adam, 1.0);
      assertThatThrownBy(() -> t.train(data(), 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("train needs at least 1 step, got 0; pass how many batches to train on");
    }
  }

  @Test
  void aNullOutputIsNamedByItsHeadBeforeAnyStepRuns() {
    try (TwoTowerDense dense = new TwoTowerDense(1)) {
      Trainer two = Trainer.builder(sparse(), dense)
          .head("ctr", SyntheticCtr.LABEL)
          .head("cvr", CONVERSION)
          .buildHeads(in -> Arrays.asList(dense.ctr(in), null));
      assertThatThrownBy(() -> two.train(data(), 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("the forward's output for head 'cvr' (#2 of 2) is null");
      assertThat(two.steps()).isZero();

      Trainer one = Trainer.builder(sparse(), dense).label(SyntheticCtr.LABEL).build(in -> null);
      assertThatThrownBy(() -> one.train(data(), 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("the forward's output for head '" + SyntheticCtr.LABEL + "' (#1 of 1) is null");
    }
  }

  @Test
  void headWhoseLabelTheDatasetLacksIsNamedBeforeAnyStepRuns() {
    try (TwoTowerDense dense = new TwoTowerDense(1)) {
      SparseModel sparse = sparse();
      Trainer t = Trainer.builder(sparse, dense)
          .head("ctr", SyntheticCtr.LABEL)
          .head("cvr", "buy")
          .buildHeads(dense::forward);
      assertThatThrownBy(() -> t.train(data(), 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("head 'cvr' is fitted to label 'buy', but the dataset's labels are [click, conversion];"
              + " add the column with Schema.withLabels or fix the head's label");
      // checked up front: no sparse forward ran, so no table grew
      assertThat(sparse.tables().values()).allSatisfy(table -> assertThat(table.size()).isZero());
      assertThat(t.steps()).isZero();
    }
  }

  @Test
  void builderRefusesHeadsThatCannotBeTrained() {
    try (TwoTowerDense dense = new TwoTowerDense(1)) {
      assertThatThrownBy(() -> Trainer.builder(sparse(), dense).build(dense::ctr))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no label: call label(column) for a one-output model, or head(name, column) once per output");
      assertThatThrownBy(() -> Trainer.builder(sparse(), dense).head("ctr", "click").head("cvr", CONVERSION).build(dense::ctr))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("build(Forward) trains one output, but 2 heads are declared [ctr, cvr];"
              + " use buildHeads with a forward that returns one tensor per head");
      assertThatThrownBy(() -> Trainer.builder(sparse(), dense).head("ctr", "click").head("ctr", CONVERSION))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("head 'ctr' is declared twice (labels 'click' and 'conversion'); give each head its own name");
      assertThatThrownBy(() -> Trainer.builder(sparse(), dense).head("cvr", CONVERSION, -1))
          .hasMessage("head 'cvr': loss weight must be finite and >= 0, got -1.0");
      assertThatThrownBy(() -> Trainer.builder(sparse(), dense).head("cvr", CONVERSION, Double.NaN))
          .hasMessage("head 'cvr': loss weight must be finite and >= 0, got NaN");
      assertThatThrownBy(() -> Trainer.builder(sparse(), dense).head("cvr", " "))
          .hasMessage("head 'cvr' needs the name of a label column, got \" \"");
    }
  }

  // ------------------------------------------------------------------ heads matched to outputs by name

  private static DenseOutputs named(TwoTowerDense dense) {
    return new DenseOutputs(List.of("ctr", "cvr"), dense::forward);
  }

  /** Trains 5 steps from the same start; returns the ctr tower's last weights. */
  private static float[] ctrTowerAfterTraining(BiFunction<Trainer.Builder, TwoTowerDense, Trainer> build) {
    try (TwoTowerDense dense = new TwoTowerDense(1); Adam adam = Adam.of(dense, 0.01)) {
      Trainer t = build.apply(Trainer.builder(sparse(), dense).denseOptimizer(adam)
          .sparseOptimizer(SparseAdam.of(0.01)), dense);
      t.train(data(), 5);
      return dense.namedParameters().get("ctr_tower.1.weight").toFloatArray();
    }
  }

  @Test
  void headsDeclaredInAnotherOrderThanTheNamedOutputsTrainTheOutputOfTheirName() {
    float[] byPosition = ctrTowerAfterTraining((b, dense) -> b
        .head("ctr", SyntheticCtr.LABEL).head("cvr", CONVERSION).buildHeads(dense::forward));
    float[] byName = ctrTowerAfterTraining((b, dense) -> b
        .head("cvr", CONVERSION).head("ctr", SyntheticCtr.LABEL).buildHeads(named(dense)));
    float[] swapped = ctrTowerAfterTraining((b, dense) -> b
        .head("cvr", CONVERSION).head("ctr", SyntheticCtr.LABEL).buildHeads(dense::forward));

    assertThat(byName).hasSameSizeAs(byPosition);
    for (int i = 0; i < byName.length; i++) {
      assertThat(byName[i]).as("ctr tower weight %d", i).isCloseTo(byPosition[i], within(1e-5f));
    }
    // the check has teeth: fitting the ctr tower to conversion moves it elsewhere
    float maxDiff = 0;
    for (int i = 0; i < swapped.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(swapped[i] - byPosition[i]));
    }
    assertThat(maxDiff).isGreaterThan(1e-3f);
  }

  @Test
  void aHeadThatNamesNoOutputIsRefusedListingTheOutputs() {
    try (TwoTowerDense dense = new TwoTowerDense(1)) {
      assertThatThrownBy(() -> Trainer.builder(sparse(), dense)
          .head("ctr", SyntheticCtr.LABEL).head("click_rate", CONVERSION).buildHeads(named(dense)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("head 'click_rate' is not an output of the model, whose outputs are [ctr, cvr]");
    }
  }

  @Test
  void anOutputWithoutAHeadIsRefusedNamingIt() {
    try (TwoTowerDense dense = new TwoTowerDense(1)) {
      assertThatThrownBy(() -> Trainer.builder(sparse(), dense)
          .head("ctr", SyntheticCtr.LABEL).buildHeads(named(dense)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("output [cvr] of the model has no head")
          .hasMessageContaining("head(\"cvr\", labelColumn)");
    }
  }

  @Test
  void oneHeadTrainsTheOneOutputWhateverItsName() {
    try (TwoTowerDense dense = new TwoTowerDense(1); Adam adam = Adam.of(dense, 0.01)) {
      Trainer t = Trainer.builder(sparse(), dense).label(SyntheticCtr.LABEL).denseOptimizer(adam)
          .buildHeads(new DenseOutputs(List.of("ctr"), in -> List.of(dense.ctr(in))));
      List<StepReport> reports = t.train(data(), 2);
      assertThat(reports.get(reports.size() - 1).heads()).containsOnlyKeys(SyntheticCtr.LABEL);
    }
  }

  @Test
  void resumingWithTheHeadsInAnotherOrderIsRefusedNamingBoth() {
    Path ckpt = dir.resolve("ckpt");
    try (TwoTowerDense dense = new TwoTowerDense(1); Adam adam = Adam.of(dense, 0.01)) {
      SparseModel sparse = sparse();
      Trainer first = twoHeads(sparse, dense, adam, 1.0);
      first.train(data(), 2);
      first.save(ckpt);
      Trainer swapped = Trainer.builder(sparse, dense).head("cvr", CONVERSION).head("ctr", SyntheticCtr.LABEL)
          .denseOptimizer(adam).buildHeads(dense::forward);

      assertThatThrownBy(() -> swapped.load(ckpt))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("trained, in order, as [ctr <- click, cvr <- conversion], but this trainer's heads"
              + " are [cvr <- conversion, ctr <- click]");
      // by name, the same declaration resumes: each output keeps its label
      Trainer byName = Trainer.builder(sparse, dense).head("cvr", CONVERSION).head("ctr", SyntheticCtr.LABEL)
          .denseOptimizer(adam).buildHeads(named(dense));
      byName.load(ckpt);
      assertThat(byName.steps()).isEqualTo(2);
    }
  }
}
