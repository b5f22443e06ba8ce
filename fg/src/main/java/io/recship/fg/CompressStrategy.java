package io.recship.fg;

import java.util.Set;

/**
 * A multihash {@code compress_strategy}, {@code "<prefix>:<b1>,<b2>,...:<combiner>:<n>"}. As in
 * RecIS R-new the number of sub-hashes is the number of buckets and {@code n == 1} means the
 * sub-tables share {@code shared_name}.
 */
record CompressStrategy(String prefix, long[] buckets, String combiner, int n) {
  static final Set<String> PREFIXES = Set.of("yx", "mh");
  static final Set<String> COMBINERS = Set.of("concat", "mean", "sum");

  /** Parses or throws IllegalArgumentException saying what is wrong. */
  static CompressStrategy parse(String s) {
    String[] parts = s.split(":", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("has " + parts.length + " ':'-separated fields, needs 4");
    }
    if (!PREFIXES.contains(parts[0])) {
      throw new IllegalArgumentException("prefix '" + parts[0] + "' is not yx or mh");
    }
    String[] bs = parts[1].split(",", -1);
    long[] buckets = new long[bs.length];
    for (int i = 0; i < bs.length; i++) {
      try {
        buckets[i] = Long.parseLong(bs[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bucket '" + bs[i] + "' is not an integer");
      }
      if (buckets[i] <= 0) {
        throw new IllegalArgumentException("bucket " + buckets[i] + " is not positive");
      }
    }
    if (!COMBINERS.contains(parts[2])) {
      throw new IllegalArgumentException("combiner '" + parts[2] + "' is not concat, mean or sum");
    }
    int n;
    try {
      n = Integer.parseInt(parts[3].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("last field '" + parts[3] + "' is not an integer");
    }
    return new CompressStrategy(parts[0], buckets, parts[2], n);
  }

  int width(int embeddingDimension) {
    return combiner.equals("concat") ? embeddingDimension * buckets.length : embeddingDimension;
  }
}
