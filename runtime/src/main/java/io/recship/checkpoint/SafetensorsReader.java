package io.recship.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recship.json.JsonProblems;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads safetensors files: the header is parsed and validated up front (dtype codes, shapes,
 * offsets against the file size), tensor data is read on demand with positional reads, either
 * whole ({@link #readFloats}) or streamed in chunks of whole rows ({@link #readRows}) so a large
 * table can be loaded without holding the file's bytes and the table at once.
 */
public final class SafetensorsReader implements Closeable {
  static final String METADATA_KEY = "__metadata__";
  /** The limit the reference implementation applies; a bigger header means a corrupt file. */
  private static final long MAX_HEADER_BYTES = 100L << 20;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int CHUNK_BYTES = 1 << 20;

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsReader(
      Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Opens and validates {@code file}; fails with a {@link CheckpointException} naming the problem. */
  public static SafetensorsReader open(Path file) {
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(
          file, null, "file not found.", "check the checkpoint directory; was the save interrupted or the file moved?");
    } catch (IOException e) {
      throw new CheckpointException(file, null, "cannot open: " + e, "check permissions.", e);
    }
    try {
      return parse(file, ch);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static SafetensorsReader parse(Path file, FileChannel ch) {
    try {
      long size = ch.size();
      if (size < 8) {
        throw truncated(file, null, "the file has " + size + " bytes, fewer than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
        throw new CheckpointException(
            file, null, "header length " + headerLen + " is impossible; this is not a safetensors file or it is corrupt.",
            "re-save the checkpoint.");
      }
      if (8 + headerLen > size) {
        throw truncated(file, null, "the header needs " + (8 + headerLen) + " bytes but the file has " + size);
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, 8);
      String json = new String(hb.array(), StandardCharsets.UTF_8);
      JsonNode root;
      try {
        root = MAPPER.readTree(json);
      } catch (JsonProcessingException e) {
        throw new CheckpointException(
            file, null,
            "header is not valid JSON (" + JsonProblems.position(e) + "): " + JsonProblems.reason(e),
            "re-save the checkpoint; the file is corrupt.", e);
      }
      if (root == null || !root.isObject()) {
        throw badHeader(file, null, "header must be a JSON object");
      }
      long dataSize = size - 8 - headerLen;
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().equals(METADATA_KEY)) {
          if (!f.getValue().isObject()) {
            throw badHeader(file, null, "__metadata__ must be an object of strings");
          }
          f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        tensors.put(f.getKey(), info(file, f.getKey(), f.getValue(), dataSize));
      }
      checkContiguous(file, tensors.values(), dataSize);
      return new SafetensorsReader(
          file, ch, 8 + headerLen, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    } catch (IOException e) {
      throw new CheckpointException(file, null, "cannot read: " + e, "check the file.", e);
    }
  }

  private static TensorInfo info(Path file, String key, JsonNode n, long dataSize) {
    if (!n.isObject()) {
      throw badHeader(file, key, "entry must be an object with dtype, shape and data_offsets");
    }
    JsonNode dt = n.get("dtype");
    JsonNode sh = n.get("shape");
    JsonNode off = n.get("data_offsets");
    if (dt == null || !dt.isTextual() || sh == null || !sh.isArray() || off == null || !off.isArray() || off.size() != 2) {
      throw badHeader(file, key, "entry needs \"dtype\" (string), \"shape\" (array) and \"data_offsets\" ([begin, end])");
    }
    SafeDType dtype = SafeDType.fromCode(dt.asText());
    if (dtype == null) {
      throw badHeader(file, key, "unknown dtype \"" + dt.asText() + "\"");
    }
    long[] shape = new long[sh.size()];
    long numel = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = sh.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw badHeader(file, key, "shape " + sh + " must hold non-negative integers");
      }
      shape[i] = d.asLong();
      numel = Math.multiplyExact(numel, shape[i]);
    }
    if (!off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()) {
      throw badHeader(file, key, "data_offsets " + off + " must be two integers");
    }
    long begin = off.get(0).asLong();
    long end = off.get(1).asLong();
    if (begin < 0 || end < begin || end - begin != numel * dtype.byteSize()) {
      throw badHeader(
          file, key,
          "data_offsets " + off + " do not match dtype " + dtype + " and shape " + sh + " (" + numel * dtype.byteSize() + " bytes)");
    }
    if (end > dataSize) {
      throw truncated(file, key, "its data ends at byte " + end + " of the data section but only " + dataSize + " bytes are present");
    }
    return new TensorInfo(key, dtype, shape, begin, end);
  }

  private static void checkContiguous(Path file, java.util.Collection<TensorInfo> infos, long dataSize) {
    List<TensorInfo> sorted = new ArrayList<>(infos);
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long expected = 0;
    for (TensorInfo t : sorted) {
      if (t.begin() != expected) {
        throw badHeader(file, t.name(), "data_offsets start at " + t.begin() + " but the previous tensor ends at " + expected + " (overlap or gap)");
      }
      expected = t.end();
    }
  }

  private static CheckpointException truncated(Path file, String key, String detail) {
    return new CheckpointException(
        file, key, "file is truncated: " + detail + ".",
        "the save was interrupted or the copy is incomplete; copy the file again or save a new checkpoint.");
  }

  private static CheckpointException badHeader(Path file, String key, String detail) {
    return new CheckpointException(file, key, "bad safetensors header: " + detail + ".", "re-save the checkpoint; the file is corrupt.");
  }

  private static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
    long pos = position;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos);
      if (n < 0) {
        throw new EOFException("unexpected end of file at byte " + pos);
      }
      pos += n;
    }
  }

  public Path file() {
    return file;
  }

  /** The {@code __metadata__} map (empty if the file has none). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Tensors in header order. */
  public List<TensorInfo> tensors() {
    return List.copyOf(tensors.values());
  }

  public Set<String> keys() {
    return tensors.keySet();
  }

  public boolean contains(String key) {
    return tensors.containsKey(key);
  }

  /** The header entry for {@code key}; a {@link CheckpointException} if the file has no such tensor. */
  public TensorInfo info(String key) {
    TensorInfo t = tensors.get(key);
    if (t == null) {
      throw new CheckpointException(
          file, key, "no such tensor in this file (it has " + tensors.size() + " tensors).",
          "check the key or the index file that points here.");
    }
    return t;
  }

  /** The info for {@code key}, failing with a clear message unless it is stored as {@code expected}. */
  public TensorInfo info(String key, SafeDType expected) {
    TensorInfo t = info(key);
    if (t.dtype() != expected) {
      throw new CheckpointException(
          file, key, "dtype mismatch: stored as " + t.dtype() + " but " + expected + " is expected.",
          "save this tensor as " + expected + " (" + expected.torchName() + "), or convert the checkpoint.");
    }
    return t;
  }

  public float[] readFloats(String key) {
    TensorInfo t = info(key, SafeDType.F32);
    float[] out = new float[Math.toIntExact(t.numel())];
    int[] pos = {0};
    readRows(key, SafeDType.F32, 1, buf -> {
      int n = buf.remaining() / 4;
      buf.asFloatBuffer().get(out, pos[0], n);
      pos[0] += n;
    });
    return out;
  }

  public long[] readLongs(String key) {
    TensorInfo t = info(key, SafeDType.I64);
    long[] out = new long[Math.toIntExact(t.numel())];
    int[] pos = {0};
    readRows(key, SafeDType.I64, 1, buf -> {
      int n = buf.remaining() / 8;
      buf.asLongBuffer().get(out, pos[0], n);
      pos[0] += n;
    });
    return out;
  }

  public double[] readDoubles(String key) {
    TensorInfo t = info(key, SafeDType.F64);
    double[] out = new double[Math.toIntExact(t.numel())];
    int[] pos = {0};
    readRows(key, SafeDType.F64, 1, buf -> {
      int n = buf.remaining() / 8;
      buf.asDoubleBuffer().get(out, pos[0], n);
      pos[0] += n;
    });
    return out;
  }

  /** Raw little-endian bytes of any tensor. */
  public byte[] readBytes(String key) {
    TensorInfo t = info(key);
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(t.byteSize()));
    try {
      readFully(channel, b, dataStart + t.begin());
    } catch (IOException e) {
      throw new CheckpointException(file, key, "cannot read: " + e, "check the file.", e);
    }
    return b.array();
  }

  /** Receives consecutive chunks of a tensor; each chunk holds whole rows, little-endian. */
  @FunctionalInterface
  public interface ChunkConsumer {
    void accept(ByteBuffer chunk);
  }

  /**
   * Streams tensor {@code key} (which must be stored as {@code expected}) in chunks of at most
   * 1 MiB that each hold a whole number of elements groups of {@code elementsPerRow}.
   */
  public void readRows(String key, SafeDType expected, long elementsPerRow, ChunkConsumer consumer) {
    TensorInfo t = info(key, expected);
    long rowBytes = Math.max(1, elementsPerRow) * expected.byteSize();
    long rowsPerChunk = Math.max(1, CHUNK_BYTES / rowBytes);
    long chunkBytes = rowsPerChunk * rowBytes;
    ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(chunkBytes, Math.max(t.byteSize(), 1)))
        .order(ByteOrder.LITTLE_ENDIAN);
    long pos = t.begin();
    try {
      while (pos < t.end()) {
        int n = (int) Math.min(buf.capacity(), t.end() - pos);
        buf.clear().limit(n);
        readFully(channel, buf, dataStart + pos);
        buf.flip();
        consumer.accept(buf.order(ByteOrder.LITTLE_ENDIAN));
        pos += n;
      }
    } catch (IOException e) {
      throw new CheckpointException(
          file, key, "cannot read tensor data: " + e, "the file may have been truncated after it was opened; save again.", e);
    }
  }

  /**
   * Reads row {@code row} of a float32 tensor with {@code dim} values per row into {@code dst}:
   * one positional read, for picking a few rows out of a big table.
   */
  public void readFloatRow(String key, int dim, long row, float[] dst) {
    TensorInfo t = info(key, SafeDType.F32);
    long rowBytes = (long) dim * Float.BYTES;
    long pos = t.begin() + row * rowBytes;
    if (row < 0 || pos + rowBytes > t.end()) {
      throw new CheckpointException(file, key, "row " + row + " is outside the tensor (" + t.byteSize() / rowBytes
          + " rows of " + dim + ").", "the checkpoint's ids and slots disagree; save it again.");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) rowBytes).order(ByteOrder.LITTLE_ENDIAN);
    try {
      readFully(channel, buf, dataStart + pos);
    } catch (IOException e) {
      throw new CheckpointException(
          file, key, "cannot read tensor data: " + e, "the file may have been truncated after it was opened; save again.", e);
    }
    buf.flip();
    buf.asFloatBuffer().get(dst, 0, dim);
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing useful to do: data was only read
    }
  }

  /** Reads only the header of {@code file} (validated). */
  public static List<TensorInfo> headerOf(Path file) {
    if (!Files.exists(file)) {
      throw new CheckpointException(file, null, "file not found.", "check the path.");
    }
    try (SafetensorsReader r = open(file)) {
      return r.tensors();
    }
  }
}
