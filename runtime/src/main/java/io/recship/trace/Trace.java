package io.recship.trace;

import io.recship.nn.Module;
import io.recship.nn.Parameter;
import io.recship.tensor.Blocks;
import io.recship.tensor.OpObserver;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Records a dense forward as a TorchScript graph by running it once, eagerly, on real inputs.
 *
 * <pre>{@code
 * try (TracedModule t = Trace.trace("CtrDense", batch, dense, List.of("score"),
 *         in -> List.of(dense.forward(in)))) {
 *   t.writeTo(archive);
 *   t.validate(archive, otherBatch);     // libtorch output == eager output at two batch sizes
 *   Files.writeString(graphTxt, t.graphText());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Blocks become {@code forward} arguments in sorted block-name order; a block no output
 *       depends on is dropped, as RecIS' {@code RemoveUselessNodes} drops unused placeholders.
 *   <li>Every parameter and buffer of {@code dense} becomes a module attribute (parameters listed
 *       in {@code __parameters__}), named from its state-dict name: {@code tower.0.weight} is
 *       {@code self.tower_0_weight} ({@link TracedModule#attributeNames()} keeps the mapping).
 *   <li>The returned tensors become the outputs: one {@code Tensor}, or a tuple in list order.
 *   <li>The module runs in eval mode during the trace; its mode is restored afterwards.
 * </ul>
 *
 * A forward that uses an op with no TorchScript form, creates a fixed-shape tensor from nothing,
 * or mixes in a tensor the trace did not see being made fails with a {@link TraceException}
 * naming the op and the Java call site.
 */
public final class Trace {
  private Trace() {}

  /** Traces with outputs named {@code output0}, {@code output1}, ... */
  public static TracedModule trace(
      String className, Blocks inputs, Module dense, Function<Blocks, List<Tensor>> forward) {
    List<String> names = new ArrayList<>();
    return trace(className, inputs, dense, names, forward);
  }

  /**
   * Traces {@code forward} applied to {@code inputs}.
   *
   * @param className the TorchScript class name, simple ({@code "CtrDense"}) or dotted
   * @param inputs the trace batch
   * @param dense the module whose parameters and buffers the forward may use
   * @param outputNames one name per returned tensor, for messages and export metadata; empty to
   *     use {@code output0, output1, ...}
   * @param forward the forward to trace; returns the outputs in declared order
   */
  public static TracedModule trace(
      String className,
      Blocks inputs,
      Module dense,
      List<String> outputNames,
      Function<Blocks, List<Tensor>> forward) {
    Names names = new Names();
    Recorder recorder = new Recorder();
    List<TracedGraph.Input> graphInputs = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : inputs.asMap().entrySet()) {
      String arg = names.identifier(e.getKey());
      recorder.name(e.getValue(), arg);
      graphInputs.add(new TracedGraph.Input(e.getKey(), arg, e.getValue().shape(), e.getValue().dtype()));
    }
    Map<String, String> attributeNames = new LinkedHashMap<>();
    List<TracedGraph.Attribute> attributes = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : dense.namedParameters().entrySet()) {
      String attr = names.identifier(e.getKey());
      attributeNames.put(e.getKey(), attr);
      Tensor v = e.getValue().value();
      recorder.name(v, "self." + attr);
      attributes.add(new TracedGraph.Attribute(e.getKey(), attr, true, v.shape(), v.dtype()));
    }
    for (Map.Entry<String, Tensor> e : dense.namedBuffers().entrySet()) {
      String attr = names.identifier(e.getKey());
      attributeNames.put(e.getKey(), attr);
      recorder.name(e.getValue(), "self." + attr);
      attributes.add(new TracedGraph.Attribute(e.getKey(), attr, false, e.getValue().shape(), e.getValue().dtype()));
    }

    boolean wasTraining = dense.isTraining();
    dense.eval();
    TensorScope owner = TensorScope.standalone();
    try (TensorScope step = TensorScope.open()) {
      List<Tensor> outs;
      try (OpObserver.Activation active = OpObserver.activate(recorder)) {
        outs = forward.apply(inputs);
      }
      if (outs.isEmpty()) {
        throw new TraceException("output", CallSite.current(), "the traced forward of " + className + " returned no tensors");
      }
      List<String> outNames = outputNames(outputNames, outs.size(), className);
      List<TracedGraph.Output> graphOutputs = new ArrayList<>();
      List<String> exprs = new ArrayList<>();
      for (int i = 0; i < outs.size(); i++) {
        Tensor o = outs.get(i);
        String expr = recorder.nameOf(o);
        if (expr == null) {
          throw new TraceException(
              "output",
              CallSite.current(),
              "output '" + outNames.get(i) + "' (shape " + java.util.Arrays.toString(o.shape()) + ") of "
                  + className + " is a tensor the trace did not see being made; return tensors"
                  + " computed from the forward's inputs");
        }
        exprs.add(expr);
        graphOutputs.add(new TracedGraph.Output(outNames.get(i), expr, o.shape(), o.dtype()));
      }
      // RecIS' RemoveUselessNodes: only the blocks the outputs depend on become arguments
      Set<String> reachable = recorder.reachable(exprs);
      List<TracedGraph.Input> usedInputs = new ArrayList<>();
      for (TracedGraph.Input in : graphInputs) {
        if (reachable.contains(in.argName())) {
          usedInputs.add(in);
        }
      }
      if (usedInputs.isEmpty()) {
        throw new TraceException(
            "input",
            CallSite.current(),
            "the outputs " + outNames + " of " + className + " depend on none of the input blocks "
                + inputs.names() + "; a graph without inputs cannot keep a dynamic batch"
                + " dimension. Compute the outputs from the blocks the forward receives");
      }
      TracedGraph graph = new TracedGraph(usedInputs, attributes, recorder.nodes(exprs), graphOutputs);
      List<Tensor> eager = new ArrayList<>();
      for (Tensor o : outs) {
        eager.add(owner.adopt(o.copy()));
      }
      Map<String, Tensor> batch = new LinkedHashMap<>();
      inputs.asMap().forEach((k, v) -> batch.put(k, owner.adopt(v.copy())));
      return new TracedModule(className, graph, attributeNames, dense, forward, Blocks.of(batch), eager, owner);
    } catch (RuntimeException | Error e) {
      owner.close();
      throw e;
    } finally {
      dense.train(wasTraining);
    }
  }

  private static List<String> outputNames(List<String> given, int count, String className) {
    if (given.isEmpty()) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        out.add("output" + i);
      }
      return out;
    }
    if (given.size() != count) {
      throw new IllegalArgumentException(
          "the forward of " + className + " returned " + count + " tensors but " + given.size()
              + " output names were given " + given);
    }
    return List.copyOf(given);
  }
}
