package io.recship.sparse;

import io.recship.checkpoint.TensorSink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of {@code dim} floats in fixed-size chunks: growing adds a chunk instead of copying every
 * row (a table of 10M rows never needs a second copy of itself to grow by one).
 */
final class FloatRows {
  static final int CHUNK_SHIFT = 12; // 4096 rows per chunk
  static final int CHUNK_ROWS = 1 << CHUNK_SHIFT;
  private static final int MASK = CHUNK_ROWS - 1;

  private final int dim;
  private final List<float[]> chunks = new ArrayList<>();
  private int rows;

  FloatRows(int dim) {
    this.dim = dim;
  }

  int dim() {
    return dim;
  }

  int rows() {
    return rows;
  }

  int chunkCount() {
    return chunks.size();
  }

  /** Appends a zero row and returns its index. */
  int addRow() {
    if ((rows & MASK) == 0 && rows >> CHUNK_SHIFT == chunks.size()) {
      chunks.add(new float[CHUNK_ROWS * dim]);
    }
    return rows++;
  }

  /** Ensures rows [0, n) exist (new rows are zero). */
  void ensureRows(int n) {
    while (rows < n) {
      addRow();
    }
  }

  /** The chunk array holding {@code row}; the row starts at {@link #offset(int)}. */
  float[] chunk(int row) {
    return chunks.get(row >>> CHUNK_SHIFT);
  }

  int offset(int row) {
    return (row & MASK) * dim;
  }

  void get(int row, float[] dst, int dstOffset) {
    System.arraycopy(chunk(row), offset(row), dst, dstOffset, dim);
  }

  void set(int row, float[] src, int srcOffset) {
    System.arraycopy(src, srcOffset, chunk(row), offset(row), dim);
  }

  /** Streams rows [0, rows) in order straight from the chunks. */
  void writeTo(TensorSink sink) throws IOException {
    int left = rows;
    for (int c = 0; left > 0; c++) {
      int n = Math.min(left, CHUNK_ROWS);
      sink.putFloats(chunks.get(c), 0, n * dim);
      left -= n;
    }
  }
}
