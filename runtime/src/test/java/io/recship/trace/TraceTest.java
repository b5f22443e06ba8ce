package io.recship.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.recship.nn.Activation;
import io.recship.nn.Init;
import io.recship.nn.LayerNorm;
import io.recship.nn.Linear;
import io.recship.nn.Mlp;
import io.recship.nn.Module;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import io.recship.torchscript.ScriptModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {
  static final Map<String, long[]> CTR_ROWS = Map.of("user", new long[] {16}, "item", new long[] {8});

  /** A CTR tower with two heads, returned as a record like an @ExportOutput({"ctr", "cvr"}) model. */
  static final class CtrCvrDense extends Module {
    record CtrCvr(Tensor ctr, Tensor cvr) {}

    final Mlp tower = register("tower", Mlp.builder(24, 32, 16).activation(Activation.GELU).activateLast(true).dropout(0.3).random(new Random(3)).build());
    final Linear ctrHead = register("ctr_head", new Linear(16, 1, true, new Random(4)));
    final Linear cvrHead = register("cvr_head", new Linear(16, 1, true, new Random(5)));

    CtrCvr forward(Blocks in) {
      Tensor h = tower.forward(Tensor.cat(-1, in.get("user"), in.get("item")));
      return new CtrCvr(ctrHead.forward(h).sigmoid(), cvrHead.forward(h).times(2).sigmoid());
    }
  }

  /** DIN-style target attention: a query item attends over a padded behaviour sequence. */
  static final class TargetAttention extends Module {
    final Linear query = register("query", new Linear(8, 8, true, new Random(6)));
    final LayerNorm norm = register("norm", new LayerNorm(8));
    final Mlp out = register("out", Mlp.builder(16, 16, 1).random(new Random(7)).build());

    Tensor forward(Blocks in) {
      Tensor item = in.get("item");                // [B, 8]
      Tensor seq = in.get("seq");                  // [B, L, 8]
      Tensor pad = in.get("seq_mask");             // [B, L], > 0 where the slot is padding
      Tensor q = query.forward(item).unsqueeze(2); // [B, 8, 1]
      Tensor scores = seq.bmm(q).squeeze(-1).div(Math.sqrt(8)); // [B, L]
      Tensor weights = scores.maskedFill(pad.gt(0), -1e9).softmax(-1);
      Tensor pooled = weights.unsqueeze(1).bmm(seq).squeeze(1);  // [B, 8]
      return out.forward(Tensor.cat(1, norm.forward(pooled), item)).sigmoid();
    }
  }

  private TensorScope scope;

  @BeforeEach
  void open() {
    scope = TensorScope.open();
  }

  @AfterEach
  void close() {
    scope.close();
  }

  private static TracedModule traceCtrCvr(CtrCvrDense m, Blocks batch) {
    return Trace.trace("recs.CtrCvrDense", batch, m, List.of("ctr", "cvr"), in -> {
      CtrCvrDense.CtrCvr r = m.forward(in);
      return List.of(r.ctr(), r.cvr());
    });
  }

  @Test
  void multiOutputRecordComesBackFromLibtorchInDeclaredOrder(@TempDir Path dir) throws Exception {
    try (CtrCvrDense m = new CtrCvrDense()) {
      Blocks batch = Batches.random(1, 16, CTR_ROWS);
      try (TracedModule t = traceCtrCvr(m, batch)) {
        Path archive = dir.resolve("m.pt");
        t.writeTo(archive);
        ValidationReport r = t.validate(archive, Batches.random(2, 5, CTR_ROWS));
        assertThat(r.checks()).extracting(ValidationReport.Check::output).containsExactly("ctr", "cvr", "ctr", "cvr");
        assertThat(t.outputNames()).containsExactly("ctr", "cvr");
        assertThat(t.inputNames()).containsExactly("item", "user");
        assertThat(t.source()).contains("def forward(self: __torch__.recs.CtrCvrDense,", "item: Tensor,", "user: Tensor)",
            "-> Tuple[Tensor, Tensor]:", "torch.cat([user, item], -1)");
        try (ScriptModel loaded = ScriptModel.load(archive); NDManager nd = NDManager.newBaseManager("PyTorch")) {
          NDList out = loaded.forward(nd, batch.get("item").toNDArray(), batch.get("user").toNDArray());
          m.eval(); // dropout off, as in the trace
          CtrCvrDense.CtrCvr eager = m.forward(batch);
          assertThat(Tensor.wrap(out.get(0)).toFloatArray()).containsExactly(eager.ctr().toFloatArray(), within(1e-6f));
          assertThat(Tensor.wrap(out.get(1)).toFloatArray()).containsExactly(eager.cvr().toFloatArray(), within(1e-6f));
          assertThat(eager.ctr().toFloatArray()).isNotEqualTo(eager.cvr().toFloatArray());
        }
      }
    }
  }

  @Test
  void parametersAreAttributesNamedFromStateDictNames() {
    try (CtrCvrDense m = new CtrCvrDense(); TracedModule t = traceCtrCvr(m, Batches.random(1, 4, CTR_ROWS))) {
      assertThat(t.attributeNames()).containsEntry("tower.0.weight", "tower_0_weight").containsEntry("ctr_head.bias", "ctr_head_bias");
      assertThat(t.spec().parameters().keySet()).containsExactly(
          "tower_0_weight", "tower_0_bias", "tower_1_weight", "tower_1_bias", "ctr_head_weight", "ctr_head_bias", "cvr_head_weight", "cvr_head_bias");
      assertThat(t.source()).contains("torch.linear(_t0, self.tower_0_weight, self.tower_0_bias)");
      assertThat(m.isTraining()).as("training mode restored after the trace").isTrue();
    }
  }

  @Test
  void mlpTracedEndToEnd(@TempDir Path dir) throws Exception {
    Init.manualSeed(3);
    try (Mlp mlp = Mlp.of(24, 64, 32, 1)) {
      Blocks batch = Batches.random(4, 128, Map.of("x", new long[] {24}));
      try (TracedModule t = Trace.trace("Tower", batch, mlp, in -> List.of(mlp.forward(in.get("x"))))) {
        Path archive = dir.resolve("mlp.pt");
        t.writeTo(archive);
        assertThat(t.validate(archive, Batches.random(5, 1, Map.of("x", new long[] {24}))).maxAbsDiff()).isLessThan(1e-5);
        assertThat(t.validate(archive, Batches.random(6, 7, Map.of("x", new long[] {24}))).checks()).hasSize(2);
        assertThat(t.graph().statements()).hasSize(5); // 3 linears, 2 relus
      }
    }
  }

  @Test
  void targetAttentionTracedEndToEnd(@TempDir Path dir) throws Exception {
    try (TargetAttention m = new TargetAttention()) {
      Map<String, long[]> rows = Map.of("item", new long[] {8}, "seq", new long[] {5, 8}, "seq_mask", new long[] {5});
      Blocks batch = Batches.random(7, 7, rows);
      try (TracedModule t = Trace.trace("TargetAttention", batch, m, List.of("score"), in -> List.of(m.forward(in)))) {
        Path archive = dir.resolve("att.pt");
        t.writeTo(archive);
        t.validate(archive, Batches.random(8, 1, rows));
        t.validate(archive, Batches.random(9, 128, rows));
        assertThat(t.source()).contains("torch.bmm(", "torch.masked_fill(", "torch.softmax(");
        assertThat(t.inputNames()).containsExactly("item", "seq", "seq_mask");
      }
    }
  }

  @Test
  void writingTheSameModelTwiceGivesTheSameBytes(@TempDir Path dir) throws Exception {
    try (CtrCvrDense m = new CtrCvrDense()) {
      Blocks batch = Batches.random(1, 16, CTR_ROWS);
      try (TracedModule a = traceCtrCvr(m, batch); TracedModule b = traceCtrCvr(m, Batches.random(2, 16, CTR_ROWS))) {
        // the archive's top folder is named after the file, so write the same name in two folders
        for (String d : List.of("1", "2", "3")) {
          Files.createDirectories(dir.resolve(d));
        }
        a.writeTo(dir.resolve("1/m.pt"));
        a.writeTo(dir.resolve("2/m.pt"));
        b.writeTo(dir.resolve("3/m.pt"));
        byte[] first = Files.readAllBytes(dir.resolve("1/m.pt"));
        assertThat(Files.readAllBytes(dir.resolve("2/m.pt"))).isEqualTo(first);
        assertThat(Files.readAllBytes(dir.resolve("3/m.pt"))).as("a second trace on other data").isEqualTo(first);
        assertThat(a.toBytes()).isEqualTo(b.toBytes());
      }
    }
  }

  @Test
  void graphTextShowsNodesCallSitesMappingAndSource() {
    try (CtrCvrDense m = new CtrCvrDense(); TracedModule t = traceCtrCvr(m, Batches.random(1, 4, CTR_ROWS))) {
      String g = t.graphText();
      assertThat(g).contains("item <- block 'item' [4, 8] FLOAT32", "self.tower_0_weight <- parameter 'tower.0.weight' [32, 24]",
          "# linear [4, 32] FLOAT32", "TraceTest$CtrCvrDense.forward(TraceTest.java:", "ctr = ", "cvr = ",
          "# generated TorchScript", t.source());
    }
  }

  @Test
  void blocksNoOutputDependsOnAreDroppedFromTheGraphAsRecisDoes(@TempDir Path dir) throws Exception {
    Map<String, long[]> rows = Map.of("user", new long[] {16}, "item", new long[] {8}, "unused", new long[] {4});
    try (CtrCvrDense m = new CtrCvrDense()) {
      // reads 'unused' and even computes with it, but no output depends on the result
      TracedModule t = Trace.trace("recs.CtrCvrDense", Batches.random(1, 6, rows), m, List.of("ctr", "cvr"), in -> {
        in.get("unused").relu();
        CtrCvrDense.CtrCvr r = m.forward(in);
        return List.of(r.ctr(), r.cvr());
      });
      try (t) {
        assertThat(t.inputNames()).containsExactly("item", "user");
        assertThat(t.droppedInputs()).containsExactly("unused");
        assertThat(t.traceInputs().names()).containsExactly("item", "user");
        assertThat(t.source()).contains("item: Tensor,", "user: Tensor)").doesNotContain("unused");
        assertThat(t.graphText()).contains("# blocks no output uses, left out of the graph's inputs: unused\n");
        Path archive = dir.resolve("m.pt");
        t.writeTo(archive);
        // the validation batch is what the forward receives: all three blocks
        ValidationReport r = t.validate(archive, Batches.random(2, 5, rows));
        assertThat(r.checks()).hasSize(4);
        try (ScriptModel loaded = ScriptModel.load(archive); NDManager nd = NDManager.newBaseManager("PyTorch")) {
          Blocks b = Batches.random(3, 4, rows);
          NDList out = loaded.forward(nd, b.get("item").toNDArray(), b.get("user").toNDArray());
          m.eval(); // dropout off, as in the trace
          assertThat(Tensor.wrap(out.get(0)).toFloatArray())
              .containsExactly(m.forward(b).ctr().toFloatArray(), within(1e-6f));
        }
      }
    }
  }

  @Test
  void outputsThatDependOnNoInputBlockFailTheTrace() {
    try (Mlp mlp = Mlp.of(4, 2)) {
      Blocks batch = Batches.random(1, 3, Map.of("x", new long[] {4}));
      assertThatThrownBy(() -> Trace.trace("Const", batch, mlp, List.of("score"),
              in -> List.of(mlp.parameters().get(0).value().sigmoid())))
          .isInstanceOf(TraceException.class)
          .hasMessageContaining("the outputs [score] of Const depend on none of the input blocks [x]");
    }
  }

  @Test
  void aTensorCreatedFromNothingInsideTheForwardFailsWithOpAndCallSite() {
    try (Mlp mlp = Mlp.of(4, 2)) {
      Blocks batch = Batches.random(1, 3, Map.of("x", new long[] {4}));
      assertThatThrownBy(() -> Trace.trace("Bad", batch, mlp, in -> List.of(mlp.forward(in.get("x").plus(Tensor.ones(3, 4))))))
          .isInstanceOf(TraceException.class)
          .hasMessageContaining("cannot trace 'Tensor.ones' at io.recship.trace.TraceTest.lambda$")
          .hasMessageContaining("TraceTest.java:")
          .hasMessageContaining("zerosLike")
          .satisfies(e -> assertThat(((TraceException) e).op()).isEqualTo("Tensor.ones"));
    }
  }

  @Test
  void aTensorComputedOutsideTheForwardFailsTheTrace() {
    try (Mlp mlp = Mlp.of(4, 2)) {
      Blocks batch = Batches.random(1, 3, Map.of("x", new long[] {4}));
      Tensor outside = batch.get("x").times(2); // computed before tracing: would be baked in
      assertThatThrownBy(() -> Trace.trace("Bad", batch, mlp, in -> List.of(in.get("x").minus(outside))))
          .isInstanceOf(TraceException.class)
          .hasMessageContaining("cannot trace op 'minus' at io.recship.trace.TraceTest")
          .hasMessageContaining("operand 2 (shape [3, 4]) is a tensor the trace did not see being made");
    }
  }

  @Test
  void readingATracedTensorsValueInTheForwardFailsWithTheAccessorAndCallSite() {
    try (Mlp mlp = Mlp.of(4, 2)) {
      Blocks batch = Batches.random(1, 3, Map.of("x", new long[] {4}));
      // a data-dependent branch: the graph would keep whichever side this batch took
      assertThatThrownBy(() -> Trace.trace("Bad", batch, mlp, in -> {
            Tensor x = in.get("x");
            return List.of(x.mean().item() > 1e9 ? x.times(2) : x);
          }))
          .isInstanceOf(TraceException.class)
          .hasMessageContaining("cannot trace 'Tensor.item' at io.recship.trace.TraceTest.lambda$")
          .hasMessageContaining("TraceTest.java:")
          .hasMessageContaining("Tensor.where")
          .satisfies(e -> assertThat(((TraceException) e).op()).isEqualTo("Tensor.item"));
      assertThatThrownBy(() -> Trace.trace("Bad", batch, mlp,
              in -> List.of(in.get("x").times(in.get("x").toFloatArray()[0]))))
          .isInstanceOf(TraceException.class)
          .hasMessageContaining("cannot trace 'Tensor.toFloatArray'");
    }
  }

  @Test
  void readingARegisteredBufferInTheForwardIsFine() {
    class Scaled extends Module {
      final Tensor temperature = registerBuffer("temperature", Tensor.of(new float[] {2f}, 1));
    }
    try (Scaled m = new Scaled()) {
      Blocks batch = Batches.random(1, 3, Map.of("x", new long[] {4}));
      try (TracedModule traced = Trace.trace("Scaled", batch, m,
          in -> List.of(in.get("x").div(m.temperature.item())))) {
        assertThat(traced.source()).contains("2.0");
      }
    }
  }

  @Test
  void readingAJavaSideConstantInTheForwardIsFine() {
    try (Mlp mlp = Mlp.of(4, 2);
        Tensor scale = Tensor.of(new float[] {2f}, 1)) {
      Blocks batch = Batches.random(1, 3, Map.of("x", new long[] {4}));
      try (TracedModule traced =
          Trace.trace("Scaled", batch, mlp, in -> List.of(in.get("x").times(scale.item())))) {
        assertThat(traced.source()).contains("2.0");
      }
    }
  }

  @Test
  void anOpWithoutTorchScriptFormFailsTheTrace() {
    try (Mlp mlp = Mlp.of(4, 2)) {
      Blocks batch = Batches.random(1, 3, Map.of("x", new long[] {4}));
      assertThatThrownBy(() -> Trace.trace("Bad", batch, mlp, in -> List.of(in.get("x").map("cumsum", nd -> nd.cumSum(1)))))
          .isInstanceOf(TraceException.class)
          .hasMessageContaining("cannot trace op 'cumsum' at io.recship.trace.TraceTest")
          .hasMessageContaining("no TorchScript form");
    }
  }

  @Test
  void aSizeBakedIntoTheGraphIsCaughtAtTheSecondBatchSize(@TempDir Path dir) throws Exception {
    try (Mlp mlp = Mlp.of(4, 2)) {
      Map<String, long[]> rows = Map.of("x", new long[] {4});
      // [B, 4] -> [4, B] -> [4 * B]: eager computes the size, the graph records the literal 12
      try (TracedModule t = Trace.trace("Baked", Batches.random(1, 3, rows), mlp,
          in -> List.of(in.get("x").transpose(0, 1).reshape(4 * in.batchSize())))) {
        Path archive = dir.resolve("baked.pt");
        t.writeTo(archive);
        assertThatThrownBy(() -> t.validate(archive, Batches.random(2, 5, rows)))
            .isInstanceOf(TraceValidationException.class)
            .hasMessageContaining("fails at batch size 5")
            .hasMessageContaining("torch.reshape(")
            .hasMessageContaining("recorded from op 'reshape' at io.recship.trace.TraceTest");
      }
    }
  }

  @Test
  void aMismatchNamesTheOutputAndTheMaxAbsDiff(@TempDir Path dir) throws Exception {
    try (CtrCvrDense m = new CtrCvrDense()) {
      try (TracedModule t = traceCtrCvr(m, Batches.random(1, 16, CTR_ROWS))) {
        Path archive = dir.resolve("m.pt");
        t.writeTo(archive);
        // the archive holds the weights as of the trace; change the eager model afterwards
        float[] b = m.cvrHead.bias().toFloatArray();
        b[0] += 1;
        m.cvrHead.bias().set(b);
        assertThatThrownBy(() -> t.validate(archive, Batches.random(2, 5, CTR_ROWS)))
            .isInstanceOf(TraceValidationException.class)
            .hasMessageContaining("output 'cvr' at batch size 5 differs between TorchScript and eager: max abs diff")
            .satisfies(e -> assertThat(((TraceValidationException) e).maxAbsDiff()).isGreaterThan(1e-3));
      }
    }
  }

  @Test
  void validationNeedsABatchOfAnotherSize(@TempDir Path dir) throws Exception {
    try (CtrCvrDense m = new CtrCvrDense(); TracedModule t = traceCtrCvr(m, Batches.random(1, 16, CTR_ROWS))) {
      t.writeTo(dir.resolve("m.pt"));
      assertThatThrownBy(() -> t.validate(dir.resolve("m.pt"), Batches.random(2, 16, CTR_ROWS)))
          .hasMessageContaining("must differ in size from the trace batch (16 rows)");
    }
  }
}
