package io.recship.checkpoint;

import java.util.Objects;

/** A tensor to write: its spec and the callback that streams its elements. */
public record TensorEntry(TensorSpec spec, TensorSource data) {
  public TensorEntry {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(data, "data");
  }

  public static TensorEntry of(String name, SafeDType dtype, long[] shape, TensorSource data) {
    return new TensorEntry(new TensorSpec(name, dtype, shape), data);
  }

  public static TensorEntry ofFloats(String name, long[] shape, float[] values) {
    return of(name, SafeDType.F32, shape, TensorSource.ofFloats(values));
  }

  public static TensorEntry ofLongs(String name, long[] shape, long[] values) {
    return of(name, SafeDType.I64, shape, TensorSource.ofLongs(values));
  }
}
