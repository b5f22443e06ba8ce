package io.recship.sparse;

import it.unimi.dsi.fastutil.floats.FloatArrayList;
import it.unimi.dsi.fastutil.ints.IntArrayList;

/**
 * Which table rows fed which output position of one lookup feature in one forward, and with what
 * weight (1 for sum, 1/count for mean), so the block gradient can be scattered back to the rows.
 */
final class LookupRecord {
  final EmbeddingTable table;
  final String block;
  final int column;
  final int blockDim;
  final IntArrayList positions = new IntArrayList();
  final IntArrayList rows = new IntArrayList();
  final FloatArrayList scales = new FloatArrayList();

  LookupRecord(EmbeddingTable table, String block, int column, int blockDim) {
    this.table = table;
    this.block = block;
    this.column = column;
    this.blockDim = blockDim;
  }

  void add(int position, int row, float scale) {
    positions.add(position);
    rows.add(row);
    scales.add(scale);
  }

  /** Adds {@code grad} (the block's gradient, row-major [positions, blockDim]) into {@code out}. */
  void scatter(float[] grad, SparseGradients out) {
    for (int i = 0; i < rows.size(); i++) {
      out.add(table, rows.getInt(i), grad, positions.getInt(i) * blockDim + column, scales.getFloat(i));
    }
  }
}
