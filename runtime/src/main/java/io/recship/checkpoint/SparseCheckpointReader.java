package io.recship.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recship.json.JsonProblems;
import it.unimi.dsi.fastutil.longs.Long2LongMap;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongSet;
import java.io.Closeable;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads a RecIS-layout sparse checkpoint: follows {@code index} to the data files, groups the
 * keys {@code <shared>.<slot>/part_i_n} per table and checks, before any data is read, that every
 * file is present and whole, ids are int64 [n], slots float32 [n, dim] with one dim per table.
 * Keys of another form are reported by {@link #unknownKeys()} (the caller warns).
 */
public final class SparseCheckpointReader implements Closeable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One part (shard) of one table. */
  private record Part(int shard, SafetensorsReader reader, String idKey, Map<String, String> slotKeys, int rows) {}

  private final Path dir;
  private final List<SafetensorsReader> readers;
  private final Map<String, List<Part>> tables; // sorted by table name
  private final Map<String, Integer> dims;
  private final List<String> unknownKeys;
  private final Map<String, List<String>> slotsByTable;

  private SparseCheckpointReader(
      Path dir,
      List<SafetensorsReader> readers,
      Map<String, List<Part>> tables,
      Map<String, Integer> dims,
      Map<String, List<String>> slotsByTable,
      List<String> unknownKeys) {
    this.dir = dir;
    this.readers = readers;
    this.tables = tables;
    this.dims = dims;
    this.slotsByTable = slotsByTable;
    this.unknownKeys = unknownKeys;
  }

  public static SparseCheckpointReader open(Path dir) {
    Path indexFile = dir.resolve(RecisLayout.INDEX);
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(dir, null, "checkpoint directory not found.", "check the path given to load.");
    }
    if (!Files.isRegularFile(indexFile)) {
      throw new CheckpointException(
          indexFile, null, "missing: a RecIS checkpoint directory has an 'index' file.",
          "point at the directory a save wrote, or finish the interrupted save.");
    }
    JsonNode index;
    try {
      index = MAPPER.readTree(Files.readString(indexFile));
    } catch (JsonProcessingException e) {
      String at = JsonProblems.position(e);
      throw new CheckpointException(indexFile, null,
          "not valid JSON" + (at.isEmpty() ? "" : " at " + at) + ": " + JsonProblems.reason(e),
          "copy the whole checkpoint folder from one save again, or re-save the checkpoint.", e);
    } catch (IOException e) {
      throw new CheckpointException(indexFile, null, "cannot read: " + e, "check permissions.", e);
    }
    JsonNode fileIndex = index.get("file_index");
    JsonNode blockIndex = index.get("block_index");
    if (fileIndex == null || !fileIndex.isObject() || blockIndex == null || !blockIndex.isObject()) {
      throw new CheckpointException(
          indexFile, null, "must be {\"block_index\": {...}, \"file_index\": {...}}.", "re-save the checkpoint.");
    }
    List<SafetensorsReader> readers = new ArrayList<>();
    try {
      Map<Integer, SafetensorsReader> byIndex = new HashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = fileIndex.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Path f = dir.resolve(e.getKey());
        if (!Files.isRegularFile(f)) {
          throw new CheckpointException(
              f, null, "data file listed in " + indexFile.getFileName() + " is missing.",
              "copy the whole checkpoint directory, or save it again.");
        }
        SafetensorsReader r = SafetensorsReader.open(f);
        readers.add(r);
        byIndex.put(e.getValue().asInt(), r);
      }
      Map<String, Map<Integer, Map<String, String>>> keys = new TreeMap<>();
      // table -> shard count -> a key with that count (for the message)
      Map<String, TreeMap<Integer, String>> shardNums = new HashMap<>();
      List<String> unknown = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = blockIndex.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        SafetensorsReader r = byIndex.get(e.getValue().asInt());
        if (r == null) {
          throw new CheckpointException(
              indexFile, e.getKey(), "points at file number " + e.getValue() + ", which file_index does not list.",
              "re-save the checkpoint.");
        }
        if (!r.contains(e.getKey())) {
          throw new CheckpointException(
              r.file(), e.getKey(), "listed in " + indexFile.getFileName() + " but not in this file: the index and"
                  + " the data files are not from the same save, or the file was edited.",
              "copy the whole checkpoint directory from one save, or save it again.");
        }
        RecisLayout.Key k = RecisLayout.parseKey(e.getKey());
        if (k == null) {
          unknown.add(e.getKey());
          continue;
        }
        if (k.shardNum() < 1 || k.shard() >= k.shardNum()) {
          throw new CheckpointException(indexFile, e.getKey(), "names part " + k.shard() + " of "
                  + k.shardNum() + ": a save of n shards writes parts 0 to n-1.",
              "re-save the checkpoint; a key edited by hand cannot be loaded.");
        }
        shardNums.computeIfAbsent(k.sharedName(), x -> new TreeMap<>())
            .putIfAbsent(k.shardNum(), e.getKey());
        keys.computeIfAbsent(k.sharedName(), x -> new TreeMap<>())
            .computeIfAbsent(k.shard(), x -> new java.util.LinkedHashMap<>())
            .put(k.slot(), e.getKey());
      }
      checkPartsComplete(indexFile, keys, shardNums);
      Map<String, List<Part>> tables = new TreeMap<>();
      Map<String, Integer> dims = new HashMap<>();
      Map<String, List<String>> slotsByTable = new HashMap<>();
      for (Map.Entry<String, Map<Integer, Map<String, String>>> t : keys.entrySet()) {
        String table = t.getKey();
        List<Part> parts = new ArrayList<>();
        Integer dim = null;
        List<String> tableSlots = null;
        for (Map.Entry<Integer, Map<String, String>> p : t.getValue().entrySet()) {
          Map<String, String> slotKeys = new java.util.LinkedHashMap<>(p.getValue());
          String idKey = slotKeys.remove(RecisLayout.ID_SLOT);
          if (idKey == null) {
            throw new CheckpointException(
                dir, RecisLayout.tensorKey(table, RecisLayout.ID_SLOT, p.getKey(), 0),
                "table '" + table + "' part " + p.getKey() + " has slots " + slotKeys.keySet() + " but no id tensor.",
                "re-save the checkpoint; ids and slots are written together.");
          }
          SafetensorsReader idReader = readerOf(readers, idKey);
          TensorInfo ids = idReader.info(idKey, SafeDType.I64);
          if (ids.rank() != 1) {
            throw new CheckpointException(idReader.file(), idKey, "ids must be a 1-d int64 tensor, got shape "
                + java.util.Arrays.toString(ids.shape()) + ".", "re-save the checkpoint.");
          }
          int rows = Math.toIntExact(ids.dim(0));
          for (Map.Entry<String, String> s : slotKeys.entrySet()) {
            SafetensorsReader sr = readerOf(readers, s.getValue());
            TensorInfo si = sr.info(s.getValue(), SafeDType.F32);
            if (si.rank() != 2 || si.dim(0) != rows) {
              throw new CheckpointException(sr.file(), s.getValue(), "slot shape " + java.util.Arrays.toString(si.shape())
                  + " does not match " + rows + " ids (expected [" + rows + ", dim]).", "re-save the checkpoint.");
            }
            if (dim == null) {
              dim = (int) si.dim(1);
            } else if (dim != si.dim(1)) {
              throw new CheckpointException(sr.file(), s.getValue(), "slot dim " + si.dim(1) + " differs from the table's other slots (" + dim + ").",
                  "re-save the checkpoint.");
            }
          }
          if (!slotKeys.containsKey(RecisLayout.EMBEDDING_SLOT)) {
            throw new CheckpointException(idReader.file(), idKey, "table '" + table + "' has ids but no embedding slot.",
                "re-save the checkpoint.");
          }
          List<String> names = new ArrayList<>(slotKeys.keySet());
          if (tableSlots == null) {
            tableSlots = names;
          } else if (!Set.copyOf(names).equals(Set.copyOf(tableSlots))) {
            // a load reads each slot from every part: find the gap before any row is read
            throw new CheckpointException(idReader.file(), idKey, "table '" + table + "' part "
                    + p.getKey() + " has slots " + names + " but part " + parts.get(0).shard()
                    + " has " + tableSlots + ": the parts are not from the same save.",
                "copy the whole checkpoint directory from one save, or save it again.");
          }
          parts.add(new Part(p.getKey(), idReader, idKey, slotKeys, rows));
        }
        parts.sort(Comparator.comparingInt(Part::shard));
        tables.put(table, List.copyOf(parts));
        dims.put(table, dim);
        slotsByTable.put(table, List.copyOf(tableSlots));
      }
      return new SparseCheckpointReader(dir, List.copyOf(readers), tables, dims, slotsByTable, List.copyOf(unknown));
    } catch (RuntimeException e) {
      readers.forEach(SafetensorsReader::close);
      throw e;
    }
  }

  /**
   * Every table must have all the parts of one save. RecIS' Saver writes an id block and a block
   * per slot for every hashtable on every shard, even one that holds no ids, so an absent part
   * means its rows were lost (a data file copied without its index entries, or an index merged
   * before a shard finished), and parts counting different shards come from different saves.
   */
  private static void checkPartsComplete(
      Path indexFile,
      Map<String, Map<Integer, Map<String, String>>> keys,
      Map<String, TreeMap<Integer, String>> shardNums) {
    for (Map.Entry<String, Map<Integer, Map<String, String>>> t : keys.entrySet()) {
      String table = t.getKey();
      TreeMap<Integer, String> counts = shardNums.get(table);
      if (counts.size() > 1) {
        throw new CheckpointException(indexFile, counts.firstEntry().getValue(), "table '" + table
                + "' has parts of saves with different shard counts: "
                + counts.values().stream().map(k -> "'" + k + "'").collect(Collectors.joining(", "))
                + ". One save writes all of a table's parts with the same count.",
            "copy the whole checkpoint directory from one save, or save it again.");
      }
      int shardNum = counts.firstKey();
      List<String> missing = new ArrayList<>();
      for (int shard = 0; shard < shardNum; shard++) {
        if (!t.getValue().containsKey(shard)) {
          missing.add(RecisLayout.tensorKey(table, RecisLayout.ID_SLOT, shard, shardNum));
        }
      }
      if (!missing.isEmpty()) {
        throw new CheckpointException(indexFile, missing.get(0), "table '" + table + "' has "
                + (shardNum - missing.size()) + " of its " + shardNum + " parts; the index lists no "
                + missing + ". Those shards' rows would be lost.",
            "copy every data file and the index of one complete save, or save it again.");
      }
    }
  }

  private static SafetensorsReader readerOf(List<SafetensorsReader> readers, String key) {
    for (SafetensorsReader r : readers) {
      if (r.contains(key)) {
        return r;
      }
    }
    throw new IllegalStateException("key checked at open is gone: " + key);
  }

  public Path dir() {
    return dir;
  }

  /** The data files the index lists, in index order. */
  public List<Path> dataFiles() {
    return readers.stream().map(SafetensorsReader::file).toList();
  }

  /** Table (shared) names, sorted. */
  public Set<String> tables() {
    return tables.keySet();
  }

  public boolean hasTable(String table) {
    return tables.containsKey(table);
  }

  /** Embedding dimension of {@code table}. */
  public int dim(String table) {
    require(table);
    return dims.get(table);
  }

  /** Rows over all parts. */
  public long size(String table) {
    return require(table).stream().mapToLong(Part::rows).sum();
  }

  /** Slot names of {@code table} (embedding and optimizer slots, not id). */
  public List<String> slots(String table) {
    require(table);
    return slotsByTable.get(table);
  }

  /** The key of {@code slot} in {@code table}'s first part (for messages). */
  public String keyOf(String table, String slot) {
    Part p = require(table).get(0);
    String k = slot.equals(RecisLayout.ID_SLOT) ? p.idKey() : p.slotKeys().get(slot);
    return k != null ? k : RecisLayout.tensorKey(table, slot, p.shard(), 0);
  }

  /** The data file holding {@code table}'s first part (for messages). */
  public Path fileOf(String table) {
    return require(table).get(0).reader().file();
  }

  /** Keys in the index that are not hashtable keys (dense tensors RecIS' Saver wrote, or foreign keys). */
  public List<String> unknownKeys() {
    return unknownKeys;
  }

  /** All ids of {@code table}, parts in shard order. */
  public long[] ids(String table) {
    List<Part> parts = require(table);
    long[] out = new long[Math.toIntExact(size(table))];
    int pos = 0;
    for (Part p : parts) {
      long[] ids = p.reader().readLongs(p.idKey());
      System.arraycopy(ids, 0, out, pos, ids.length);
      pos += ids.length;
    }
    return out;
  }

  /** Receives one row: its id and its values (the array is reused; copy what you keep). */
  @FunctionalInterface
  public interface RowConsumer {
    void accept(long id, float[] row);
  }

  /** Streams {@code slot} of {@code table} row by row with its id, without loading the whole slot. */
  public void readSlot(String table, String slot, RowConsumer consumer) {
    int dim = dim(table);
    for (Part p : require(table)) {
      String key = p.slotKeys().get(slot);
      if (key == null) {
        throw new CheckpointException(dir, table + "." + slot, "table '" + table + "' has no slot '" + slot + "' (it has "
            + p.slotKeys().keySet() + ").", "load with the optimizer the checkpoint was saved with, or skip optimizer state.");
      }
      long[] ids = p.reader().readLongs(p.idKey());
      SafetensorsReader r = readerOf(readers, key);
      float[] row = new float[dim];
      int[] next = {0};
      r.readRows(key, SafeDType.F32, dim, buf -> {
        FloatBuffer fb = buf.asFloatBuffer();
        while (fb.remaining() >= dim) {
          fb.get(row);
          consumer.accept(ids[next[0]++], row);
        }
      });
    }
  }

  /**
   * Calls {@code consumer} with the {@code slot} row of every id of {@code wanted} the table
   * holds; ids it lacks are skipped. Streams only the ids and reads just those rows, so memory
   * and I/O stay small whatever the table's size.
   */
  public void readRowsOf(String table, String slot, LongSet wanted, RowConsumer consumer) {
    int dim = dim(table);
    float[] row = new float[dim];
    for (Part p : require(table)) {
      String key = p.slotKeys().get(slot);
      if (key == null) {
        throw new CheckpointException(dir, table + "." + slot, "table '" + table + "' has no slot '" + slot + "' (it has "
            + p.slotKeys().keySet() + ").", "load with the optimizer the checkpoint was saved with, or skip optimizer state.");
      }
      Long2LongMap rowOf = new Long2LongOpenHashMap();
      long[] index = {0};
      p.reader().readRows(p.idKey(), SafeDType.I64, 1, buf -> {
        while (buf.remaining() >= Long.BYTES) {
          long id = buf.getLong();
          if (wanted.contains(id)) {
            rowOf.put(id, index[0]);
          }
          index[0]++;
        }
      });
      SafetensorsReader r = readerOf(readers, key);
      for (Long2LongMap.Entry e : rowOf.long2LongEntrySet()) {
        r.readFloatRow(key, dim, e.getLongValue(), row);
        consumer.accept(e.getLongKey(), row);
      }
    }
  }

  private List<Part> require(String table) {
    List<Part> p = tables.get(table);
    if (p == null) {
      throw new CheckpointException(dir, null, "no table '" + table + "' in this checkpoint (it has " + tables.keySet() + ").",
          "check the FG's shared_name, or the checkpoint directory.");
    }
    return p;
  }

  @Override
  public void close() {
    readers.forEach(SafetensorsReader::close);
  }
}
