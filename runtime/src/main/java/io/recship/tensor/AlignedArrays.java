package io.recship.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Makes arrays from Java data whose native memory starts at a multiple of {@value #ALIGNMENT}
 * bytes, the alignment libtorch's own CPU allocator gives every tensor it makes.
 *
 * <p>Why: DJL's {@code NDManager.create(float[], Shape)} copies into {@code
 * ByteBuffer.allocateDirect}, which is only 16-byte aligned unless the JVM runs with {@code
 * -Dsun.nio.PageAlignDirectMemory=true}, and libtorch uses that buffer as the tensor's data as it
 * is. Kernels can pick their code path by operand alignment (MKL does without {@code MKL_CBWR}),
 * so the tensors RecShip makes from Java data get the alignment of libtorch's own rather than
 * whatever the JVM's allocator gives. A direct buffer passed to {@code create(Buffer, Shape,
 * DataType)} is used as is, so an aligned slice of a slightly larger one gives the tensor aligned
 * data, with no JVM flag. (The rare run-to-run differences of the demo's training, once put down
 * to alignment, were a use after free: see {@code Tensor.withScalar}.)
 *
 * <p>Only {@link Tensor}'s factories call this: every tensor RecShip makes from Java data is made
 * there.
 */
final class AlignedArrays {
  /** Bytes, as libtorch's CPU allocator aligns (c10's {@code gAlignment}). */
  static final int ALIGNMENT = 64;

  private AlignedArrays() {}

  static NDArray create(NDManager manager, float[] data, Shape shape) {
    checkLength(data.length, shape);
    ByteBuffer b = allocate(data.length, Float.BYTES);
    b.asFloatBuffer().put(data);
    return manager.create(b, shape, DataType.FLOAT32);
  }

  static NDArray create(NDManager manager, long[] data, Shape shape) {
    checkLength(data.length, shape);
    ByteBuffer b = allocate(data.length, Long.BYTES);
    b.asLongBuffer().put(data);
    return manager.create(b, shape, DataType.INT64);
  }

  /** One byte per value, 0 or 1, as DJL and libtorch store bools. */
  static NDArray create(NDManager manager, boolean[] data, Shape shape) {
    checkLength(data.length, shape);
    ByteBuffer b = allocate(data.length, 1);
    for (int i = 0; i < data.length; i++) {
      b.put(i, data[i] ? (byte) 1 : (byte) 0);
    }
    return manager.create(b, shape, DataType.BOOLEAN);
  }

  /** DJL would say so too, but counting bytes rather than values. */
  private static void checkLength(int length, Shape shape) {
    if (shape.size() > length) {
      throw new IllegalArgumentException(
          "shape " + shape + " needs " + shape.size() + " values, got " + length);
    }
  }

  /**
   * A direct buffer in native byte order of exactly {@code count * width} bytes (its capacity, at
   * position 0) whose address is a multiple of {@link #ALIGNMENT}. It keeps the larger buffer it is
   * cut from alive, and the array made from it keeps it alive.
   */
  static ByteBuffer allocate(int count, int width) {
    int bytes = Math.multiplyExact(count, width);
    // alignedSlice also rounds the end down to a multiple of ALIGNMENT: pad for both ends
    int roundedUp = Math.addExact(bytes, ALIGNMENT - 1) & -ALIGNMENT;
    ByteBuffer aligned = ByteBuffer.allocateDirect(Math.addExact(roundedUp, ALIGNMENT - 1)).alignedSlice(ALIGNMENT);
    return aligned.limit(bytes).slice().order(ByteOrder.nativeOrder());
  }
}
