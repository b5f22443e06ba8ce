package io.recship.fg;

import java.util.List;

/** One mc block as the sparse model emits it: features concatenated on the last dim. */
public final class BlockSpec {
  private final String name;
  private final List<String> featureNames;
  private final boolean sequence;
  private final long[] shape;

  BlockSpec(String name, List<String> featureNames, boolean sequence, long[] shape) {
    this.name = name;
    this.featureNames = List.copyOf(featureNames);
    this.sequence = sequence;
    this.shape = shape.clone();
  }

  public String name() {
    return name;
  }

  /** Full feature names (sequence prefix included), in mc order = concatenation order. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** True for a block named after a {@code sequence_name} (RecIS' seq_block_names). */
  public boolean isSequence() {
    return sequence;
  }

  /** Shape without the batch dim: {@code [dim]}, or {@code [L, dim]} for sequence features. */
  public long[] shape() {
    return shape.clone();
  }

  /** Last dim: the sum of the features' widths. */
  public int dim() {
    return (int) shape[shape.length - 1];
  }

  @Override
  public String toString() {
    return name + Shapes.format(shape);
  }
}
