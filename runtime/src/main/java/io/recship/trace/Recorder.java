package io.recship.trace;

import io.recship.tensor.OpObserver;
import io.recship.tensor.OpRecord;
import io.recship.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The op observer a trace installs: names every tensor it sees and records each op. */
final class Recorder implements OpObserver {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)\\}");

  private record Pending(String value, String op, String expression, List<String> operands, long[] shape, io.recship.tensor.DType dtype, String callSite) {}

  private final Map<Tensor, String> names = new IdentityHashMap<>();
  private final List<Pending> pending = new ArrayList<>();

  /** Known from the start: forward arguments and module attributes ({@code self.x}). */
  void name(Tensor t, String expression) {
    names.putIfAbsent(t, expression);
  }

  @Override
  public void onOp(OpRecord op) {
    String script = op.script();
    if (script == null) {
      String site = CallSite.current();
      throw new TraceException(op.name(), site, untraceable(op.name(), site, op.inputs().isEmpty()));
    }
    List<String> operands = new ArrayList<>(op.inputs().size());
    for (int i = 0; i < op.inputs().size(); i++) {
      Tensor in = op.inputs().get(i);
      String n = names.get(in);
      if (n == null) {
        String site = CallSite.current();
        throw new TraceException(
            op.name(),
            site,
            "cannot trace op '" + op.name() + "' at " + site + ": operand " + (i + 1) + " (shape "
                + Arrays.toString(in.shape()) + ") is a tensor the trace did not see being made (computed"
                + " before the forward, or outside the traced module). A graph would bake its values in"
                + " as if they were constant. Compute it inside the forward from the inputs, or register"
                + " it on the module (register a Parameter, or registerBuffer for a constant).");
      }
      operands.add(n);
    }
    String value = Names.node(pending.size());
    Matcher m = PLACEHOLDER.matcher(script);
    StringBuilder expr = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(expr, Matcher.quoteReplacement(operands.get(Integer.parseInt(m.group(1)))));
    }
    m.appendTail(expr);
    names.put(op.output(), value);
    pending.add(new Pending(value, op.name(), expr.toString(), operands, op.output().shape(), op.output().dtype(), CallSite.current()));
  }

  /** A traced tensor's value read into Java would be a constant in the graph: refuse it. */
  @Override
  public void onRead(String accessor, Tensor tensor) {
    String name = names.get(tensor);
    if (name == null || name.startsWith("self.")) {
      // not made by the forward: a Java-side constant, or a parameter or buffer, whose value the
      // export keeps anyway; reading it bakes in nothing that varies with the batch
      return;
    }
    String site = CallSite.current();
    throw new TraceException(accessor, site, "cannot trace '" + accessor + "' at " + site + ": it reads"
        + " a traced tensor's values into Java, so the exported graph would keep this batch's value as"
        + " a constant (and any branch taken on it). Keep the computation in tensor ops (compare with"
        + " gt/lt and pick with Tensor.where instead of an if), or do it outside the forward.");
  }

  private static String untraceable(String op, String site, boolean factory) {
    if (factory) {
      return "cannot trace '" + op + "' at " + site + ": a tensor created from nothing inside the"
          + " forward has a fixed shape (it would bake the trace batch size into the graph). Derive it"
          + " from an input instead (x.zerosLike(), x.onesLike(), x.fullLike(v)), or register a"
          + " constant on the module with registerBuffer.";
    }
    return "cannot trace op '" + op + "' at " + site + ": it has no TorchScript form (a custom"
        + " Tensor.map function or training-only behaviour such as dropout in training mode). Trace"
        + " in eval mode and use Tensor ops that TorchScript supports.";
  }

  /** The expression naming {@code t}, or null if the trace never saw it. */
  @org.jspecify.annotations.Nullable String nameOf(Tensor t) {
    return names.get(t);
  }

  /**
   * Every name the outputs depend on, directly or through ops: node values, forward arguments
   * and module attributes.
   */
  Set<String> reachable(List<String> outputExpressions) {
    Set<String> live = new HashSet<>(outputExpressions);
    for (int i = pending.size() - 1; i >= 0; i--) {
      Pending p = pending.get(i);
      if (live.contains(p.value())) {
        live.addAll(p.operands());
      }
    }
    return live;
  }

  /** Nodes in execution order, marking those no output depends on. */
  List<TracedGraph.Node> nodes(List<String> outputExpressions) {
    Set<String> live = reachable(outputExpressions);
    List<TracedGraph.Node> out = new ArrayList<>(pending.size());
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i);
      out.add(new TracedGraph.Node(p.value(), p.op(), p.expression(), p.shape(), p.dtype(), p.callSite(), live.contains(p.value())));
    }
    return out;
  }
}
