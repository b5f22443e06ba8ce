package io.recship.trace;

import io.recship.tensor.DType;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a trace recorded: inputs (forward arguments in sorted block order), attributes
 * (parameters and buffers by state-dict name and TorchScript name), the op nodes in execution
 * order, and the outputs. Immutable.
 */
public final class TracedGraph {
  /** A forward argument: one block. */
  public record Input(String blockName, String argName, long[] shape, DType dtype) {
    public Input {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }
  }

  /** A module tensor: {@code stateDictName} ({@code tower.0.weight}) is {@code self.attrName}. */
  public record Attribute(String stateDictName, String attrName, boolean parameter, long[] shape, DType dtype) {
    public Attribute {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }
  }

  /**
   * One recorded op: {@code value = expression}, where {@code expression} is the op's TorchScript
   * with its operands' names filled in. {@code live} is false for ops no output depends on (they
   * are left out of the generated source).
   */
  public record Node(String value, String op, String expression, long[] shape, DType dtype, String callSite, boolean live) {
    public Node {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    public String statement() {
      return value + " = " + expression;
    }
  }

  /** A returned tensor: output {@code name} is the TorchScript {@code expression}. */
  public record Output(String name, String expression, long[] shape, DType dtype) {
    public Output {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }
  }

  private final List<Input> inputs;
  private final List<Attribute> attributes;
  private final List<Node> nodes;
  private final List<Output> outputs;

  TracedGraph(List<Input> inputs, List<Attribute> attributes, List<Node> nodes, List<Output> outputs) {
    this.inputs = List.copyOf(inputs);
    this.attributes = List.copyOf(attributes);
    this.nodes = List.copyOf(nodes);
    this.outputs = List.copyOf(outputs);
  }

  public List<Input> inputs() {
    return inputs;
  }

  public List<Attribute> attributes() {
    return attributes;
  }

  public List<Node> nodes() {
    return nodes;
  }

  public List<Output> outputs() {
    return outputs;
  }

  /** The forward body: one statement per live node. */
  public List<String> statements() {
    return nodes.stream().filter(Node::live).map(Node::statement).collect(Collectors.toList());
  }

  /** The live node whose statement is {@code statement}, if any. */
  @org.jspecify.annotations.Nullable Node nodeOfStatement(String statement) {
    for (Node n : nodes) {
      if (n.live() && n.statement().equals(statement)) {
        return n;
      }
    }
    return null;
  }

  /** A human-readable listing: inputs, attributes, nodes with shapes and call sites, outputs. */
  public String render() {
    StringBuilder b = new StringBuilder();
    b.append("inputs (forward arguments, sorted by block name):\n");
    for (Input i : inputs) {
      b.append("  ").append(i.argName()).append(" <- block '").append(i.blockName()).append("' ")
          .append(shape(i.shape)).append(' ').append(i.dtype()).append('\n');
    }
    b.append("attributes:\n");
    for (Attribute a : attributes) {
      b.append("  self.").append(a.attrName()).append(" <- ").append(a.parameter() ? "parameter '" : "buffer '")
          .append(a.stateDictName()).append("' ").append(shape(a.shape)).append(' ').append(a.dtype()).append('\n');
    }
    b.append("nodes (trace batch shapes):\n");
    for (Node n : nodes) {
      b.append("  ").append(n.statement()).append("    # ").append(n.op()).append(' ')
          .append(shape(n.shape)).append(' ').append(n.dtype());
      if (!n.live()) {
        b.append(" (unused, not exported)");
      }
      b.append("  at ").append(n.callSite()).append('\n');
    }
    b.append("outputs:\n");
    for (Output o : outputs) {
      b.append("  ").append(o.name()).append(" = ").append(o.expression()).append(' ')
          .append(shape(o.shape)).append(' ').append(o.dtype()).append('\n');
    }
    return b.toString();
  }

  private static String shape(long[] s) {
    return Arrays.toString(s);
  }
}
