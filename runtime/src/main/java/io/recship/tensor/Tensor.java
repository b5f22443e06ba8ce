package io.recship.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * An n-dimensional array on the CPU, backed by a DJL {@link NDArray} of the PyTorch engine.
 *
 * <p>Ops return new tensors owned by the innermost open {@link TensorScope} of the calling thread.
 * Method names follow PyTorch, except arithmetic, which is named for Kotlin's operators ({@code
 * a + b} is {@link #plus}, {@code -a} is {@link #unaryMinus}). Comparisons return {@link
 * DType#BOOL} tensors and are named like {@code torch.gt}.
 *
 * <p>Every op goes through {@link #dispatch}: it runs the op eagerly and, when an {@link
 * OpObserver} is active (a trace), reports the op with its TorchScript expression. Tensors are
 * compared by identity.
 */
public final class Tensor implements AutoCloseable {
  private final NDArray array;

  private Tensor(NDArray array) {
    this.array = array;
  }

  // ---------------------------------------------------------------- creation and access

  /**
   * Wraps an existing array without copying. The array keeps its manager; it is not an op, so a
   * trace does not know the result (use it for inputs and parameters, not inside a forward).
   */
  public static Tensor wrap(NDArray array) {
    return new Tensor(array);
  }

  /**
   * A float32 tensor holding a copy of {@code data} (row-major) in the given shape, which must hold
   * exactly {@code data.length} values. Like every tensor the factories here make from Java data,
   * its memory is libtorch's own: it stays valid for a backward after the tensor is closed, and it
   * is 64-byte aligned whatever the JVM's flags.
   */
  public static Tensor of(float[] data, long... shape) {
    return factory("Tensor.of", m -> LibtorchCopies.create(m, data, new Shape(shape)));
  }

  /** A float32 matrix from rows of equal length. */
  public static Tensor of(float[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("Tensor.of(float[][]) needs at least one row");
    }
    int cols = rows[0].length;
    float[] flat = new float[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != cols) {
        throw new IllegalArgumentException(
            "row " + i + " has " + rows[i].length + " values, row 0 has " + cols);
      }
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return of(flat, rows.length, cols);
  }

  /** An int64 tensor holding {@code data} (row-major) in the given shape. */
  public static Tensor of(long[] data, long... shape) {
    return factory("Tensor.of", m -> LibtorchCopies.create(m, data, new Shape(shape)));
  }

  /** A bool tensor holding {@code data} (row-major) in the given shape. */
  public static Tensor of(boolean[] data, long... shape) {
    return factory("Tensor.of", m -> LibtorchCopies.create(m, data, new Shape(shape)));
  }

  /** A float32 scalar (0-d) tensor. */
  public static Tensor scalar(float value) {
    return factory("Tensor.scalar", m -> LibtorchCopies.create(m, new float[] {value}, new Shape()));
  }

  public static Tensor zeros(long... shape) {
    return factory("Tensor.zeros", m -> m.zeros(new Shape(shape)));
  }

  public static Tensor ones(long... shape) {
    return factory("Tensor.ones", m -> m.ones(new Shape(shape)));
  }

  public static Tensor full(Number value, long... shape) {
    return factory("Tensor.full", m -> m.full(new Shape(shape), value.floatValue()));
  }

  /** Zeros with this tensor's shape and dtype; traceable, so it keeps a graph batch-free. */
  public Tensor zerosLike() {
    return dispatch("zerosLike", () -> "torch.zeros_like({0})", () -> array.zerosLike(), this);
  }

  public Tensor onesLike() {
    return dispatch("onesLike", () -> "torch.ones_like({0})", () -> array.onesLike(), this);
  }

  public Tensor fullLike(Number value) {
    return dispatch(
        "fullLike",
        () -> "torch.full_like({0}, " + Py.num(value) + ")",
        () -> array.onesLike().muli(value),
        this);
  }

  /** The backing DJL array (shared, not copied). Ops on it directly are invisible to a trace. */
  public NDArray toNDArray() {
    return array;
  }

  public long[] shape() {
    return array.getShape().getShape();
  }

  /** Size of dimension {@code dim}; negative counts from the end. */
  public long size(int dim) {
    return array.getShape().get(axis(dim));
  }

  /** Number of dimensions. */
  public int dims() {
    return array.getShape().dimension();
  }

  public long numel() {
    return array.size();
  }

  public DType dtype() {
    return DType.of(array.getDataType());
  }

  /** The values, row-major, as floats. Inside a traced forward, not for tensors the forward computed. */
  public float[] toFloatArray() {
    observeRead("Tensor.toFloatArray");
    return floats();
  }

  /** The values, row-major, as longs. Inside a traced forward, not for tensors the forward computed. */
  public long[] toLongArray() {
    observeRead("Tensor.toLongArray");
    return array.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
  }

  /** The values, row-major. Inside a traced forward, not for tensors the forward computed. */
  public boolean[] toBooleanArray() {
    observeRead("Tensor.toBooleanArray");
    return array.toBooleanArray();
  }

  /**
   * The single value of a one-element tensor, as a float. Inside a traced forward, not for tensors
   * the forward computed: a graph cannot carry a Java value (or a branch taken on it).
   */
  public float item() {
    if (array.size() != 1) {
      throw new IllegalStateException(
          "item() needs a one-element tensor, this one has shape " + array.getShape());
    }
    observeRead("Tensor.item");
    return floats()[0];
  }

  private float[] floats() {
    return array.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
  }

  private void observeRead(String accessor) {
    OpObserver observer = OpObserver.active();
    if (observer != null) {
      observer.onRead(accessor, this);
    }
  }

  /** A copy owned by the current scope (not an op: a trace does not know the copy). */
  public Tensor copy() {
    NDArray dup = array.duplicate();
    dup.attach(TensorScope.currentManager());
    return new Tensor(dup);
  }

  /** Frees the native memory now rather than when the owning scope closes. */
  @Override
  public void close() {
    array.close();
  }

  public boolean isClosed() {
    return array.isReleased();
  }

  // ---------------------------------------------------------------- arithmetic (Kotlin operators)

  public Tensor plus(Tensor other) {
    return dispatch("plus", () -> "torch.add({0}, {1})", () -> array.add(other.array), this, other);
  }

  public Tensor plus(Number value) {
    return dispatch(
        "plus",
        () -> "torch.add({0}, " + Py.num(value) + ")",
        () -> withScalar(value, array::add),
        this);
  }

  public Tensor minus(Tensor other) {
    return dispatch("minus", () -> "torch.sub({0}, {1})", () -> array.sub(other.array), this, other);
  }

  public Tensor minus(Number value) {
    return dispatch(
        "minus",
        () -> "torch.sub({0}, " + Py.num(value) + ")",
        () -> withScalar(value, array::sub),
        this);
  }

  /** {@code value - this}. */
  public Tensor rsub(Number value) {
    return dispatch(
        "rsub",
        () -> "torch.rsub({0}, " + Py.num(value) + ")",
        () -> withScalar(value, s -> array.neg().addi(s)),
        this);
  }

  public Tensor times(Tensor other) {
    return dispatch("times", () -> "torch.mul({0}, {1})", () -> array.mul(other.array), this, other);
  }

  public Tensor times(Number value) {
    return dispatch(
        "times",
        () -> "torch.mul({0}, " + Py.num(value) + ")",
        () -> withScalar(value, array::mul),
        this);
  }

  public Tensor div(Tensor other) {
    return dispatch("div", () -> "torch.div({0}, {1})", () -> array.div(other.array), this, other);
  }

  public Tensor div(Number value) {
    return dispatch(
        "div",
        () -> "torch.div({0}, " + Py.num(value) + ")",
        () -> withScalar(value, array::div),
        this);
  }

  public Tensor unaryMinus() {
    return dispatch("unaryMinus", () -> "torch.neg({0})", array::neg, this);
  }

  public Tensor pow(Number exponent) {
    return dispatch(
        "pow",
        () -> "torch.pow({0}, " + Py.num(exponent) + ")",
        () -> withScalar(exponent, array::pow),
        this);
  }

  public Tensor pow(Tensor exponent) {
    return dispatch(
        "pow", () -> "torch.pow({0}, {1})", () -> array.pow(exponent.array), this, exponent);
  }

  // ---------------------------------------------------------------- linear algebra

  /** Matrix product with broadcasting, as {@code torch.matmul}. */
  public Tensor matmul(Tensor other) {
    return dispatch(
        "matmul", () -> "torch.matmul({0}, {1})", () -> array.matMul(other.array), this, other);
  }

  /** Batched matrix product of {@code [b, n, m]} and {@code [b, m, p]}. */
  public Tensor bmm(Tensor other) {
    return dispatch(
        "bmm", () -> "torch.bmm({0}, {1})", () -> array.batchMatMul(other.array), this, other);
  }

  /** {@code this @ weight^T + bias} with a PyTorch-layout weight {@code [out, in]}. */
  public Tensor linear(Tensor weight, @Nullable Tensor bias) {
    if (bias == null) {
      return dispatch(
          "linear",
          () -> "torch.linear({0}, {1})",
          () -> ex().linear(array, weight.array, null).singletonOrThrow(),
          this,
          weight);
    }
    return dispatch(
        "linear",
        () -> "torch.linear({0}, {1}, {2})",
        () -> ex().linear(array, weight.array, bias.array).singletonOrThrow(),
        this,
        weight,
        bias);
  }

  // ---------------------------------------------------------------- shape

  /** Concatenates along {@code dim} (negative counts from the end). */
  public static Tensor cat(int dim, Tensor... tensors) {
    return cat(dim, Arrays.asList(tensors));
  }

  public static Tensor cat(int dim, List<Tensor> tensors) {
    if (tensors.isEmpty()) {
      throw new IllegalArgumentException("cat needs at least one tensor");
    }
    Tensor[] ins = tensors.toArray(new Tensor[0]);
    return dispatch(
        "cat",
        () -> {
          StringJoiner j = new StringJoiner(", ", "torch.cat([", "], " + dim + ")");
          for (int i = 0; i < ins.length; i++) {
            j.add("{" + i + "}");
          }
          return j.toString();
        },
        () -> {
          NDList list = new NDList(ins.length);
          for (Tensor t : ins) {
            list.add(t.array);
          }
          return NDArrays.concat(list, dim);
        },
        ins);
  }

  /**
   * Reshapes; one dimension may be {@code -1}. Write the batch dimension as {@code -1} (or as
   * {@code x.size(0)}, which a trace records as {@code x.size(0)}) so a traced graph works at any
   * batch size.
   */
  public Tensor reshape(long... shape) {
    return dispatch(
        "reshape",
        () -> "torch.reshape({0}, " + shapeScript(shape) + ")",
        () -> array.reshape(new Shape(shape)),
        this);
  }

  /** Like {@link #reshape}, as PyTorch's {@code view} (no copy). */
  public Tensor view(long... shape) {
    return dispatch(
        "view",
        () -> "{0}.view(" + shapeScript(shape) + ")",
        () -> array.reshape(new Shape(shape)),
        this);
  }

  /** Flattens dims {@code startDim..endDim} (inclusive) into one. */
  public Tensor flatten(int startDim, int endDim) {
    return dispatch(
        "flatten",
        () -> "torch.flatten({0}, " + startDim + ", " + endDim + ")",
        () -> array.flatten(axis(startDim), axis(endDim)),
        this);
  }

  public Tensor transpose(int dim0, int dim1) {
    return dispatch(
        "transpose",
        () -> "torch.transpose({0}, " + dim0 + ", " + dim1 + ")",
        () -> array.swapAxes(axis(dim0), axis(dim1)),
        this);
  }

  public Tensor unsqueeze(int dim) {
    return dispatch(
        "unsqueeze",
        () -> "torch.unsqueeze({0}, " + dim + ")",
        () -> array.expandDims(dim < 0 ? dim + dims() + 1 : dim),
        this);
  }

  /** Removes dimension {@code dim}, which must have size 1. */
  public Tensor squeeze(int dim) {
    if (size(dim) != 1) {
      throw new IllegalArgumentException(
          "squeeze(" + dim + ") needs a dimension of size 1, shape is " + array.getShape());
    }
    return dispatch(
        "squeeze", () -> "torch.squeeze({0}, " + dim + ")", () -> array.squeeze(axis(dim)), this);
  }

  /** The slice {@code start .. start+length-1} of dimension {@code dim}. */
  public Tensor narrow(int dim, long start, long length) {
    int a = axis(dim);
    return dispatch(
        "narrow",
        () -> "torch.narrow({0}, " + dim + ", " + start + ", " + length + ")",
        () -> {
          NDIndex idx = new NDIndex();
          for (int i = 0; i < a; i++) {
            idx.addAllDim();
          }
          return array.get(idx.addSliceDim(start, start + length));
        },
        this);
  }

  /** Index {@code index} of dimension {@code dim}, which is removed. */
  public Tensor select(int dim, long index) {
    int a = axis(dim);
    return dispatch(
        "select",
        () -> "torch.select({0}, " + dim + ", " + index + ")",
        () -> {
          NDIndex idx = new NDIndex();
          for (int i = 0; i < a; i++) {
            idx.addAllDim();
          }
          return array.get(idx.addIndices(index));
        },
        this);
  }

  // ---------------------------------------------------------------- reductions

  public Tensor sum() {
    return dispatch("sum", () -> "torch.sum({0})", array::sum, this);
  }

  public Tensor sum(int[] dims, boolean keepdim) {
    int[] d = dims.clone();
    return dispatch(
        "sum",
        () -> "torch.sum({0}, " + Py.ints(d) + ", " + Py.bool(keepdim) + ")",
        () -> array.sum(axes(d), keepdim),
        this);
  }

  public Tensor sum(int dim, boolean keepdim) {
    return sum(new int[] {dim}, keepdim);
  }

  public Tensor mean() {
    return dispatch("mean", () -> "torch.mean({0})", array::mean, this);
  }

  public Tensor mean(int[] dims, boolean keepdim) {
    int[] d = dims.clone();
    return dispatch(
        "mean",
        () -> "torch.mean({0}, " + Py.ints(d) + ", " + Py.bool(keepdim) + ")",
        () -> array.mean(axes(d), keepdim),
        this);
  }

  public Tensor mean(int dim, boolean keepdim) {
    return mean(new int[] {dim}, keepdim);
  }

  // ---------------------------------------------------------------- elementwise

  public Tensor relu() {
    return dispatch("relu", () -> "torch.relu({0})", () -> ex().relu(), this);
  }

  public Tensor sigmoid() {
    return dispatch("sigmoid", () -> "torch.sigmoid({0})", () -> ex().sigmoid(), this);
  }

  public Tensor tanh() {
    return dispatch("tanh", () -> "torch.tanh({0})", array::tanh, this);
  }

  /** Exact (erf) GELU, PyTorch's default. */
  public Tensor gelu() {
    return dispatch("gelu", () -> "torch.gelu({0})", () -> ex().gelu(), this);
  }

  public Tensor exp() {
    return dispatch("exp", () -> "torch.exp({0})", array::exp, this);
  }

  public Tensor log() {
    return dispatch("log", () -> "torch.log({0})", array::log, this);
  }

  public Tensor sqrt() {
    return dispatch("sqrt", () -> "torch.sqrt({0})", array::sqrt, this);
  }

  public Tensor abs() {
    return dispatch("abs", () -> "torch.abs({0})", array::abs, this);
  }

  public Tensor clamp(Number min, Number max) {
    return dispatch(
        "clamp",
        () -> "torch.clamp({0}, " + Py.num(min) + ", " + Py.num(max) + ")",
        () -> array.clip(min, max),
        this);
  }

  public Tensor softmax(int dim) {
    return dispatch("softmax", () -> "torch.softmax({0}, " + dim + ")", () -> array.softmax(dim), this);
  }

  public Tensor logSoftmax(int dim) {
    return dispatch(
        "logSoftmax", () -> "torch.log_softmax({0}, " + dim + ")", () -> array.logSoftmax(dim), this);
  }

  /** Layer normalisation over the trailing {@code normalizedShape} dims, as {@code F.layer_norm}. */
  public Tensor layerNorm(long[] normalizedShape, Tensor weight, Tensor bias, double eps) {
    long[] s = normalizedShape.clone();
    return dispatch(
        "layerNorm",
        () -> "torch.layer_norm({0}, " + shapeList(s) + ", {1}, {2}, " + Py.flt(eps) + ")",
        () -> ex().layerNorm(array, new Shape(s), weight.array, bias.array, (float) eps).singletonOrThrow(),
        this,
        weight,
        bias);
  }

  public Tensor toType(DType type) {
    return dispatch(
        "toType",
        () -> "torch.to({0}, " + type.scalarTypeCode() + ")",
        () -> array.toType(type.toDjl(), true),
        this);
  }

  // ---------------------------------------------------------------- comparisons and masks

  public Tensor gt(Tensor other) {
    return dispatch("gt", () -> "torch.gt({0}, {1})", () -> array.gt(other.array), this, other);
  }

  public Tensor gt(Number value) {
    return dispatch("gt", () -> "torch.gt({0}, " + Py.num(value) + ")", () -> array.gt(value), this);
  }

  public Tensor ge(Tensor other) {
    return dispatch("ge", () -> "torch.ge({0}, {1})", () -> array.gte(other.array), this, other);
  }

  public Tensor ge(Number value) {
    return dispatch("ge", () -> "torch.ge({0}, " + Py.num(value) + ")", () -> array.gte(value), this);
  }

  public Tensor lt(Tensor other) {
    return dispatch("lt", () -> "torch.lt({0}, {1})", () -> array.lt(other.array), this, other);
  }

  public Tensor lt(Number value) {
    return dispatch("lt", () -> "torch.lt({0}, " + Py.num(value) + ")", () -> array.lt(value), this);
  }

  public Tensor le(Tensor other) {
    return dispatch("le", () -> "torch.le({0}, {1})", () -> array.lte(other.array), this, other);
  }

  public Tensor le(Number value) {
    return dispatch("le", () -> "torch.le({0}, " + Py.num(value) + ")", () -> array.lte(value), this);
  }

  public Tensor eq(Tensor other) {
    return dispatch("eq", () -> "torch.eq({0}, {1})", () -> array.eq(other.array), this, other);
  }

  public Tensor eq(Number value) {
    return dispatch("eq", () -> "torch.eq({0}, " + Py.num(value) + ")", () -> array.eq(value), this);
  }

  public Tensor ne(Tensor other) {
    return dispatch("ne", () -> "torch.ne({0}, {1})", () -> array.neq(other.array), this, other);
  }

  public Tensor ne(Number value) {
    return dispatch("ne", () -> "torch.ne({0}, " + Py.num(value) + ")", () -> array.neq(value), this);
  }

  public Tensor logicalNot() {
    return dispatch("logicalNot", () -> "torch.logical_not({0})", array::logicalNot, this);
  }

  /** Copy of this tensor with {@code value} where {@code mask} (bool, broadcastable) is true. */
  public Tensor maskedFill(Tensor mask, Number value) {
    return dispatch(
        "maskedFill",
        () -> "torch.masked_fill({0}, {1}, " + Py.num(value) + ")",
        () -> {
          try (NDManager tmp = array.getManager().newSubManager()) {
            Shape shape = broadcastShape("maskedFill", array.getShape(), mask.array.getShape());
            NDArray fill = tmp.full(shape, value.floatValue(), array.getDataType());
            NDArray out = NDArrays.where(broadcastIn(tmp, mask.array, shape), fill, broadcastIn(tmp, array, shape));
            out.attach(array.getManager());
            return out;
          }
        },
        this,
        mask);
  }

  /** Elementwise {@code condition ? a : b}. */
  public static Tensor where(Tensor condition, Tensor a, Tensor b) {
    return dispatch(
        "where",
        () -> "torch.where({0}, {1}, {2})",
        () -> {
          try (NDManager tmp = a.array.getManager().newSubManager()) {
            Shape shape =
                broadcastShape("where", condition.array.getShape(), a.array.getShape(), b.array.getShape());
            NDArray out =
                NDArrays.where(
                    broadcastIn(tmp, condition.array, shape),
                    broadcastIn(tmp, a.array, shape),
                    broadcastIn(tmp, b.array, shape));
            out.attach(a.array.getManager());
            return out;
          }
        },
        condition,
        a,
        b);
  }

  // ---------------------------------------------------------------- escape hatch

  /**
   * Applies an arbitrary DJL function eagerly. It has no TorchScript form, so a trace fails on
   * it: use it for training-only code, never inside an exported forward.
   */
  public Tensor map(String name, UnaryOperator<NDArray> function) {
    return dispatch(name, () -> null, () -> function.apply(array), this);
  }

  // ---------------------------------------------------------------- the dispatch point

  /**
   * Runs one op eagerly, gives the result to the current scope and reports it to the active
   * observer. The only place a Tensor op result is made, so every op is traced the same way.
   */
  private static Tensor dispatch(
      String op, Supplier<@Nullable String> script, Supplier<NDArray> eager, Tensor... inputs) {
    NDArray result = eager.get();
    NDManager owner = TensorScope.currentManager();
    if (result.getManager() != owner) {
      result.attach(owner);
    }
    Tensor out = new Tensor(result);
    OpObserver observer = OpObserver.active();
    if (observer != null) {
      observer.onOp(new OpRecord(op, script.get(), List.of(inputs), out));
    }
    return out;
  }

  private static Tensor factory(String op, java.util.function.Function<NDManager, NDArray> make) {
    NDManager owner = TensorScope.currentManager();
    // Factories have no inputs a graph could express them against: a trace rejects them.
    return dispatch(op, () -> null, () -> make.apply(owner));
  }

  /** NumPy/PyTorch broadcasting of shapes; DJL's where does not broadcast by itself. */
  private static Shape broadcastShape(String op, Shape... shapes) {
    int rank = 0;
    for (Shape s : shapes) {
      rank = Math.max(rank, s.dimension());
    }
    long[] out = new long[rank];
    java.util.Arrays.fill(out, 1);
    for (Shape s : shapes) {
      int offset = rank - s.dimension();
      for (int i = 0; i < s.dimension(); i++) {
        long d = s.get(i);
        long o = out[offset + i];
        if (d != o && d != 1 && o != 1) {
          throw new IllegalArgumentException(
              op + ": shapes " + java.util.Arrays.toString(shapes) + " do not broadcast");
        }
        out[offset + i] = o == 1 ? d : o;
      }
    }
    return new Shape(out);
  }

  private static NDArray broadcastIn(NDManager tmp, NDArray a, Shape shape) {
    if (a.getShape().equals(shape)) {
      return a;
    }
    NDArray b = a.broadcast(shape);
    b.attach(tmp);
    return b;
  }

  /**
   * {@code op} with {@code value} as a 0-d tensor in libtorch's own memory, of the type DJL gives a
   * Java number (so type promotion is DJL's). DJL's own number overloads ({@code mul(Number)}, ...)
   * put it in a direct buffer and close it as soon as the op returns, but autograd keeps it for the
   * backward of mul, div and pow: a GC between forward and backward then freed the buffer, and the
   * backward read freed memory (the demo's attention, which scales its scores by a number, got
   * other gradients in a few training runs in a hundred).
   */
  private NDArray withScalar(Number value, java.util.function.Function<NDArray, NDArray> op) {
    NDArray scalar;
    try (NDArray inJavaMemory = array.getManager().create(value)) {
      scalar = inJavaMemory.duplicate(); // a libtorch copy; autograd holds a reference to it
    }
    try (scalar) {
      return op.apply(scalar);
    }
  }

  private NDArrayEx ex() {
    return array.getNDArrayInternal();
  }

  private int axis(int dim) {
    int n = dims();
    int a = dim < 0 ? dim + n : dim;
    if (a < 0 || a >= n) {
      throw new IllegalArgumentException(
          "dimension " + dim + " is out of range for a tensor of shape " + array.getShape());
    }
    return a;
  }

  private int[] axes(int[] dims) {
    int[] out = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      out[i] = axis(dims[i]);
    }
    return out;
  }

  /**
   * The shape list of a reshape: a leading literal equal to this tensor's leading size is written
   * {@code {0}.size(0)} so the batch dimension follows the input (validation at a second batch
   * size catches the rare case where that equality was a coincidence).
   */
  private String shapeScript(long[] shape) {
    List<String> parts = new ArrayList<>(shape.length);
    for (int i = 0; i < shape.length; i++) {
      boolean leadingBatch = i == 0 && shape[0] >= 0 && dims() > 0 && shape[0] == size(0);
      parts.add(leadingBatch ? "{0}.size(0)" : Long.toString(shape[i]));
    }
    return "[" + String.join(", ", parts) + "]";
  }

  private static String shapeList(long[] shape) {
    StringJoiner j = new StringJoiner(", ", "[", "]");
    for (long s : shape) {
      j.add(Long.toString(s));
    }
    return j.toString();
  }

  @Override
  public String toString() {
    return "Tensor" + array.getShape() + " " + dtype();
  }
}
