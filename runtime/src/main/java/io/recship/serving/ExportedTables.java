package io.recship.serving;

import io.recship.checkpoint.CheckpointException;
import io.recship.checkpoint.RecisLayout;
import io.recship.checkpoint.SafeDType;
import io.recship.checkpoint.SafetensorsReader;
import io.recship.checkpoint.TensorInfo;
import io.recship.export.ExportException;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The embedding tables of an export folder, read for serving: every {@code <shared>.id/part_i_n}
 * and {@code <shared>.embedding/part_i_n} pair of every {@code *.safetensors} file (optimizer
 * slots, if the export kept them, are skipped). Works for both export modes: a copy-mode export
 * has no {@code index} file (RecIS copies only {@code *.safetensors} and {@code *.json}), so the
 * files' headers are the index. Immutable after loading, so lookups need no locking.
 */
final class ExportedTables {
  /** One table: id to row, rows of {@code dim} floats. */
  static final class Table {
    final String name;
    final int dim;
    final Long2IntOpenHashMap rowOf;
    final float[] rows;

    Table(String name, int dim, Long2IntOpenHashMap rowOf, float[] rows) {
      this.name = name;
      this.dim = dim;
      this.rowOf = rowOf;
      this.rows = rows;
    }

    int size() {
      return rowOf.size();
    }

    /** Copies the row of {@code id} into {@code out[offset..]}; an unknown id gives zeros. */
    boolean lookup(long id, float[] out, int offset) {
      int r = rowOf.get(id);
      if (r < 0) {
        java.util.Arrays.fill(out, offset, offset + dim, 0f);
        return false;
      }
      System.arraycopy(rows, r * dim, out, offset, dim);
      return true;
    }
  }

  private final Map<String, Table> tables;

  private ExportedTables(Map<String, Table> tables) {
    this.tables = Collections.unmodifiableMap(tables);
  }

  Map<String, Table> tables() {
    return tables;
  }

  static ExportedTables load(Path exportDir) {
    List<Path> files;
    try (Stream<Path> s = Files.list(exportDir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.LOAD, "cannot list " + exportDir + " (" + e + ")", e);
    }
    // table -> part key suffix -> (id info, embedding info, file)
    Map<String, Map<String, Part>> parts = new TreeMap<>();
    for (Path f : files) {
      for (TensorInfo t : headerOf(f)) {
        RecisLayout.Key k = RecisLayout.parseKey(t.name());
        if (k == null) {
          continue;
        }
        Part p =
            parts
                .computeIfAbsent(k.sharedName(), n -> new TreeMap<>())
                .computeIfAbsent(k.shard() + "_" + k.shardNum(), n -> new Part());
        if (k.slot().equals(RecisLayout.ID_SLOT)) {
          p.idFile = f;
          p.id = t;
        } else if (k.slot().equals(RecisLayout.EMBEDDING_SLOT)) {
          p.embFile = f;
          p.emb = t;
        }
      }
    }
    Map<String, Table> out = new TreeMap<>();
    for (Map.Entry<String, Map<String, Part>> e : parts.entrySet()) {
      out.put(e.getKey(), readTable(exportDir, e.getKey(), new ArrayList<>(e.getValue().values())));
    }
    return new ExportedTables(out);
  }

  private static final class Part {
    Path idFile;
    TensorInfo id;
    Path embFile;
    TensorInfo emb;
  }

  private static Table readTable(Path dir, String name, List<Part> parts) {
    long rows = 0;
    int dim = -1;
    for (Part p : parts) {
      if (p.id == null || p.emb == null) {
        throw new ExportException(
            ExportException.Step.LOAD,
            "table '" + name + "' in " + dir + " has " + (p.id == null ? "an embedding without its id" : "ids without their embedding")
                + " tensor; the export is incomplete: export again");
      }
      if (p.id.dtype() != SafeDType.I64 || p.emb.dtype() != SafeDType.F32 || p.emb.rank() != 2
          || p.id.rank() != 1 || p.id.dim(0) != p.emb.dim(0)) {
        throw new ExportException(
            ExportException.Step.LOAD,
            "table '" + name + "' in " + dir + " has id " + p.id + " and embedding " + p.emb
                + "; expected int64 [n] ids and float32 [n, dim] rows");
      }
      int d = (int) p.emb.dim(1);
      if (dim >= 0 && d != dim) {
        throw new ExportException(
            ExportException.Step.LOAD,
            "table '" + name + "' has parts of dimension " + dim + " and " + d + " in " + dir);
      }
      dim = d;
      rows += p.id.dim(0);
    }
    if (rows * (long) Math.max(dim, 1) > Integer.MAX_VALUE - 8) {
      throw new ExportException(
          ExportException.Step.LOAD,
          "table '" + name + "' has " + rows + " rows of " + dim + " floats, more than one Java"
              + " array holds; score it with a sharded server");
    }
    Long2IntOpenHashMap rowOf = new Long2IntOpenHashMap((int) rows);
    rowOf.defaultReturnValue(-1);
    float[] values = new float[(int) (rows * dim)];
    int next = 0;
    for (Part p : parts) {
      try (SafetensorsReader ids = SafetensorsReader.open(p.idFile);
          SafetensorsReader embs = SafetensorsReader.open(p.embFile)) {
        long[] idv = ids.readLongs(p.id.name());
        int base = next;
        for (long id : idv) {
          rowOf.put(id, next++);
        }
        int[] pos = {base * dim};
        embs.readRows(
            p.emb.name(),
            SafeDType.F32,
            dim,
            (ByteBuffer chunk) -> {
              int n = chunk.remaining() / 4;
              chunk.asFloatBuffer().get(values, pos[0], n);
              pos[0] += n;
            });
      } catch (CheckpointException e) {
        throw new ExportException(
            ExportException.Step.LOAD, "cannot read table '" + name + "': " + e.getMessage(), e);
      }
    }
    return new Table(name, dim, rowOf, values);
  }

  private static List<TensorInfo> headerOf(Path f) {
    try {
      return SafetensorsReader.headerOf(f);
    } catch (CheckpointException e) {
      throw new ExportException(
          ExportException.Step.LOAD, "cannot read " + f + ": " + e.getMessage(), e);
    }
  }
}
