package io.recship.trace;

import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Random test batches: block name to per-row shape. */
final class Batches {
  private Batches() {}

  static Blocks random(long seed, long batch, Map<String, long[]> rowShapes) {
    Random r = new Random(seed);
    Map<String, Tensor> blocks = new LinkedHashMap<>();
    rowShapes.forEach((name, row) -> {
      long[] shape = new long[row.length + 1];
      shape[0] = batch;
      System.arraycopy(row, 0, shape, 1, row.length);
      int n = (int) batch;
      for (long d : row) {
        n *= (int) d;
      }
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = (float) (r.nextGaussian());
      }
      blocks.put(name, Tensor.of(v, shape));
    });
    return Blocks.of(blocks);
  }
}
