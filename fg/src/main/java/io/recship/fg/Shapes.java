package io.recship.fg;

/** Feature widths as RecIS' ShapeManager infers them (recis-reference §3 table). */
final class Shapes {
  private Shapes() {}

  /** Last dim: embedding dim for lookups (times N for concat multihash), else value_dimension. */
  static int width(FeatureConfig f) {
    String val = f.genValType();
    String cs = f.compressStrategy();
    Integer dim = f.embeddingDimension();
    int emb = dim == null ? 0 : dim;
    if (GenValType.MULTIHASH_LOOKUP.fgName().equals(val) || (cs != null && GenValType.LOOKUP.fgName().equals(val))) {
      try {
        return cs == null ? emb : CompressStrategy.parse(cs).width(emb);
      } catch (IllegalArgumentException e) {
        return emb;
      }
    }
    if (GenValType.LOOKUP.fgName().equals(val)) {
      return emb;
    }
    return f.valueDimension();
  }

  static String format(long[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return sb.append(']').toString();
  }
}
