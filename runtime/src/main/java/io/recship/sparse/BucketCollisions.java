package io.recship.sparse;

import io.recship.data.Batch;
import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.GenKeyType;
import io.recship.fg.ResolvedFeature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Distinct values of a hashed feature that land in the same bucket, so they share one embedding
 * row and the model cannot tell them apart. Such an FG passes every rule (RecIS only asks for a
 * positive {@code hash_bucket_size}); checking a sample of real data is how to see that a bucket
 * count is too small. For example, farmhash puts "F" and "M" in the same one of 10 buckets.
 *
 * <pre>{@code
 * BucketCollisions c = BucketCollisions.check(fg, dataset);
 * c.collisions().forEach(System.out::println);
 * // gender: 'F' (train.jsonl:1) and 'M' (train.jsonl:4) share bucket 6 of 10
 * }</pre>
 */
public final class BucketCollisions {
  /**
   * Two distinct values of {@code feature} with the same id.
   *
   * @param valueSource where {@code value} first appears ({@code file:line}, or {@code sample N
   *     (index N-1)} for in-memory samples)
   * @param otherSource where {@code other} first appears
   */
  public record Collision(
      String feature,
      long hashBucketSize,
      long bucket,
      String value,
      String valueSource,
      String other,
      String otherSource) {
    @Override
    public String toString() {
      return feature + ": '" + value + "' (" + valueSource + ") and '" + other + "' ("
          + otherSource + ") share bucket " + bucket + " of " + hashBucketSize;
    }
  }

  private final long rowsRead;
  private final Map<String, Integer> distinctValues;
  private final List<Collision> collisions;

  private BucketCollisions(long rowsRead, Map<String, Integer> distinctValues, List<Collision> collisions) {
    this.rowsRead = rowsRead;
    this.distinctValues = Collections.unmodifiableMap(new LinkedHashMap<>(distinctValues));
    this.collisions = List.copyOf(collisions);
  }

  /** {@link #check(FeatureGenerator, Dataset)} for in-memory samples (maps from column to value). */
  public static BucketCollisions check(FeatureGenerator fg, List<? extends Map<String, ?>> samples) {
    return check(fg, Dataset.inMemory(Schema.fromFg(fg), samples).batchSize(1024).build());
  }

  /**
   * Reads {@code data} once and hashes every value of every {@code gen_key_type: hash} feature
   * exactly as the sparse model does; reports the distinct values that share a bucket.
   */
  public static BucketCollisions check(FeatureGenerator fg, Dataset data) {
    return check(fg, data, Long.MAX_VALUE);
  }

  /**
   * Like {@link #check(FeatureGenerator, Dataset)}, reading at most {@code maxRows} rows: the
   * distinct values of every hashed feature are kept in memory, so check a sample, not a day of
   * logs.
   */
  public static BucketCollisions check(FeatureGenerator fg, Dataset data, long maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
    }
    Map<ResolvedFeature, TreeMap<String, String>> seen = new LinkedHashMap<>();
    for (ResolvedFeature f : fg.features()) {
      if (f.genKeyType() == GenKeyType.HASH && f.hashBucketSize() > 0) {
        seen.put(f, new TreeMap<>());
      }
    }
    long rows = 0;
    try (Dataset.BatchIterator batches = data.iterator()) {
      while (rows < maxRows && batches.hasNext()) {
        Batch batch = batches.next();
        int take = (int) Math.min(batch.size(), maxRows - rows);
        for (Map.Entry<ResolvedFeature, TreeMap<String, String>> e : seen.entrySet()) {
          String column = e.getKey().ioName();
          if (!batch.hasColumn(column)) {
            continue;
          }
          for (int row = 0; row < take; row++) {
            collect(batch.value(column, row), batch, row, e.getValue());
          }
        }
        rows += take;
      }
    }
    Map<String, Integer> distinct = new LinkedHashMap<>();
    List<Collision> collisions = new ArrayList<>();
    seen.forEach((f, values) -> {
      FeatureOp op = new FeatureOp(f, null);
      Map<Long, String> byBucket = new HashMap<>();
      values.forEach((v, source) -> {
        long bucket = op.id(v);
        String other = byBucket.putIfAbsent(bucket, v);
        if (other != null) {
          collisions.add(new Collision(
              f.name(), f.hashBucketSize(), bucket, other, values.get(other), v, source));
        }
      });
      distinct.put(f.name(), values.size());
    });
    return new BucketCollisions(rows, distinct, collisions);
  }

  /** Leaf values of a cell: one value, a multi-value list, or a sequence of either. */
  private static void collect(Object v, Batch batch, int row, TreeMap<String, String> into) {
    if (v instanceof List<?> list) {
      for (Object x : list) {
        if (x != null) {
          collect(x, batch, row, into);
        }
      }
    } else {
      into.computeIfAbsent(FeatureOp.text(v), k -> batch.source(row));
    }
  }

  /** How many samples were read. */
  public long rowsRead() {
    return rowsRead;
  }

  /** Hashed feature name to the number of distinct values seen, in FG order. */
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
        ? "no bucket collisions in " + rowsRead + " rows among " + distinctValues
        : collisions.size() + " bucket collisions in " + rowsRead + " rows: " + collisions;
  }
}
