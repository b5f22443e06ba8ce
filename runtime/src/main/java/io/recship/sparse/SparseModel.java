package io.recship.sparse;

import io.recship.data.Batch;
import io.recship.fg.BlockSpec;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.GenKeyType;
import io.recship.fg.GenValType;
import io.recship.fg.ResolvedFeature;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The sparse arch RecIS' {@code RecISModel.from_fg} builds: per feature the id chain, embedding
 * tables keyed by {@code shared_name}, pooling by combiner, and blocks concatenated in MC order
 * with exactly the shapes {@link FeatureGenerator#block} predicts.
 *
 * <pre>{@code
 * SparseModel sparse = SparseModel.fromFg(fg);
 * SparseOutput out = sparse.forward(batch);          // out.blocks().get("user"): [B, 16]
 * }</pre>
 *
 * <p>In training mode a new id gets a fresh row; in eval mode ({@link #eval()}) tables are not
 * changed and an unseen id contributes a zero vector. Blocks are float32 (RecIS casts float64 to
 * float32 when it concatenates; integer raw features are also cast so a block has one dtype).
 * {@code hash_bucket_size} 0 keys the table by the full 64-bit hash, as RecIS allows in training.
 */
public final class SparseModel {
  private final FeatureGenerator fg;
  private final boolean splitSeq;
  private final SortedMap<String, EmbeddingTable> tables = new TreeMap<>();
  private final Map<String, FeatureOp> ops = new LinkedHashMap<>();
  private boolean training = true;

  private SparseModel(FeatureGenerator fg, boolean splitSeq, long seed) {
    this.fg = fg;
    this.splitSeq = splitSeq;
    Map<String, ResolvedFeature> owner = new LinkedHashMap<>();
    for (ResolvedFeature f : fg.features()) {
      if (f.genKeyType() == GenKeyType.MULTIHASH || f.genValType() == GenValType.MULTIHASH_LOOKUP
          || f.compressStrategy() != null || f.genKeyType() == GenKeyType.MASK || f.genKeyType() == GenKeyType.EV_HASH
          || f.genKeyType() == GenKeyType.EV_HASH_MOD) {
        throw new UnsupportedOperationException(
            "feature '" + f.name() + "': gen_key_type " + f.genKeyType().fgName() + " / gen_val_type "
                + f.genValType().fgName() + " is not supported by RecShip's sparse arch (multihash, mask and "
                + "ev_hash are RecIS-only and refused by RTP main-search); use hash + lookup");
      }
      EmbeddingTable t = null;
      if (f.isLookup()) {
        String shared = f.sharedName();
        ResolvedFeature first = owner.putIfAbsent(shared, f);
        if (first != null && first.embeddingDimension() != f.embeddingDimension()) {
          throw new IllegalArgumentException(
              "features '" + first.name() + "' and '" + f.name() + "' share table '" + shared
                  + "' with different embedding_dimension (" + first.embeddingDimension() + " vs "
                  + f.embeddingDimension() + "); RecIS refuses this too");
        }
        t = tables.computeIfAbsent(shared, n -> new EmbeddingTable(n, f.embeddingDimension(), tableSeed(seed, n)));
      }
      ops.put(f.name(), new FeatureOp(f, t));
    }
  }

  /** RecIS {@code from_fg(fg)}: one flat map of blocks (what RTP delivery needs). */
  public static SparseModel fromFg(FeatureGenerator fg) {
    return new SparseModel(fg, false, 0);
  }

  /**
   * RecIS {@code from_fg(fg)} with the seed of the row initializers: one flat map of blocks, and
   * the same initial embeddings for the same seed.
   */
  public static SparseModel fromFg(FeatureGenerator fg, long seed) {
    return new SparseModel(fg, false, seed);
  }

  /** RecIS {@code from_fg(fg, split_seq)}: with {@code true}, sequence blocks come apart. */
  public static SparseModel fromFg(FeatureGenerator fg, boolean splitSeq) {
    return new SparseModel(fg, splitSeq, 0);
  }

  /** As {@link #fromFg(FeatureGenerator, boolean)}, with the seed of the row initializers. */
  public static SparseModel fromFg(FeatureGenerator fg, boolean splitSeq, long seed) {
    return new SparseModel(fg, splitSeq, seed);
  }

  /** Each table draws from its own stream, so adding a table never changes another's rows. */
  private static long tableSeed(long seed, String table) {
    return seed * 0x9E3779B97F4A7C15L ^ IdHash.farmhash(table);
  }

  public FeatureGenerator featureGenerator() {
    return fg;
  }

  public boolean splitSeq() {
    return splitSeq;
  }

  /** Tables by shared name, sorted. */
  public SortedMap<String, EmbeddingTable> tables() {
    return java.util.Collections.unmodifiableSortedMap(tables);
  }

  public EmbeddingTable table(String sharedName) {
    EmbeddingTable t = tables.get(sharedName);
    if (t == null) {
      throw new IllegalArgumentException("no table '" + sharedName + "'; tables are " + tables.keySet());
    }
    return t;
  }

  /** Training mode: unseen ids get new rows. */
  public SparseModel train() {
    training = true;
    return this;
  }

  /** Eval mode: tables stay as they are; unseen ids give zero vectors. */
  public SparseModel eval() {
    training = false;
    return this;
  }

  public boolean isTraining() {
    return training;
  }

  /**
   * Runs the sparse arch on a batch. Block tensors are created in the current {@code
   * TensorScope}; in training mode they require a gradient, so after the dense loss's backward
   * {@link #gradients(SparseOutput)} can scatter it to the embedding rows.
   */
  public SparseOutput forward(Batch batch) {
    int n = batch.size();
    if (n == 0) {
      throw new IllegalArgumentException("empty batch");
    }
    Map<String, Tensor> all = new LinkedHashMap<>();
    Map<String, Tensor> regular = new LinkedHashMap<>();
    Map<String, Tensor> sequence = new LinkedHashMap<>();
    List<LookupRecord> lookups = new ArrayList<>();
    for (BlockSpec block : fg.blocks()) {
      long[] shape = block.shape();
      // [L, width] for sequence features, whether the block is named after the sequence or
      // lists its sub-features by full name; [width] otherwise (MC-SHAPE forbids mixing them)
      int steps = shape.length == 2 ? (int) shape[0] : 1;
      int dim = block.dim();
      float[] data = new float[n * steps * dim];
      int col = 0;
      for (String fname : block.featureNames()) {
        FeatureOp op = ops.get(fname);
        if (op == null) {
          throw new IllegalStateException("block '" + block.name() + "' lists '" + fname + "', which the FG does not resolve");
        }
        if (!batch.hasColumn(op.column)) {
          throw new IllegalArgumentException(
              "feature '" + op.name + "' reads column '" + op.column + "', which the batch does not have; "
                  + "build the dataset schema with Schema.fromFg(fg)");
        }
        LookupRecord rec = op.lookup ? new LookupRecord(op.table, block.name(), col, dim) : null;
        fill(op, batch, steps, dim, col, data, rec);
        if (rec != null) {
          lookups.add(rec);
        }
        col += op.width;
      }
      long[] full = new long[shape.length + 1];
      full[0] = n;
      System.arraycopy(shape, 0, full, 1, shape.length);
      Tensor t = Tensor.of(data, full);
      if (training) {
        t.toNDArray().setRequiresGradient(true);
      }
      all.put(block.name(), t);
      (splitSeq && block.isSequence() ? sequence : regular).put(block.name(), t);
    }
    Map<String, Tensor> labels = new LinkedHashMap<>();
    for (String l : batch.schema().labels()) {
      labels.put(l, Tensor.of(batch.labels(l), n, 1));
    }
    Map<String, List<String>> ids = new LinkedHashMap<>();
    for (String id : batch.schema().ids()) {
      ids.put(id, batch.ids(id));
    }
    Blocks main = regular.isEmpty() ? null : Blocks.of(regular);
    if (main == null) {
      throw new IllegalStateException(
          "the MC has only sequence blocks, so with splitSeq the regular blocks would be empty; build with fromFg(fg)");
    }
    return new SparseOutput(main, splitSeq ? sequence : null, ids, labels, lookups, all);
  }

  private void fill(FeatureOp op, Batch batch, int steps, int dim, int col, float[] data, LookupRecord rec) {
    int n = batch.size();
    for (int b = 0; b < n; b++) {
      Object v = batch.value(op.column, b);
      if (op.isSequence()) {
        List<?> stepsOf = v instanceof List<?> l ? l : List.of(v);
        int keep = Math.min(op.sequenceLength, stepsOf.size()); // right truncation: first L steps
        for (int s = 0; s < keep; s++) {
          int pos = b * steps + s;
          position(op, stepsOf.get(s), data, pos * dim + col, pos, rec, batch, b);
        }
      } else {
        position(op, v, data, b * dim + col, b, rec, batch, b);
      }
    }
  }

  private void position(FeatureOp op, Object v, float[] data, int offset, int pos, LookupRecord rec, Batch batch, int b) {
    try {
      if (!op.lookup) {
        op.raw(v, data, offset);
        return;
      }
      List<?> vals = FeatureOp.values(v);
      EmbeddingTable t = op.table;
      int[] rows = new int[vals.size()];
      int found = 0;
      for (Object x : vals) {
        long id = op.id(x);
        int r = training ? t.rowOf(id) : t.find(id);
        if (r >= 0) {
          rows[found++] = r;
        }
      }
      if (vals.isEmpty()) {
        return;
      }
      // mean divides by the number of values (RecIS segment mean), unseen ids count as zeros
      float scale = op.sum ? 1f : 1f / vals.size();
      FloatRows emb = t.embeddingRows();
      for (int i = 0; i < found; i++) {
        float[] chunk = emb.chunk(rows[i]);
        int o = emb.offset(rows[i]);
        for (int c = 0; c < op.width; c++) {
          data[offset + c] += scale * chunk[o + c];
        }
        if (rec != null) {
          rec.add(pos, rows[i], scale);
        }
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(batch.source(b) + ": " + e.getMessage(), e);
    }
  }

  /**
   * The gradients of the embedding rows used by {@code out}, from the gradients the dense
   * backward left on its block tensors (mean pooling divides by the count; sequence steps each
   * scatter to their own rows). Blocks without a gradient contribute nothing.
   */
  public SparseGradients gradients(SparseOutput out) {
    SparseGradients g = new SparseGradients();
    Map<String, float[]> grads = new LinkedHashMap<>();
    for (LookupRecord rec : out.lookups) {
      float[] grad = grads.computeIfAbsent(rec.block, name -> blockGrad(out.allBlocks.get(name)));
      if (grad.length > 0) {
        rec.scatter(grad, g);
      }
    }
    return g;
  }

  private static float[] blockGrad(Tensor t) {
    var nd = t.toNDArray();
    if (!nd.hasGradient()) {
      return new float[0];
    }
    try (var grad = nd.getGradient()) {
      return grad.toFloatArray();
    }
  }

  @Override
  public String toString() {
    return "SparseModel(tables=" + tables.values() + ", blocks=" + fg.blocks() + ", splitSeq=" + splitSeq + ")";
  }
}
