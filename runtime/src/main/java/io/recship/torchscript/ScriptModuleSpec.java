package io.recship.torchscript;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * An immutable description of one TorchScript module: its class name, tensor attributes
 * (parameters and buffers), the tensor arguments of {@code forward}, the forward body as
 * single-line TorchScript statements, and the returned expressions.
 *
 * <pre>{@code
 * ScriptModuleSpec spec = ScriptModuleSpec.builder("Dense")
 *     .parameter("w1", w1).parameter("b1", b1)
 *     .input("a").input("b")
 *     .statement("x = torch.cat([a, b], 1)")
 *     .statement("h = torch.relu(torch.linear(x, self.w1, self.b1))")
 *     .returns(List.of("torch.sigmoid(h)", "h"))
 *     .build();
 * }</pre>
 *
 * <p>A class name {@code "UserModel"} becomes {@code __torch__.UserModel} in {@code
 * code/__torch__.py}; a dotted name {@code "a.b.UserModel"} becomes {@code
 * __torch__.a.b.UserModel} in {@code code/__torch__/a/b.py}. All names are checked when they are
 * added: a name TorchScript cannot use is an {@link IllegalArgumentException} naming it.
 */
public final class ScriptModuleSpec {
  private final String className;
  private final Map<String, TensorData> parameters;
  private final Map<String, TensorData> buffers;
  private final List<String> inputs;
  private final List<String> statements;
  private final List<String> returns;
  private final String source;
  /** 1-based source line of statement i is {@code firstStatementLine + i}. */
  private final int firstStatementLine;

