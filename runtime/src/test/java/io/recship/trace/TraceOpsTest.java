package io.recship.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.recship.nn.Init;
import io.recship.nn.LayerNorm;
import io.recship.nn.Linear;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import io.recship.tensor.Blocks;
import io.recship.tensor.DType;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Tensor op, traced into one archive, run by libtorch at batch sizes 7, 1 and 128. */
class TraceOpsTest {
  static final Map<String, long[]> ROWS = Map.of("a", new long[] {4, 8}, "b", new long[] {4, 8}, "v", new long[] {8});

  static final class AllOps extends Module {
    final Linear linear = register("linear", new Linear(8, 8, true, new java.util.Random(1)));
    final LayerNorm norm = register("norm", new LayerNorm(8));
    final Parameter w;

    AllOps() {
      try (TensorScope s = TensorScope.open()) {
        w = register("w", Parameter.of(Init.uniform(new java.util.Random(2), -1, 1, 8, 8)));
      }
    }

    /** Op name to its output, in a fixed order. */
    Map<String, Tensor> forward(Blocks in) {
      Tensor a = in.get("a");
      Tensor b = in.get("b");
      Tensor v = in.get("v");
      Tensor pos = v.abs().plus(0.5);
      Map<String, Tensor> o = new LinkedHashMap<>();
      o.put("plus", a.plus(b));
      o.put("plusScalar", a.plus(1.5));
      o.put("minus", a.minus(b));
      o.put("minusScalar", a.minus(2));
      o.put("rsub", a.rsub(1));
      o.put("times", a.times(b));
      o.put("timesScalar", a.times(0.1));
      o.put("div", a.div(pos.unsqueeze(1)));
      o.put("divScalar", a.div(3));
      o.put("unaryMinus", a.unaryMinus());
      o.put("pow", a.pow(2));
      o.put("powTensor", pos.pow(v));
      o.put("matmul", a.matmul(w.value()));
      o.put("bmm", a.bmm(b.transpose(1, 2)));
      o.put("linear", linear.forward(a));
      o.put("cat", Tensor.cat(-1, a, b));
      o.put("reshape", a.reshape(-1, 32));
      o.put("viewWithBatchSize", a.view(a.size(0), 2, 16));
      o.put("flatten", a.flatten(1, 2));
      o.put("transpose", a.transpose(1, 2));
      o.put("unsqueeze", v.unsqueeze(1));
      o.put("squeeze", v.unsqueeze(-1).squeeze(-1));
      o.put("narrow", a.narrow(2, 1, 3));
      o.put("select", a.select(1, 0));
      o.put("sum", a.sum());
      o.put("sumDims", a.sum(new int[] {1, 2}, false));
      o.put("sumKeepdim", a.sum(1, true));
      o.put("mean", a.mean(-1, false));
      o.put("meanKeepdim", a.mean(new int[] {1}, true));
      o.put("relu", a.relu());
      o.put("sigmoid", a.sigmoid());
      o.put("tanh", a.tanh());
      o.put("gelu", a.gelu());
      o.put("softmax", a.softmax(-1));
      o.put("logSoftmax", a.logSoftmax(1));
      o.put("exp", a.exp());
      o.put("log", pos.log());
      o.put("sqrt", pos.sqrt());
      o.put("abs", a.abs());
      o.put("clamp", a.clamp(-0.5, 0.5));
      o.put("gt", a.gt(b));
      o.put("gtScalar", a.gt(0));
      o.put("ge", a.ge(b));
      o.put("lt", a.lt(0.25));
      o.put("le", a.le(b));
      o.put("eq", a.eq(a.relu()));
      o.put("ne", a.ne(0));
      o.put("logicalNot", a.gt(0).logicalNot());
      o.put("maskedFill", a.maskedFill(a.gt(0.5), -1e9));
      o.put("maskedFillBroadcast", a.maskedFill(v.gt(0).unsqueeze(1), Double.NEGATIVE_INFINITY).softmax(-1));
      o.put("where", Tensor.where(a.gt(b), a, b.times(2)));
      o.put("layerNorm", norm.forward(a));
      o.put("zerosLike", a.zerosLike());
      o.put("onesLike", v.onesLike());
      o.put("fullLike", v.fullLike(-2.5));
      o.put("toType", a.gt(0).toType(DType.FLOAT32));
      return o;
    }
  }

  @Test
  void everyOpMatchesEagerThroughLibtorchAtBatchSizes1And7And128(@TempDir Path dir) throws Exception {
    try (AllOps m = new AllOps(); TensorScope scope = TensorScope.open()) {
      Blocks trace = Batches.random(1, 7, ROWS);
      List<String> names = new ArrayList<>(m.forward(trace).keySet());
      Function<Blocks, List<Tensor>> fwd = in -> new ArrayList<>(m.forward(in).values());
      try (TracedModule t = Trace.trace("AllOps", trace, m, names, fwd)) {
        Path archive = dir.resolve("all_ops.pt");
        t.writeTo(archive);
        ValidationReport one = t.validate(archive, Batches.random(2, 1, ROWS));
        ValidationReport big = t.validate(archive, Batches.random(3, 128, ROWS));
        for (ValidationReport r : List.of(one, big)) {
          assertThat(r.checks()).hasSize(2 * names.size());
          assertThat(r.checks()).extracting(ValidationReport.Check::output).containsAll(names);
        }
        assertThat(one.checks()).extracting(ValidationReport.Check::batchSize).containsOnly(7L, 1L);
        assertThat(big.checks()).extracting(ValidationReport.Check::batchSize).containsOnly(7L, 128L);
        // every op of the forward is in the source
        assertThat(t.source()).contains("torch.bmm(", "torch.masked_fill(", "torch.layer_norm(", "torch.gelu(",
            "torch.log_softmax(", "torch.where(", "torch.zeros_like(", ".view([a.size(0), 2, 16])");
      }
    }
  }
}
