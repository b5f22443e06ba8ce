package io.recship.checkpoint;

import java.io.IOException;
import java.util.List;

/**
 * One embedding table as the checkpoint writer sees it: ids and float32 slot rows ({@code
 * embedding} first, then optimizer slots), all in the same row order, streamed on demand.
 */
public interface TableSnapshot {
  String sharedName();

  /** Columns of every slot (the embedding dimension). */
  int dim();

  /** Number of rows (= ids). */
  int size();

  /** Slot names in write order; the first is {@value RecisLayout#EMBEDDING_SLOT}. */
  List<String> slotNames();

  /** Writes {@link #size()} int64 ids. */
  void writeIds(TensorSink sink) throws IOException;

  /** Writes {@link #size()} rows of {@link #dim()} float32 values of {@code slot}. */
  void writeSlot(String slot, TensorSink sink) throws IOException;
}
