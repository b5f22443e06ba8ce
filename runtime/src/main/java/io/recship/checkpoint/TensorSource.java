package io.recship.checkpoint;

import java.io.IOException;

/**
 * Produces one tensor's elements on demand into a {@link TensorSink}, so nothing has to be copied
 * before it is written. (The TorchScript writer's in-memory tensor is {@code
 * io.recship.torchscript.TensorData}.)
 */
@FunctionalInterface
public interface TensorSource {
  void writeTo(TensorSink sink) throws IOException;

  static TensorSource ofFloats(float[] values) {
    return sink -> sink.putFloats(values, 0, values.length);
  }

  static TensorSource ofLongs(long[] values) {
    return sink -> sink.putLongs(values, 0, values.length);
  }
}
