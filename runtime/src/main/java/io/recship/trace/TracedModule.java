package io.recship.trace;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import io.recship.torchscript.ScriptModel;
import io.recship.torchscript.ScriptModuleSpec;
import io.recship.torchscript.TensorData;
import io.recship.torchscript.TorchScriptException;
import io.recship.torchscript.TorchScriptWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The result of {@link Trace#trace}: the recorded graph, the generated TorchScript module (with
 * the parameter values as of the trace), the eager outputs and the trace batch. Owns copies of
 * the outputs and the batch; close it to free them.
 */
public final class TracedModule implements AutoCloseable {
  /** allclose tolerances of {@link #validate}: |script - eager| <= ATOL + RTOL * |eager|. */
  public static final double ATOL = 1e-6;

  public static final double RTOL = 1e-5;

  private final String className;
  private final TracedGraph graph;
  private final Map<String, String> attributeNames;
  private final Module dense;
  private final Function<Blocks, List<Tensor>> forward;
  private final Blocks traceBatch;
  private final Blocks traceInputs;
  private final List<Tensor> eagerOutputs;
  private final TensorScope owner;
  private final ScriptModuleSpec spec;

  TracedModule(
      String className,
      TracedGraph graph,
      Map<String, String> attributeNames,
      Module dense,
      Function<Blocks, List<Tensor>> forward,
      Blocks traceBatch,
      List<Tensor> eagerOutputs,
      TensorScope owner) {
    this.className = className;
    this.graph = graph;
    this.attributeNames = Map.copyOf(attributeNames);
    this.dense = dense;
    this.forward = forward;
    this.traceBatch = traceBatch;
    Map<String, Tensor> used = new LinkedHashMap<>();
    for (TracedGraph.Input in : graph.inputs()) {
      used.put(in.blockName(), traceBatch.get(in.blockName()));
    }
    this.traceInputs = Blocks.of(used);
    this.eagerOutputs = List.copyOf(eagerOutputs);
    this.owner = owner;
    this.spec = buildSpec();
  }

  private ScriptModuleSpec buildSpec() {
    ScriptModuleSpec.Builder b = ScriptModuleSpec.builder(className);
    Map<String, Parameter> params = dense.namedParameters();
    Map<String, Tensor> buffers = dense.namedBuffers();
    for (TracedGraph.Attribute a : graph.attributes()) {
      NDArray value =
          a.parameter()
              ? params.get(a.stateDictName()).value().toNDArray()
              : buffers.get(a.stateDictName()).toNDArray();
      if (a.parameter()) {
        b.parameter(a.attrName(), TensorData.of(value));
      } else {
        b.buffer(a.attrName(), TensorData.of(value));
      }
    }
    for (TracedGraph.Input i : graph.inputs()) {
      b.input(i.argName());
    }
    graph.statements().forEach(b::statement);
    List<String> returns = new ArrayList<>();
    for (TracedGraph.Output o : graph.outputs()) {
      returns.add(o.expression());
    }
    return b.returns(returns).build();
  }

  public String className() {
    return className;
  }

  public TracedGraph graph() {
    return graph;
  }

  /** The blocks the graph takes, in forward-argument (sorted) order: those the outputs use. */
  public List<String> inputNames() {
    return traceInputs.names();
  }

  /** Blocks the forward received but no output depends on; not graph arguments. */
  public List<String> droppedInputs() {
    List<String> dropped = new ArrayList<>(traceBatch.names());
    dropped.removeAll(traceInputs.names());
    return dropped;
  }

  /** The output names, in declared order. */
  public List<String> outputNames() {
    return graph.outputs().stream().map(TracedGraph.Output::name).toList();
  }

  /** State-dict name ({@code tower.0.weight}) to TorchScript attribute ({@code tower_0_weight}). */
  public Map<String, String> attributeNames() {
    return attributeNames;
  }

  /** The eager outputs on the trace batch, in declared order (owned by this object). */
  public List<Tensor> eagerOutputs() {
    return eagerOutputs;
  }

  /** The trace batch as the graph takes it: the {@link #inputNames} blocks (owned by this object). */
  public Blocks traceInputs() {
    return traceInputs;
  }

  /** The module description handed to the archive writer. */
  public ScriptModuleSpec spec() {
    return spec;
  }

  /** The generated TorchScript class source. */
  public String source() {
    return spec.source();
  }

  /** {@code graph.txt}: the recorded graph, the state-dict to attribute mapping, and the source. */
  public String graphText() {
    StringBuilder b = new StringBuilder();
    b.append("# traced graph of ").append(className).append(" (trace batch size ")
        .append(traceBatch.batchSize()).append(")\n");
    if (!droppedInputs().isEmpty()) {
      b.append("# blocks no output uses, left out of the graph's inputs: ")
          .append(String.join(", ", droppedInputs())).append('\n');
    }
    b.append(graph.render());
    b.append("\n# generated TorchScript (code/__torch__ of the archive)\n");
    b.append(spec.source());
    return b.toString();
  }

  /** Writes the archive (deterministic: the same module and weights give the same bytes). */
  public void writeTo(Path archive) throws IOException {
    TorchScriptWriter.write(spec, archive);
  }

  /** The archive bytes. */
  public byte[] toBytes() {
    return TorchScriptWriter.toBytes(spec);
  }

