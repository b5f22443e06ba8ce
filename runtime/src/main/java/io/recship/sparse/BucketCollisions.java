package io.recship.sparse;

import io.recship.fg.FeatureGenerator;
import io.recship.fg.GenKeyType;
import io.recship.fg.ResolvedFeature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Distinct values of a hashed feature that land in the same bucket, so they share one embedding
 * row and the model cannot tell them apart. Such an FG passes every rule (RecIS only asks for a
 * positive {@code hash_bucket_size}); checking a sample of real data is how to see that a bucket
 * count is too small. For example, farmhash puts "F" and "M" in the same one of 10 buckets.
 *
 * <pre>{@code
 * BucketCollisions c = BucketCollisions.check(fg, samples);
 * c.collisions().forEach(System.out::println);   // gender: 'F' and 'M' share bucket 6 of 10
 * }</pre>
 */
public final class BucketCollisions {
  /** Two distinct values of {@code feature} with the same id. */
  public record Collision(String feature, long hashBucketSize, long bucket, String value, String other) {
    @Override
    public String toString() {
      return feature + ": '" + value + "' and '" + other + "' share bucket " + bucket + " of "
          + hashBucketSize;
    }
  }

  private final Map<String, Integer> distinctValues;
  private final List<Collision> collisions;

  private BucketCollisions(Map<String, Integer> distinctValues, List<Collision> collisions) {
    this.distinctValues = Map.copyOf(distinctValues);
    this.collisions = List.copyOf(collisions);
  }

  /**
   * Hashes every value of every {@code gen_key_type: hash} feature in {@code samples} (columns by
   * io name, as {@link io.recship.data.Batch} reads them; lists for multi-value and sequence
   * columns) exactly as the sparse model does, and reports the values that share a bucket.
   */
  public static BucketCollisions check(FeatureGenerator fg, Iterable<? extends Map<String, ?>> samples) {
    Map<String, Integer> distinct = new LinkedHashMap<>();
    List<Collision> collisions = new ArrayList<>();
    for (ResolvedFeature f : fg.features()) {
      if (f.genKeyType() != GenKeyType.HASH || f.hashBucketSize() <= 0) {
        continue;
      }
      FeatureOp op = new FeatureOp(f, null);
      TreeSet<String> values = new TreeSet<>();
      for (Map<String, ?> sample : samples) {
        Object v = sample.get(f.ioName());
        if (v != null) {
          collect(v, values);
        }
      }
      Map<Long, String> byBucket = new HashMap<>();
      for (String v : values) {
        long bucket = op.id(v);
        String other = byBucket.putIfAbsent(bucket, v);
        if (other != null) {
          collisions.add(new Collision(f.name(), f.hashBucketSize(), bucket, other, v));
        }
      }
      distinct.put(f.name(), values.size());
    }
    return new BucketCollisions(distinct, collisions);
  }

  /** Leaf values of a column: one value, a multi-value list, or a sequence of either. */
  private static void collect(Object v, TreeSet<String> into) {
    if (v instanceof List<?> list) {
      for (Object x : list) {
        if (x != null) {
          collect(x, into);
        }
      }
    } else {
      into.add(FeatureOp.text(v));
    }
  }

  /** Hashed feature name to the number of distinct values seen. */
  public Map<String, Integer> distinctValues() {
    return distinctValues;
  }

  /** The values that share a bucket, by feature (in FG order), then value. */
  public List<Collision> collisions() {
    return collisions;
  }

  @Override
  public String toString() {
    return collisions.isEmpty()
        ? "no bucket collisions among " + distinctValues
        : collisions.size() + " bucket collisions: " + collisions;
  }
}
