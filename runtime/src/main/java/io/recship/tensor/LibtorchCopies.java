package io.recship.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.function.Supplier;

/**
 * Makes arrays from Java data whose memory libtorch allocated and owns.
 *
 * <p>Why: DJL's {@code NDManager.create(float[], Shape)} copies the data into a Java direct buffer
 * and libtorch uses that buffer as the tensor's memory, kept alive only by the {@code NDArray}
 * until it is closed. Autograd outlives that: {@code w.times(x)} saves {@code x} for the backward,
 * so closing {@code x} before the backward let a GC free the memory the backward then read (the
 * same use after free as {@code Tensor.withScalar}'s). A copy in libtorch's memory is reference
 * counted with the graph, and it gets libtorch's 64-byte alignment ({@value #ALIGNMENT}), which
 * kernels such as MKL's pick their code path by; a direct buffer is only 16-byte aligned.
 *
 * <p>Only {@link Tensor}'s factories call this: every tensor RecShip makes from Java data is made
 * there.
 */
final class LibtorchCopies {
  /** Bytes, as libtorch's CPU allocator aligns (c10's {@code gAlignment}). */
  static final int ALIGNMENT = 64;

  private LibtorchCopies() {}

  static NDArray create(NDManager manager, float[] data, Shape shape) {
    checkLength(data.length, shape);
    return copyOf(() -> manager.create(data, shape));
  }

  static NDArray create(NDManager manager, long[] data, Shape shape) {
    checkLength(data.length, shape);
    return copyOf(() -> manager.create(data, shape));
  }

  static NDArray create(NDManager manager, boolean[] data, Shape shape) {
    checkLength(data.length, shape);
    return copyOf(() -> manager.create(data, shape));
  }

  /** {@code duplicate} is libtorch's {@code clone}: new memory from libtorch's allocator. */
  private static NDArray copyOf(Supplier<NDArray> inJavaMemory) {
    try (NDArray staged = inJavaMemory.get()) {
      return staged.duplicate();
    }
  }

  /**
   * Exactly as many values as the shape holds: DJL would take the first {@code shape.size()} of a
   * longer array and silently drop the rest, and counts a shortage in bytes, not values.
   */
  private static void checkLength(int length, Shape shape) {
    for (long d : shape.getShape()) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "shape " + shape + " has a negative dimension; give every dimension's size");
      }
    }
    if (shape.size() != length) {
      throw new IllegalArgumentException("shape " + shape + " needs " + shape.size()
          + " values, got " + length + (shape.size() < length
              ? "; pass the shape of all the data, or copy the part you mean (Arrays.copyOf)"
              : ""));
    }
  }
}