  /**
   * Loads {@code archive} through libtorch and checks it against eager execution: on the trace
   * batch (against the recorded outputs) and on {@code otherBatch}, which must have a different
   * batch size (against the forward run eagerly now, in eval mode).
   *
   * @throws TraceValidationException if libtorch cannot compile or run the archive (naming the
   *     source line and the recorded op with its Java call site) or an output differs (naming the
   *     output, the batch size and the max abs diff)
   * @throws IllegalArgumentException if {@code otherBatch} has the trace batch size or other blocks
   */
  public ValidationReport validate(Path archive, Blocks otherBatch) {
    if (!otherBatch.names().equals(traceBatch.names())) {
      throw new IllegalArgumentException(
          "validation batch has blocks " + otherBatch.names() + " but the trace had " + traceBatch.names());
    }
    if (otherBatch.batchSize() == traceBatch.batchSize()) {
      throw new IllegalArgumentException(
          "validation batch must differ in size from the trace batch (" + traceBatch.batchSize()
              + " rows) so a baked-in batch size shows up; pass a batch of another size");
    }
    List<ValidationReport.Check> checks = new ArrayList<>();
    try (ScriptModel model = load(archive)) {
      checks.addAll(compare(model, traceInputs, eagerOutputs));
      boolean wasTraining = dense.isTraining();
      dense.eval();
      try (TensorScope scope = TensorScope.open()) {
        List<Tensor> eager = forward.apply(otherBatch);
        checks.addAll(compare(model, otherBatch, eager));
      } finally {
        dense.train(wasTraining);
      }
    }
    return new ValidationReport(checks);
  }

  private ScriptModel load(Path archive) {
    try {
      return ScriptModel.load(archive);
    } catch (TorchScriptException e) {
      throw scriptError("does not compile", e);
    }
  }

  private List<ValidationReport.Check> compare(ScriptModel model, Blocks batch, List<Tensor> expected) {
    List<NDArray> args = new ArrayList<>();
    for (TracedGraph.Input in : graph.inputs()) {
      args.add(batch.get(in.blockName()).toNDArray());
    }
    List<ValidationReport.Check> checks = new ArrayList<>();
    try (NDManager results = NDManager.newBaseManager("PyTorch")) {
      NDList actual;
      try {
        actual = model.forward(results, args);
      } catch (TorchScriptException e) {
        throw scriptError("fails at batch size " + batch.batchSize(), e);
      }
      List<String> outNames = outputNames();
      if (actual.size() != expected.size()) {
        throw new TraceValidationException(
            "archive returned " + actual.size() + " tensors, the eager forward " + expected.size(), null, Double.NaN, null);
      }
      for (int i = 0; i < expected.size(); i++) {
        checks.add(check(outNames.get(i), batch.batchSize(), actual.get(i), expected.get(i)));
      }
    }
    return checks;
  }

  private static ValidationReport.Check check(String output, long batchSize, NDArray actual, Tensor expected) {
    long[] as = actual.getShape().getShape();
    long[] es = expected.shape();
    if (!Arrays.equals(as, es)) {
      throw new TraceValidationException(
          "output '" + output + "' at batch size " + batchSize + ": TorchScript shape " + Arrays.toString(as)
              + " but eager shape " + Arrays.toString(es)
              + " (a size baked into the graph? write the batch dimension as -1)",
          output, Double.NaN, null);
    }
    float[] a = Tensor.wrap(actual).toFloatArray();
    float[] e = expected.toFloatArray();
    double maxDiff = 0;
    boolean ok = true;
    for (int i = 0; i < a.length; i++) {
      if (Float.isNaN(a[i]) || Float.isNaN(e[i])) {
        if (Float.isNaN(a[i]) != Float.isNaN(e[i])) {
          ok = false;
          maxDiff = Double.POSITIVE_INFINITY;
        }
        continue;
      }
      if (a[i] == e[i]) {
        continue; // also equal infinities
      }
      double d = Math.abs((double) a[i] - e[i]);
      maxDiff = Math.max(maxDiff, d);
      if (!(d <= ATOL + RTOL * Math.abs(e[i]))) {
        ok = false;
      }
    }
    if (!ok) {
      throw new TraceValidationException(
          "output '" + output + "' at batch size " + batchSize + " differs between TorchScript and eager:"
              + " max abs diff " + maxDiff + " exceeds allclose(atol=" + ATOL + ", rtol=" + RTOL + ")",
          output, maxDiff, null);
    }
    return new ValidationReport.Check(output, batchSize, maxDiff);
  }

  private TraceValidationException scriptError(String what, TorchScriptException e) {
    StringBuilder m = new StringBuilder("TorchScript archive of ").append(className).append(' ').append(what);
    if (e.line() > 0) {
      m.append(" at line ").append(e.line());
      OptionalInt index = spec.statementIndexAt(e.line());
      if (index.isPresent()) {
        String statement = spec.statements().get(index.getAsInt());
        m.append(": ").append(statement);
        TracedGraph.@Nullable Node node = graph.nodeOfStatement(statement);
        if (node != null) {
          m.append("\n  recorded from op '").append(node.op()).append("' at ").append(node.callSite());
        }
      } else if (e.sourceLine() != null) {
        m.append(": ").append(e.sourceLine());
      }
    }
    m.append("\n  libtorch: ").append(e.reason());
    return new TraceValidationException(m.toString(), null, Double.NaN, e);
  }

  @Override
  public void close() {
    owner.close();
  }
}
