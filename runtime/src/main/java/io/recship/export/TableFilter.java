package io.recship.export;

import io.recship.checkpoint.RecisLayout;
import io.recship.checkpoint.SafetensorsReader;
import io.recship.checkpoint.SafetensorsWriter;
import io.recship.checkpoint.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code filterSparseOpt}: rewrites a checkpoint's safetensors file with only the {@code id} and
 * {@code embedding} slot of each table, dropping optimizer slots ({@code sparse_adamw_exp_avg},
 * ...) and non-table tensors, as RecIS' Saver does when it re-saves the export-time hashtables.
 *
 * <p>Streams: the header comes from the validated checkpoint reader, the kept byte ranges move
 * with {@code transferTo}, so a table of any size needs no heap. The header is {@link
 * SafetensorsWriter#header}'s, so a filtered file is byte for byte what that writer would write
 * for the kept tensors.
 */
final class TableFilter {
  static final Set<String> KEPT_SLOTS = Set.of(RecisLayout.ID_SLOT, RecisLayout.EMBEDDING_SLOT);

  private TableFilter() {}

  /** True for the {@code id} and {@code embedding} slots of a {@code <shared>.<slot>/part_i_n} key. */
  static boolean kept(String key) {
    RecisLayout.Key k = RecisLayout.parseKey(key);
    return k != null && KEPT_SLOTS.contains(k.slot());
  }

  /** The tensors {@link #filter} keeps from {@code source}, in header order. */
  static List<TensorInfo> keptTensors(Path source) {
    List<TensorInfo> out = new ArrayList<>();
    for (TensorInfo t : SafetensorsReader.headerOf(source)) {
      if (kept(t.name())) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * Writes the kept tensors of {@code source} into {@code out} (created by the caller, so it can
   * be hashed as it is written) and finishes it; returns bytes written.
   */
  static long filter(Path source, StagedFile out) throws IOException {
    List<TensorInfo> kept;
    try (SafetensorsReader r = SafetensorsReader.open(source)) {
      kept = new ArrayList<>();
      for (TensorInfo t : r.tensors()) {
        if (kept(t.name())) {
          kept.add(t);
        }
      }
    }
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      while (len.hasRemaining()) {
        if (in.read(len, len.position()) < 0) {
          throw new IOException(source + " ended inside its header length");
        }
      }
      long dataStart = 8 + len.flip().getLong();
      byte[] header =
          SafetensorsWriter.header(kept.stream().map(TensorInfo::spec).toList(), Map.of());
      ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
      head.putLong(header.length).put(header).flip();
      out.write(head);
      long total = kept.stream().mapToLong(t -> t.end() - t.begin()).sum();
      try (Transfers.Progress bar =
          Transfers.Progress.forBytes("filter " + source.getFileName(), total)) {
        for (TensorInfo t : kept) {
          out.transferFrom(in, dataStart + t.begin(), t.end() - t.begin(), bar);
        }
      }
      out.finish();
      return out.size();
    }
  }
}
