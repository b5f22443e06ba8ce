package io.recship.tensor;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The dense net's inputs: block name to tensor, every tensor with the same leading (batch)
 * dimension. Immutable; names iterate in sorted order, the order a traced graph takes its
 * arguments in. {@code blocks.get("user")} is {@code blocks["user"]} in Kotlin.
 */
public final class Blocks {
  private final SortedMap<String, Tensor> blocks;
  private final long batchSize;

  private Blocks(SortedMap<String, Tensor> blocks, long batchSize) {
    this.blocks = blocks;
    this.batchSize = batchSize;
  }

  /**
   * Blocks from a map of name to tensor.
   *
   * @throws IllegalArgumentException if empty, if a tensor is a scalar, or if the leading sizes
   *     differ (the message names the blocks)
   */
  public static Blocks of(Map<String, Tensor> blocks) {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("Blocks need at least one block");
    }
    TreeMap<String, Tensor> sorted = new TreeMap<>(blocks);
    long batch = -1;
    String first = "";
    for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
      Tensor t = e.getValue();
      if (t.dims() == 0) {
        throw new IllegalArgumentException(
            "block '" + e.getKey() + "' is a scalar; blocks need a leading batch dimension");
      }
      if (batch < 0) {
        batch = t.size(0);
        first = e.getKey();
      } else if (t.size(0) != batch) {
        throw new IllegalArgumentException(
            "block '" + e.getKey() + "' has batch size " + t.size(0) + " but block '" + first
                + "' has " + batch + "; all blocks must have the same leading dimension");
      }
    }
    return new Blocks(Collections.unmodifiableSortedMap(sorted), batch);
  }

  /** One block. */
  public static Blocks of(String name, Tensor tensor) {
    return of(Map.of(name, tensor));
  }

  /**
   * The tensor of block {@code name}.
   *
   * @throws IllegalArgumentException naming the known blocks if there is no such block
   */
  public Tensor get(String name) {
    Tensor t = blocks.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no block '" + name + "'; blocks are " + names());
    }
    return t;
  }

  public boolean contains(String name) {
    return blocks.containsKey(name);
  }

  /** Block names in sorted order. */
  public List<String> names() {
    return List.copyOf(blocks.keySet());
  }

  /** Name to tensor, sorted by name, unmodifiable. */
  public Map<String, Tensor> asMap() {
    return blocks;
  }

  /** The shared leading dimension. */
  public long batchSize() {
    return batchSize;
  }

  public int size() {
    return blocks.size();
  }

  /**
   * Rows {@code start .. start+rows-1} of every block (e.g. the first 128 rows as a trace batch).
   * The slices are new tensors owned by the current scope.
   */
  public Blocks rows(long start, long rows) {
    if (start < 0 || rows <= 0 || start + rows > batchSize) {
      throw new IllegalArgumentException(
          "rows(" + start + ", " + rows + ") is outside a batch of " + batchSize);
    }
    TreeMap<String, Tensor> out = new TreeMap<>();
    blocks.forEach((k, v) -> out.put(k, v.narrow(0, start, rows)));
    return of(out);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("Blocks{");
    blocks.forEach((k, v) -> b.append(k).append('=').append(java.util.Arrays.toString(v.shape())).append(", "));
    if (!blocks.isEmpty()) {
      b.setLength(b.length() - 2);
    }
    return b.append('}').toString();
  }
}
