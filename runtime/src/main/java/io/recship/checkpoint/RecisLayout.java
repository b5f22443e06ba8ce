package io.recship.checkpoint;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * File and key names of RecIS' sparse checkpoint ({@code recis-reference.md} §4.6, read from
 * RecIS' {@code csrc/serialize/name.cc}, {@code save_bundle.cc}, {@code slice_info.cc}).
 */
public final class RecisLayout {
  /** {@code index}: {@code {"block_index": {key: file_i}, "file_index": {file: i}}}. */
  public static final String INDEX = "index";
  /** {@code tensorkey.json}: file key to internal block name. */
  public static final String TENSOR_KEY_JSON = "tensorkey.json";
  /** The RTP table manifest. */
  public static final String MANIFEST_JSON = "torch_rank_weights_embs_table_multi_shard.json";
  /**
   * RecShip's lock on a checkpoint folder while a save writes it (not part of RecIS' layout:
   * hidden, and neither {@code *safetensors} nor {@code *json}, so RecIS' loaders and exports skip
   * it). Loads and exports refuse while a live save holds it.
   */
  public static final String SAVE_LOCK_FILE = ".recship-save.lock";

  /**
   * Dense state. RecIS writes {@code model.pt} (a PyTorch pickle of the state_dict); we write the
   * same tensors as safetensors: one reader for the whole checkpoint, streamed like the tables,
   * and readable by Python's {@code safetensors.torch.load_file}.
   */
  public static final String DENSE_FILE = "dense.safetensors";

  public static final String ID_SLOT = "id";
  public static final String EMBEDDING_SLOT = "embedding";

  /** The id space a RecIS hash table slices over workers ({@code gen_slice}, default 65536). */
  public static final int SLICE_SIZE = 65536;

  private static final Pattern KEY = Pattern.compile("^(.+)\\.([^./]+)/part_(\\d+)_(\\d+)$");

  private RecisLayout() {}

  /** {@code model-%06d-of-%06d.safetensors}; index = shard * parallel + thread, total = parallel * shards. */
  public static String dataFileName(int index, int total) {
    return String.format(Locale.ROOT, "model-%06d-of-%06d.safetensors", index, total);
  }

  /** {@code <shared_name>.<slot>/part_<shard>_<shardNum>}. */
  public static String tensorKey(String sharedName, String slot, int shard, int shardNum) {
    return sharedName + "." + slot + "/part_" + shard + "_" + shardNum;
  }

  /** The internal block name {@code <shared>@<slot>^<begin>@<end>@<size>} RecIS maps each key to. */
  public static String blockName(String sharedName, String slot, int shard, int shardNum) {
    return sharedName + "@" + slot + "^" + sliceInfo(shard, shardNum);
  }

  /**
   * RecIS' {@code SliceInfo::ToString} of {@code gen_slice(shard, shardNum)}: begin and end
   * zero-padded to the width of the size ({@code 00000@65536@65536} for one shard).
   */
  public static String sliceInfo(int shard, int shardNum) {
    int base = SLICE_SIZE / shardNum;
    int remain = SLICE_SIZE % shardNum;
    int begin = 0;
    for (int i = 0; i < shard; i++) {
      begin += base + (i < remain ? 1 : 0);
    }
    int end = begin + base + (shard < remain ? 1 : 0);
    String size = Integer.toString(SLICE_SIZE);
    return pad(begin, size.length()) + "@" + pad(end, size.length()) + "@" + size;
  }

  private static String pad(int v, int width) {
    String s = Integer.toString(v);
    return "0".repeat(Math.max(0, width - s.length())) + s;
  }

  /** A parsed hashtable key. */
  public record Key(String sharedName, String slot, int shard, int shardNum) {
    public String toKey() {
      return tensorKey(sharedName, slot, shard, shardNum);
    }
  }

  /** Parses {@code <shared_name>.<slot>/part_<i>_<n>}, or null if the key has another form. */
  public static @Nullable Key parseKey(String key) {
    Matcher m = KEY.matcher(key);
    if (!m.matches()) {
      return null;
    }
    try {
      return new Key(m.group(1), m.group(2), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
