package io.recship.checkpoint;

import java.io.IOException;

/**
 * Where a tensor's elements go while a file is written: little-endian, row-major, in order. The
 * writer counts the bytes and fails if a tensor writes more or fewer than its shape says.
 */
public interface TensorSink {
  void putFloat(float v) throws IOException;

  void putFloats(float[] src, int offset, int length) throws IOException;

  void putDouble(double v) throws IOException;

  void putLong(long v) throws IOException;

  void putLongs(long[] src, int offset, int length) throws IOException;

  void putInt(int v) throws IOException;

  void putByte(byte v) throws IOException;
}
