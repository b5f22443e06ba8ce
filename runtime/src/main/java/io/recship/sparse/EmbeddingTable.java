package io.recship.sparse;

import io.recship.checkpoint.RecisLayout;
import io.recship.checkpoint.TableSnapshot;
import io.recship.checkpoint.TensorSink;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A growable embedding hash table, as RecIS' {@code HashTable}: id -> row, only ids seen take
 * memory, new rows are drawn uniform in {@code [-2e-5, 2e-5)} (RecIS' FG default initializer).
 * A new row is a pure function of (table seed, id) (SplitMix64), not of the order ids arrive in:
 * a resumed run initialises the ids it has not seen yet exactly as an uninterrupted run would,
 * without saving any generator state. Optimizer slots ({@code sparse_adam_exp_avg}, ...) are kept per row
 * beside the embedding, in the same row order, and saved with it.
 */
public final class EmbeddingTable implements TableSnapshot {
  /** RecIS' FG default: {@code initializer="uniform"} with a = -2e-5, b = 2e-5. */
  public static final float INIT_BOUND = 2e-5f;

  private final String name;
  private final int dim;
  private final Long2IntOpenHashMap rowOf = new Long2IntOpenHashMap();
  private final LongArrayList ids = new LongArrayList();
  private FloatRows embedding;
  private final Map<String, FloatRows> slots = new LinkedHashMap<>();
  private final long seed;
  private final float[] scratch;

  public EmbeddingTable(String name, int dim, long seed) {
    if (dim <= 0) {
      throw new IllegalArgumentException("table '" + name + "' needs a positive dimension, got " + dim);
    }
    this.name = name;
    this.dim = dim;
    this.embedding = new FloatRows(dim);
    this.seed = seed;
    this.scratch = new float[dim];
    rowOf.defaultReturnValue(-1);
  }

  @Override
  public String sharedName() {
    return name;
  }

  @Override
  public int dim() {
    return dim;
  }

  /** Number of ids (rows). */
  @Override
  public int size() {
    return ids.size();
  }

  /** The row of {@code id}, or -1 if the table has not seen it. */
  public int find(long id) {
    return rowOf.get(id);
  }

  /** The row of {@code id}, inserting a freshly initialised row if it is new. */
  public int rowOf(long id) {
    int r = rowOf.get(id);
    if (r >= 0) {
      return r;
    }
    initialRow(id, scratch);
    return insert(id, scratch);
  }

  /** The initial values of {@code id}'s row: uniform in [-2e-5, 2e-5), from SplitMix64 over (seed, id). */
  void initialRow(long id, float[] out) {
    long s = seed ^ (id * 0xBF58476D1CE4E5B9L);
    for (int i = 0; i < dim; i++) {
      s += 0x9E3779B97F4A7C15L;
      long z = s;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      z ^= z >>> 31;
      double u = (z >>> 11) * 0x1.0p-53;
      out[i] = (float) (u * 2 * INIT_BOUND - INIT_BOUND);
    }
  }

  /** Makes room for {@code rows} ids without rehashing while they arrive (e.g. before a load). */
  public void reserve(int rows) {
    rowOf.ensureCapacity(rows);
    ids.ensureCapacity(rows);
  }

  /** Forgets every id, row and optimizer slot (e.g. before loading a checkpoint). */
  public void clear() {
    rowOf.clear();
    ids.clear();
    slots.clear();
    embedding = new FloatRows(dim);
  }

  private int insert(long id, float[] values) {
    int r = embedding.addRow();
    embedding.set(r, values, 0);
    for (FloatRows s : slots.values()) {
      s.ensureRows(r + 1);
    }
    ids.add(id);
    rowOf.put(id, r);
    return r;
  }

  /** The id stored in {@code row}. */
  public long id(int row) {
    return ids.getLong(row);
  }

  /** Copies row {@code row} into {@code dst[offset, offset + dim)}. */
  public void get(int row, float[] dst, int offset) {
    embedding.get(row, dst, offset);
  }

  /** A copy of the embedding of {@code id}, or null if unseen. */
  public float[] lookup(long id) {
    int r = find(id);
    if (r < 0) {
      return null;
    }
    float[] out = new float[dim];
    get(r, out, 0);
    return out;
  }

  /** Sets the embedding of {@code id} (inserting it without drawing from the generator). */
  public void put(long id, float[] values) {
    check(values);
    int r = rowOf.get(id);
    if (r < 0) {
      insert(id, values);
    } else {
      embedding.set(r, values, 0);
    }
  }

  /** Sets slot {@code slot} of {@code id}, inserting the id with a zero embedding if new. */
  public void putSlot(String slot, long id, float[] values) {
    check(values);
    int r = rowOf.get(id);
    if (r < 0) {
      r = insert(id, new float[dim]);
    }
    slot(slot).set(r, values, 0);
  }

  private void check(float[] values) {
    if (values.length != dim) {
      throw new IllegalArgumentException("table '" + name + "' has dim " + dim + ", got a row of " + values.length);
    }
  }

  FloatRows embeddingRows() {
    return embedding;
  }

  /** The rows of optimizer slot {@code slot}, created (zero) on first use. */
  FloatRows slot(String slot) {
    FloatRows s = slots.get(slot);
    if (s == null) {
      s = new FloatRows(dim);
      s.ensureRows(size());
      slots.put(slot, s);
    }
    return s;
  }

  /** Values of slot {@code slot} for {@code id}, or null if absent. */
  public float[] slotValues(String slot, long id) {
    FloatRows s = slots.get(slot);
    int r = find(id);
    if (s == null || r < 0) {
      return null;
    }
    float[] out = new float[dim];
    s.get(r, out, 0);
    return out;
  }

  @Override
  public List<String> slotNames() {
    List<String> names = new ArrayList<>();
    names.add(RecisLayout.EMBEDDING_SLOT);
    names.addAll(slots.keySet());
    return names;
  }

  /** Optimizer slot names only. */
  public List<String> optimizerSlots() {
    return List.copyOf(slots.keySet());
  }

  @Override
  public void writeIds(TensorSink sink) throws IOException {
    sink.putLongs(ids.elements(), 0, ids.size());
  }

  @Override
  public void writeSlot(String slot, TensorSink sink) throws IOException {
    if (slot.equals(RecisLayout.EMBEDDING_SLOT)) {
      embedding.writeTo(sink);
      return;
    }
    FloatRows s = slots.get(slot);
    if (s == null) {
      throw new IllegalArgumentException("table '" + name + "' has no slot '" + slot + "'");
    }
    s.writeTo(sink);
  }

  @Override
  public String toString() {
    return "EmbeddingTable(" + name + ", dim=" + dim + ", rows=" + size() + ", slots=" + slots.keySet() + ")";
  }
}