  private ScriptModuleSpec(Builder b) {
    this.className = b.className;
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.parameters));
    this.buffers = Collections.unmodifiableMap(new LinkedHashMap<>(b.buffers));
    this.inputs = List.copyOf(b.inputs);
    this.statements = List.copyOf(b.statements);
    this.returns = List.copyOf(b.returns);
    List<String> lines = header();
    this.firstStatementLine = lines.size() + 1;
    for (String s : statements) {
      lines.add("    " + s);
    }
    lines.add(
        "    return "
            + (returns.size() == 1 ? returns.get(0) : "(" + String.join(", ", returns) + ")"));
    this.source = String.join("\n", lines) + "\n";
  }

  /**
   * Starts a spec for a class; {@code className} is a simple name ({@code "UserModel"}) or a
   * dotted qualified name ({@code "recs.towers.UserModel"}).
   */
  public static Builder builder(String className) {
    return new Builder(className);
  }

  /** The class name as given to {@link #builder}, e.g. {@code "a.b.UserModel"}. */
  public String className() {
    return className;
  }

  /** The class's TorchScript name, e.g. {@code "__torch__.a.b.UserModel"}. */
  public String qualifiedName() {
    return "__torch__." + className;
  }

  /** Parameters in declaration order (listed in {@code __parameters__}). */
  public Map<String, TensorData> parameters() {
    return parameters;
  }

  /** Tensor attributes that are not parameters, in declaration order. */
  public Map<String, TensorData> buffers() {
    return buffers;
  }

  /** Names of forward's tensor arguments, in order. */
  public List<String> inputs() {
    return inputs;
  }

  /** Forward body statements, in order, without indentation. */
  public List<String> statements() {
    return statements;
  }

  /** Returned expressions, in declared output order. */
  public List<String> returns() {
    return returns;
  }

  /** The generated class source, as written to the archive's code file. */
  public String source() {
    return source;
  }

  /** Path of the code file inside the archive's top folder, e.g. {@code code/__torch__/a/b.py}. */
  String codePath() {
    int dot = className.lastIndexOf('.');
    return dot < 0
        ? "code/__torch__.py"
        : "code/__torch__/" + className.substring(0, dot).replace('.', '/') + ".py";
  }

  /** Pickle module path of the class, e.g. {@code __torch__.a.b}. */
  String pickleModule() {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "__torch__" : "__torch__." + className.substring(0, dot);
  }

  /** The class's simple name, e.g. {@code UserModel}. */
  String simpleName() {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  /**
   * The 0-based index in {@link #statements()} of the statement on a 1-based line of {@link
   * #source()} (e.g. {@link TorchScriptException#line()}), so a caller can name the op that
   * produced it; empty for declaration and return lines.
   */
  public OptionalInt statementIndexAt(int sourceLine) {
    int index = sourceLine - firstStatementLine;
    return index >= 0 && index < statements.size() ? OptionalInt.of(index) : OptionalInt.empty();
  }

  /**
   * What a 1-based line of {@link #source()} holds, for error messages: {@code "statement 3"},
   * {@code "return"}, or {@code null} for generated declarations.
   */
  String describeLine(int line) {
    int index = line - firstStatementLine;
    if (index >= 0 && index < statements.size()) {
      return "forward statement " + (index + 1) + " of " + statements.size();
    }
    if (index == statements.size()) {
      return "return statement";
    }
    return "generated declaration";
  }

  /** Class declaration, attributes and the forward signature: everything before the body. */
  private List<String> header() {
    List<String> lines = new ArrayList<>();
    lines.add("class " + simpleName() + "(Module):");
    lines.add("  __parameters__ = " + pyList(parameters.keySet()));
    lines.add("  __buffers__ = " + pyList(buffers.keySet()));
    for (String name : parameters.keySet()) {
      lines.add("  " + name + " : Tensor");
    }
    for (String name : buffers.keySet()) {
      lines.add("  " + name + " : Tensor");
    }
    lines.add("  training : bool");
    String returnType =
        returns.size() == 1
            ? "Tensor"
            : "Tuple[" + String.join(", ", Collections.nCopies(returns.size(), "Tensor")) + "]";
    String self = "self: " + qualifiedName();
    if (inputs.isEmpty()) {
      lines.add("  def forward(" + self + ") -> " + returnType + ":");
    } else {
      lines.add("  def forward(" + self + ",");
      for (int i = 0; i < inputs.size(); i++) {
        boolean last = i == inputs.size() - 1;
        lines.add(
            "    " + inputs.get(i) + ": Tensor" + (last ? ") -> " + returnType + ":" : ","));
      }
    }
    return lines;
  }

  private static String pyList(Iterable<String> names) {
    StringBuilder sb = new StringBuilder("[");
    for (String n : names) {
      sb.append('"').append(n).append("\", ");
    }
    return sb.append(']').toString();
  }

  /** Collects a spec; every method checks its argument at once. Not thread-safe. */
  public static final class Builder {
    private final String className;
    private final Map<String, TensorData> parameters = new LinkedHashMap<>();
    private final Map<String, TensorData> buffers = new LinkedHashMap<>();
    private final List<String> inputs = new ArrayList<>();
    private final List<String> statements = new ArrayList<>();
    private final List<String> returns = new ArrayList<>();

    private Builder(String className) {
      String[] parts = className.split("\\.", -1);
      for (String part : parts) {
        Identifiers.check(
            parts.length == 1 ? "class name" : "segment of class name '" + className + "'", part);
      }
      this.className = className;
    }

    /** Adds a parameter: a tensor attribute listed in {@code __parameters__}; order is kept. */
    public Builder parameter(String name, TensorData value) {
      checkNewAttribute("parameter name", name);
      parameters.put(name, value);
      return this;
    }

    /** Adds a tensor attribute that is not a parameter (constant, mask, running statistic). */
    public Builder buffer(String name, TensorData value) {
      checkNewAttribute("buffer name", name);
      buffers.put(name, value);
      return this;
    }

    /** Adds a {@code Tensor} argument of forward; arguments keep their order. */
    public Builder input(String name) {
      Identifiers.check("input name", name);
      if (inputs.contains(name)) {
        throw new IllegalArgumentException(
            "input name '" + name + "' is declared twice; give each forward argument its own name");
      }
      inputs.add(name);
      return this;
    }

    /**
     * Appends one single-line forward statement, without indentation, e.g. {@code "x =
     * torch.cat([a, b], 1)"}. Attributes are read as {@code self.<name>}.
     */
    public Builder statement(String pythonStatement) {
      String s = pythonStatement.strip();
      if (s.isEmpty()) {
        throw new IllegalArgumentException("forward statement " + (statements.size() + 1)
            + " is blank; pass one TorchScript statement per call");
      }
      if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
        throw new IllegalArgumentException(
            "forward statement "
                + (statements.size() + 1)
                + " spans several lines: \""
                + s
                + "\"; pass each line as its own statement (blocks like 'if' are not supported)");
      }
      statements.add(s);
      return this;
    }

    /**
     * Sets the returned expressions: one gives {@code -> Tensor}, several give {@code ->
     * Tuple[Tensor, ...]} returned in this order. Replaces earlier {@code returns} calls.
     */
    public Builder returns(List<String> exprs) {
      if (exprs.isEmpty()) {
        throw new IllegalArgumentException(
            "forward of " + className + " must return at least one tensor expression");
      }
      List<String> checked = new ArrayList<>(exprs.size());
      for (String e : exprs) {
        String s = e.strip();
        if (s.isEmpty() || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
          throw new IllegalArgumentException(
              "return expression " + (checked.size() + 1) + " of " + className
                  + " must be one non-blank line, got \"" + e + "\"");
        }
        checked.add(s);
      }
      returns.clear();
      returns.addAll(checked);
      return this;
    }

    /** Same as {@link #returns(List)}. */
    public Builder returns(String... exprs) {
      return returns(Arrays.asList(exprs));
    }

    /**
     * @throws IllegalStateException if no return expression was set
     */
    public ScriptModuleSpec build() {
      if (returns.isEmpty()) {
        throw new IllegalStateException(
            "forward of " + className + " has no return expression; call returns(...) before build()");
      }
      return new ScriptModuleSpec(this);
    }

    private void checkNewAttribute(String what, String name) {
      Identifiers.check(what, name);
      if (parameters.containsKey(name) || buffers.containsKey(name)) {
        throw new IllegalArgumentException(
            what + " '" + name + "' is already an attribute of " + className
                + "; each parameter and buffer needs its own name");
      }
    }
  }
}
