package io.recship.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes embedding tables in RecIS' sparse checkpoint layout (§4.6): data files {@code
 * model-%06d-of-%06d.safetensors} holding {@code <shared>.id/part_i_n} (int64 [n]) and {@code
 * <shared>.<slot>/part_i_n} (float32 [n, dim]) for {@code embedding} and each optimizer slot,
 * plus {@code index}, {@code tensorkey.json} and {@code
 * torch_rank_weights_embs_table_multi_shard.json} with RecIS' content and formatting.
 *
 * <p>Blocks (one id or slot tensor each) are dealt round-robin over {@code parallel} files, as
 * RecIS' {@code SaveBundle::AddBlock} does. Rows are streamed from the tables, never copied.
 *
 * <p>Several shards: every worker calls {@link #writeShard}, which leaves per-shard meta files;
 * then one worker calls {@link #mergeShards} (RecIS: rank 0 in {@code MergeJsonInfo}).
 *
 * <p>Each data file gets a {@link DigestSidecar} ({@code <file>.sha256}, its SHA-256 computed
 * while it was written) unless {@code digests} is false; RecIS ignores files it does not list in
 * {@code index}, and the export reuses the digests instead of hashing gigabytes again.
 */
public final class SparseCheckpointWriter {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SparseCheckpointWriter() {}

  /** One shard, one data file: writes everything, with {@code denseMeta} appended to the manifest. */
  public static void write(Path dir, List<? extends TableSnapshot> tables, List<TensorSpec> denseMeta) {
    write(dir, tables, denseMeta, true);
  }

  /** {@link #write(Path, List, List)}; {@code digests} false: no digest sidecars, as RecIS writes. */
  public static void write(
      Path dir, List<? extends TableSnapshot> tables, List<TensorSpec> denseMeta, boolean digests) {
    writeShard(dir, tables, 0, 1, 1, digests);
    mergeShards(dir, 1, denseMeta);
  }

  /** Writes this shard's data files (with digest sidecars) and its partial meta files. */
  public static void writeShard(
      Path dir, List<? extends TableSnapshot> tables, int shardIndex, int shardNum, int parallel) {
    writeShard(dir, tables, shardIndex, shardNum, parallel, true);
  }

  /** {@link #writeShard(Path, List, int, int, int)}; {@code digests} false: no digest sidecars. */
  public static void writeShard(
      Path dir,
      List<? extends TableSnapshot> tables,
      int shardIndex,
      int shardNum,
      int parallel,
      boolean digests) {
    if (shardNum < 1 || shardIndex < 0 || shardIndex >= shardNum || parallel < 1) {
      throw new IllegalArgumentException(
          "need 0 <= shardIndex < shardNum and parallel >= 1, got " + shardIndex + ", " + shardNum + ", " + parallel);
    }
    List<List<TensorEntry>> files = new ArrayList<>();
    for (int i = 0; i < parallel; i++) {
      files.add(new ArrayList<>());
    }
    Map<String, String> tensorKeys = new LinkedHashMap<>();
    ObjectNode shardMeta = NODES.objectNode();
    int block = 0;
    for (TableSnapshot t : tables) {
      String name = t.sharedName();
      long n = t.size();
      String idKey = RecisLayout.tensorKey(name, RecisLayout.ID_SLOT, shardIndex, shardNum);
      files.get(block++ % parallel).add(TensorEntry.of(idKey, SafeDType.I64, new long[] {n}, t::writeIds));
      tensorKeys.put(idKey, RecisLayout.blockName(name, RecisLayout.ID_SLOT, shardIndex, shardNum));
      shardMeta.set(idKey, blockMeta(SafeDType.I64, new long[] {n}));
      List<String> slots = t.slotNames();
      if (slots.isEmpty() || !slots.get(0).equals(RecisLayout.EMBEDDING_SLOT)) {
        throw new IllegalArgumentException("table " + name + " must list the embedding slot first, got " + slots);
      }
      for (String slot : slots) {
        String key = RecisLayout.tensorKey(name, slot, shardIndex, shardNum);
        long[] shape = {n, t.dim()};
        files.get(block++ % parallel).add(TensorEntry.of(key, SafeDType.F32, shape, sink -> t.writeSlot(slot, sink)));
        tensorKeys.put(key, RecisLayout.blockName(name, slot, shardIndex, shardNum));
        shardMeta.set(key, blockMeta(SafeDType.F32, shape));
      }
    }
    Map<String, Integer> fileIndex = new LinkedHashMap<>();
    Map<String, Integer> blockIndex = new LinkedHashMap<>();
    for (int i = 0; i < parallel; i++) {
      List<TensorEntry> entries = files.get(i);
      if (entries.isEmpty()) {
        continue; // RecIS skips writers without blocks
      }
      String fileName = RecisLayout.dataFileName(shardIndex * parallel + i, parallel * shardNum);
      SafetensorsWriter.write(dir.resolve(fileName), entries, Map.of(), digests);
      int fi = fileIndex.computeIfAbsent(fileName, k -> fileIndex.size());
      for (TensorEntry e : entries) {
        blockIndex.put(e.spec().name(), fi);
      }
    }
    writeText(dir.resolve(shardIndexFile(shardIndex)), NlohmannJson.compact(indexJson(fileIndex, blockIndex)));
    ObjectNode tk = NODES.objectNode();
    tensorKeys.forEach(tk::put);
    writeText(dir.resolve(shardIndex + RecisLayout.TENSOR_KEY_JSON), NlohmannJson.pretty(tk));
    writeText(dir.resolve(shardManifestFile(shardIndex)), NlohmannJson.compact(shardMeta));
  }

  /** Merges the per-shard meta files of {@code shardNum} shards into the final three files. */
  public static void mergeShards(Path dir, int shardNum, List<TensorSpec> denseMeta) {
    Map<String, Integer> fileIndex = new LinkedHashMap<>();
    Map<String, Integer> blockIndex = new LinkedHashMap<>();
    ObjectNode tensorKeys = NODES.objectNode();
    ObjectNode manifest = NODES.objectNode();
    for (int s = 0; s < shardNum; s++) {
      JsonNode idx = readJson(dir.resolve(shardIndexFile(s)));
      int base = fileIndex.size();
      idx.path("file_index").fields().forEachRemaining(e -> fileIndex.put(e.getKey(), base + e.getValue().asInt()));
      idx.path("block_index").fields().forEachRemaining(e -> blockIndex.put(e.getKey(), base + e.getValue().asInt()));
      tensorKeys.setAll((ObjectNode) readJson(dir.resolve(s + RecisLayout.TENSOR_KEY_JSON)));
      for (Iterator<Map.Entry<String, JsonNode>> it = readJson(dir.resolve(shardManifestFile(s))).fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        RecisLayout.Key key = RecisLayout.parseKey(e.getKey());
        // only embeddings go to the manifest; ids and optimizer slots are left out, as RecIS does
        if (key != null && key.slot().equals(RecisLayout.EMBEDDING_SLOT)) {
          manifest.set(e.getKey(), embeddingEntry(e.getKey(), e.getValue()));
        }
      }
    }
    for (TensorSpec d : denseMeta) {
      manifest.set(d.name(), denseEntry(d));
    }
    writeText(dir.resolve(RecisLayout.INDEX), NlohmannJson.compact(indexJson(fileIndex, blockIndex)));
    writeText(dir.resolve(RecisLayout.TENSOR_KEY_JSON), NlohmannJson.pretty(tensorKeys));
    writeText(dir.resolve(RecisLayout.MANIFEST_JSON), NlohmannJson.pretty(manifest));
    for (int s = 0; s < shardNum; s++) {
      delete(dir.resolve(shardIndexFile(s)));
      delete(dir.resolve(s + RecisLayout.TENSOR_KEY_JSON));
      delete(dir.resolve(shardManifestFile(s)));
    }
  }

  static String shardIndexFile(int shard) {
    return String.format(Locale.ROOT, "ckpt-%07d.index", shard);
  }

  static String shardManifestFile(int shard) {
    return String.format(Locale.ROOT, "ckpt-%07d.json", shard);
  }

  private static ObjectNode blockMeta(SafeDType dtype, long[] shape) {
    ObjectNode m = NODES.objectNode();
    m.put("dtype", dtype.name());
    ArrayNode s = m.putArray("shape");
    for (long d : shape) {
      s.add(d);
    }
    m.put("dense", false);
    return m;
  }

  private static ObjectNode embeddingEntry(String key, JsonNode meta) {
    ObjectNode v = NODES.objectNode();
    v.put("dense", false);
    JsonNode shape = meta.get("shape");
    v.put("dimension", shape.get(shape.size() - 1).asLong());
    SafeDType dt = SafeDType.fromCode(meta.get("dtype").asText());
    v.put("dtype", dt == null ? meta.get("dtype").asText() : dt.torchName());
    String suffix = "." + RecisLayout.EMBEDDING_SLOT + "/";
    v.put("hashmap_key", key.replace(suffix, "." + RecisLayout.ID_SLOT + "/"));
    v.put("hashmap_key_dtype", "int64");
    v.put("hashmap_value", key);
    v.put("is_hashmap", true);
    v.put("name", key);
    v.set("shape", shape.deepCopy());
    return v;
  }

  private static ObjectNode denseEntry(TensorSpec d) {
    ObjectNode v = NODES.objectNode();
    v.put("dense", true);
    v.put("dimension", 0);
    v.put("dtype", d.dtype().torchName());
    v.put("is_hashmap", false);
    v.put("name", d.name());
    ArrayNode s = v.putArray("shape");
    for (long x : d.shape()) {
      s.add(x);
    }
    return v;
  }

  private static ObjectNode indexJson(Map<String, Integer> fileIndex, Map<String, Integer> blockIndex) {
    ObjectNode root = NODES.objectNode();
    ObjectNode b = root.putObject("block_index");
    blockIndex.forEach(b::put);
    ObjectNode f = root.putObject("file_index");
    fileIndex.forEach(f::put);
    return root;
  }

  private static JsonNode readJson(Path p) {
    try {
      return MAPPER.readTree(Files.readString(p));
    } catch (IOException e) {
      throw new CheckpointException(
          p, null, "cannot read shard meta file: " + e.getMessage(),
          "run writeShard on every shard before mergeShards, into the same directory.", e);
    }
  }

  private static void writeText(Path p, String text) {
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CheckpointException(p, null, "cannot write: " + e, "check free disk space and permissions.", e);
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new CheckpointException(p, null, "cannot delete shard meta file: " + e, "check permissions.", e);
    }
  }
}
