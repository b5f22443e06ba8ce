package io.recship.sparse;

import io.recship.fg.Combiner;
import io.recship.fg.GenKeyType;
import io.recship.fg.HashType;
import io.recship.fg.ResolvedFeature;
import io.recship.fg.ValueType;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One feature's chain (§1.2): select the io column, make ids (idle / bucketize / hash then mod),
 * then either look them up and pool by the combiner, or pass raw values through. Sequence
 * sub-features keep the first {@code sequence_length} steps and pad the rest with zeros.
 */
final class FeatureOp {
  final String name;
  final String column;
  final ValueType valueType;
  final GenKeyType keyType;
  final HashType hashType;
  final long bucketSize;
  final float[] boundaries;
  final boolean sum;
  final boolean lookup;
  final int width;
  final int sequenceLength;
  final @Nullable EmbeddingTable table;

  FeatureOp(ResolvedFeature f, @Nullable EmbeddingTable table) {
    this.name = f.name();
    this.column = f.ioName();
    this.valueType = f.valueType();
    this.keyType = f.genKeyType();
    this.hashType = f.hashType();
    this.bucketSize = f.hashBucketSize();
    double[] b = f.boundaries();
    this.boundaries = new float[b.length];
    for (int i = 0; i < b.length; i++) {
      boundaries[i] = (float) b[i]; // RecIS keeps boundaries as a float32 tensor
    }
    this.sum = f.combiner() == Combiner.SUM;
    this.lookup = f.isLookup();
    this.width = f.width();
    this.sequenceLength = f.sequenceLength();
    this.table = table;
  }

  boolean isSequence() {
    return sequenceLength > 0;
  }

  /** Values of one position (a sample, or one step of a sequence) as a list. */
  static List<?> values(Object v) {
    return v instanceof List<?> l ? l : List.of(v);
  }

  /** The id of one raw value, as RecIS' chain computes it. */
  long id(Object v) {
    switch (keyType) {
      case HASH:
      case EV_HASH_MOD: {
        String s = text(v);
        long h = hashType == HashType.MURMUR ? IdHash.murmur(s) : IdHash.farmhash(s);
        return bucketSize > 0 ? IdHash.mod(h, bucketSize) : h;
      }
      case BOUNDARY:
        return IdHash.bucketize(number(v), boundaries);
      case IDLE:
        if (v instanceof Number n) {
          return n.longValue();
        }
        try {
          return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "feature '" + name + "' (gen_key_type idle) needs integer ids, got '" + v + "'");
        }
      default:
        throw new IllegalStateException("unsupported gen_key_type " + keyType);
    }
  }

  /**
   * Strings hash their UTF-8 bytes. A number hashes its decimal text, as the offline RTP FG
   * writes it: an Integer feature with gen_key_type hash has no other meaning in RecIS (its hash
   * kernels only take bytes).
   */
  static String text(Object v) {
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return Long.toString(d.longValue());
    }
    return v.toString();
  }

  private double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("feature '" + name + "' needs numbers, got '" + v + "'");
    }
  }

  /** Raw passthrough: the first {@code width} numbers, zero-padded. */
  void raw(Object v, float[] out, int offset) {
    List<?> vals = values(v);
    for (int i = 0; i < Math.min(width, vals.size()); i++) {
      out[offset + i] = (float) number(vals.get(i));
    }
  }
}
