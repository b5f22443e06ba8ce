package io.recship.torchscript;

import ai.djl.ndarray.NDArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An immutable dense tensor value to store in an archive: element type, shape and the raw
 * C-contiguous little-endian bytes.
 *
 * <p>The accessors hand out copies of the shape and read-only views of the data, so a {@code
 * TensorData} can be shared freely. The data is limited to 2 GiB per tensor (one {@link
 * ByteBuffer}).
 */
public record TensorData(ScalarType dtype, long[] shape, ByteBuffer littleEndianData) {

  /**
   * Checks that the data holds exactly {@code numel * dtype.byteSize()} bytes and freezes the
   * shape and data.
   *
   * @throws IllegalArgumentException if a dimension is negative or the byte count is wrong
   */
  public TensorData {
    shape = shape.clone();
    long numel = numel(shape);
    long expected = numel * dtype.byteSize();
    if (littleEndianData.remaining() != expected) {
      throw new IllegalArgumentException(
          "tensor of "
              + dtype
              + " with shape "
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " bytes but the buffer has "
              + littleEndianData.remaining()
              + "; pass a buffer positioned at the first element holding exactly the tensor");
    }
    littleEndianData = littleEndianData.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A copy of the shape. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** A fresh read-only little-endian view of the data, positioned at 0. */
  @Override
  public ByteBuffer littleEndianData() {
    return littleEndianData.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Number of elements. */
  public long numel() {
    return numel(shape);
  }

  /** Number of data bytes. */
  public long byteSize() {
    return littleEndianData.remaining();
  }

  /**
   * Copies a DJL array (any engine, CPU) into a {@code TensorData}; the array may be closed
   * afterwards.
   */
  public static TensorData of(NDArray array) {
    ScalarType type = ScalarType.of(array.getDataType());
    long[] shape = array.getShape().getShape();
    // toByteBuffer may be a view of native memory that dies with the array: copy it.
    ByteBuffer source = array.toByteBuffer();
    ByteBuffer copy = ByteBuffer.allocate(source.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    if (source.order() == ByteOrder.LITTLE_ENDIAN || type.byteSize() == 1) {
      copy.put(source.duplicate());
    } else {
      swapInto(source, copy, type.byteSize());
    }
    copy.flip();
    return new TensorData(type, shape, copy);
  }

  /** A float32 tensor of {@code data} laid out row-major in {@code shape}. */
  public static TensorData ofFloats(long[] shape, float... data) {
    ByteBuffer b = allocate(data.length, 4);
    b.asFloatBuffer().put(data);
    return new TensorData(ScalarType.FLOAT, shape, b);
  }

  /** A float64 tensor. */
  public static TensorData ofDoubles(long[] shape, double... data) {
    ByteBuffer b = allocate(data.length, 8);
    b.asDoubleBuffer().put(data);
    return new TensorData(ScalarType.DOUBLE, shape, b);
  }

  /** An int64 tensor. */
  public static TensorData ofLongs(long[] shape, long... data) {
    ByteBuffer b = allocate(data.length, 8);
    b.asLongBuffer().put(data);
    return new TensorData(ScalarType.LONG, shape, b);
  }

  /** An int32 tensor. */
  public static TensorData ofInts(long[] shape, int... data) {
    ByteBuffer b = allocate(data.length, 4);
    b.asIntBuffer().put(data);
    return new TensorData(ScalarType.INT, shape, b);
  }

  /** A bool tensor (one byte per element, 0 or 1). */
  public static TensorData ofBooleans(long[] shape, boolean... data) {
    ByteBuffer b = allocate(data.length, 1);
    for (boolean v : data) {
      b.put((byte) (v ? 1 : 0));
    }
    b.flip();
    return new TensorData(ScalarType.BOOL, shape, b);
  }

  /**
   * A tensor of any type from raw little-endian bytes (e.g. {@link ScalarType#HALF}, {@link
   * ScalarType#BFLOAT16}, {@link ScalarType#CHAR}, {@link ScalarType#BYTE}).
   */
  public static TensorData ofBytes(ScalarType dtype, long[] shape, byte[] littleEndian) {
    return new TensorData(dtype, shape, ByteBuffer.wrap(littleEndian.clone()));
  }

  /** Value-based: same type, shape and bytes. */
  @Override
  public boolean equals(Object o) {
    return o instanceof TensorData t
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && littleEndianData.equals(t.littleEndianData);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + littleEndianData.hashCode();
  }

  @Override
  public String toString() {
    return "TensorData[" + dtype + " " + Arrays.toString(shape) + "]";
  }

  static long numel(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "negative dimension in shape " + Arrays.toString(shape) + "; dimensions must be >= 0");
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  private static ByteBuffer allocate(int count, int width) {
    return ByteBuffer.allocate(Math.multiplyExact(count, width)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void swapInto(ByteBuffer source, ByteBuffer target, int width) {
    ByteBuffer s = source.duplicate();
    byte[] element = new byte[width];
    while (s.remaining() >= width) {
      s.get(element);
      for (int i = width - 1; i >= 0; i--) {
        target.put(element[i]);
      }
    }
  }
}
