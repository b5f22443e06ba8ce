package io.recship.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import org.jspecify.annotations.Nullable;

/**
 * A trainable tensor. It owns its native memory (freed by {@link #close()}, which its {@link
 * Module} calls); {@link #value()} is always the same {@link Tensor}, updated in place by
 * optimizers, so a trace recognises it as this parameter.
 */
public final class Parameter implements AutoCloseable {
  private final TensorScope owner;
  private final Tensor value;

  private Parameter(Tensor init) {
    this.owner = TensorScope.standalone();
    // A private copy: the parameter must not share memory with (or be freed by) the caller's scope.
    this.value = owner.adopt(init.copy());
    value.toNDArray().setRequiresGradient(true);
  }

  /** A parameter initialised with a copy of {@code init}. */
  public static Parameter of(Tensor init) {
    return new Parameter(init);
  }

  /** The tensor to compute with. */
  public Tensor value() {
    return value;
  }

  public long[] shape() {
    return value.shape();
  }

  public long numel() {
    return value.numel();
  }

  public float[] toFloatArray() {
    return value.toFloatArray();
  }

  /** Overwrites the values in place (e.g. from a checkpoint); the shape must match. */
  public void set(float[] values) {
    if (values.length != value.numel()) {
      throw new IllegalArgumentException(
          "parameter has " + value.numel() + " values, got " + values.length);
    }
    NDArray nd = value.toNDArray();
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false); // in-place writes to a leaf that requires grad need no_grad
    try (NDManager temp = nd.getManager().newSubManager()) {
      // A copy into the parameter's own memory (libtorch's, 64-byte aligned). NDArray.set(Buffer)
      // would instead make a Java direct buffer, 16-byte aligned, the parameter's memory, and the
      // last bits of a resumed training could then depend on where the JVM put it. The source is
      // only read by this copy, outside autograd, so it may stay in Java memory (not Tensor.of,
      // whose extra copy into libtorch's memory would double the time of a large load).
      NDArray source = temp.create(values, new Shape(shape()));
      nd.set(new NDIndex("..."), source);
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  /** A copy of the gradient owned by the current scope, or {@code null} if none was computed. */
  public @Nullable Tensor grad() {
    NDArray nd = value.toNDArray();
    if (!nd.hasGradient()) {
      return null;
    }
    try (NDArray g = nd.getGradient()) {
      return Tensor.wrap(g).copy();
    }
  }

  /** True if a gradient exists and has any non-zero (or NaN) element. */
  public boolean hasNonZeroGrad() {
    NDArray nd = value.toNDArray();
    if (!nd.hasGradient()) {
      return false;
    }
    try (NDArray g = nd.getGradient();
        NDArray zero = g.eq(0);
        NDArray all = zero.all()) {
      return !all.getBoolean();
    }
  }

  /** Sets the gradient to zero. */
  public void zeroGrad() {
    NDArray nd = value.toNDArray();
    if (nd.hasGradient()) {
      JniUtils.zeroGrad((PtNDArray) nd);
    }
  }

  @Override
  public void close() {
    owner.close();
  }

  @Override
  public String toString() {
    return "Parameter" + java.util.Arrays.toString(shape());
  }
}
