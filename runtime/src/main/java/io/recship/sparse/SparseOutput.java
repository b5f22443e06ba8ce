package io.recship.sparse;

import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@link SparseModel#forward} returns, as RecIS' {@code (block_features, sample_ids,
 * labels)}: block name -> tensor ({@code [B, dim]} or {@code [B, L, dim]}, float32), labels
 * ({@code [B, 1]} float32 per label column) and sample ids (text per id column).
 *
 * <p>With {@code splitSeq} ({@code SparseModel.fromFg(fg, true)}) regular and sequence blocks are
 * apart: {@link #blocks()} holds the regular ones and {@link #sequenceBlocks()} the sequence
 * ones. Consumers that need RecIS' flat dict (the RTP exporter) call {@link #flatBlocks(String)},
 * which refuses a split output with a message saying why.
 */
public final class SparseOutput {
  private final Blocks blocks;
  private final @Nullable Map<String, Tensor> sequenceBlocks;
  private final Map<String, List<String>> sampleIds;
  private final Map<String, Tensor> labels;
  final List<LookupRecord> lookups;
  final Map<String, Tensor> allBlocks;

  SparseOutput(
      Blocks blocks,
      @Nullable Map<String, Tensor> sequenceBlocks,
      Map<String, List<String>> sampleIds,
      Map<String, Tensor> labels,
      List<LookupRecord> lookups,
      Map<String, Tensor> allBlocks) {
    this.blocks = blocks;
    this.sequenceBlocks = sequenceBlocks == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sequenceBlocks));
    this.sampleIds = Map.copyOf(sampleIds);
    this.labels = Map.copyOf(labels);
    this.lookups = List.copyOf(lookups);
    this.allBlocks = allBlocks;
  }

  /** All blocks, or with {@code splitSeq} only the regular (non-sequence) ones. */
  public Blocks blocks() {
    return blocks;
  }

  /** True if this came from a model built with {@code splitSeq = true}. */
  public boolean isSplit() {
    return sequenceBlocks != null;
  }

  /**
   * The sequence blocks of a split output (RecIS' second dict; empty if the MC has none); fails for an
   * unsplit output, whose sequence blocks are in {@link #blocks()}.
   */
  public Map<String, Tensor> sequenceBlocks() {
    if (sequenceBlocks == null) {
      throw new IllegalStateException(
          "this output is not split: sequence blocks are in blocks(); build the model with "
              + "SparseModel.fromFg(fg, true) to get them apart");
    }
    return sequenceBlocks;
  }

  /**
   * Every block in one flat map, as RecIS' {@code split_seq=False}; refuses a split output.
   *
   * @param consumer who needs it, for the message (e.g. "the RTP exporter")
   */
  public Blocks flatBlocks(String consumer) {
    if (sequenceBlocks != null) {
      throw new IllegalStateException(
          consumer + " needs one flat dict of blocks (RecIS split_seq=False), but this sparse model "
              + "was built with SparseModel.fromFg(fg, true) (split_seq=True), which RTP main-search "
              + "delivery does not accept. Build it with SparseModel.fromFg(fg).");
    }
    return blocks;
  }

  /** Sample ids per id column (RecIS {@code add_id}). */
  public Map<String, List<String>> sampleIds() {
    return sampleIds;
  }

  /** Labels per label column, {@code [B, 1]} float32 (RecIS {@code add_label}). */
  public Map<String, Tensor> labels() {
    return labels;
  }

  /** The label tensor {@code name}. */
  public Tensor label(String name) {
    Tensor t = labels.get(name);
    if (t == null) {
      throw new IllegalArgumentException("no label '" + name + "'; the dataset's labels are " + labels.keySet());
    }
    return t;
  }

  /** Every block by name, regular and sequence. */
  public Map<String, Tensor> allBlocks() {
    return new LinkedHashMap<>(allBlocks);
  }
}
