package io.recship.sparse;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Gradients for the embedding rows one batch touched, summed per row. Rows keep the order they
 * were first touched, so applying them is deterministic.
 */
public final class SparseGradients {
  /** Summed gradients of one table's touched rows. */
  static final class TableGrads {
    final EmbeddingTable table;
    final Int2IntOpenHashMap slotOf = new Int2IntOpenHashMap();
    final IntArrayList rows = new IntArrayList();
    float[] values;

    TableGrads(EmbeddingTable table) {
      this.table = table;
      this.values = new float[table.dim() * 16];
      slotOf.defaultReturnValue(-1);
    }

    int slot(int row) {
      int s = slotOf.get(row);
      if (s < 0) {
        s = rows.size();
        rows.add(row);
        slotOf.put(row, s);
        int need = (s + 1) * table.dim();
        if (need > values.length) {
          values = Arrays.copyOf(values, Math.max(need, values.length * 2));
        }
      }
      return s;
    }
  }

  private final Map<EmbeddingTable, TableGrads> tables = new LinkedHashMap<>();

  /** Adds {@code scale * src[offset, offset + dim)} to the gradient of {@code row}. */
  public void add(EmbeddingTable table, int row, float[] src, int offset, float scale) {
    TableGrads g = tables.computeIfAbsent(table, TableGrads::new);
    int dim = table.dim();
    int base = g.slot(row) * dim;
    float[] v = g.values;
    for (int i = 0; i < dim; i++) {
      v[base + i] += scale * src[offset + i];
    }
  }

  /** Number of distinct rows with a gradient in {@code table}. */
  public int rows(EmbeddingTable table) {
    TableGrads g = tables.get(table);
    return g == null ? 0 : g.rows.size();
  }

  /** The summed gradient of {@code table}'s row holding {@code id}, or null if it has none. */
  public float[] gradient(EmbeddingTable table, long id) {
    TableGrads g = tables.get(table);
    int row = table.find(id);
    if (g == null || row < 0 || g.slotOf.get(row) < 0) {
      return null;
    }
    int base = g.slotOf.get(row) * table.dim();
    return Arrays.copyOfRange(g.values, base, base + table.dim());
  }

  boolean isEmpty() {
    return tables.isEmpty();
  }

  void forEachTable(BiConsumer<EmbeddingTable, TableGrads> action) {
    tables.forEach(action);
  }
}
