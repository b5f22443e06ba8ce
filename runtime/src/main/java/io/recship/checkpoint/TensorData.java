package io.recship.checkpoint;

import java.io.IOException;

/** Produces one tensor's elements on demand, so nothing has to be copied before it is written. */
@FunctionalInterface
public interface TensorData {
  void writeTo(TensorSink sink) throws IOException;

  static TensorData ofFloats(float[] values) {
    return sink -> sink.putFloats(values, 0, values.length);
  }

  static TensorData ofLongs(long[] values) {
    return sink -> sink.putLongs(values, 0, values.length);
  }
}
