package io.recship.torchscript;

import com.google.common.io.CountingOutputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a {@link ScriptModuleSpec} as a TorchScript archive that {@code torch.jit.load} and
 * libtorch (DJL) load.
 *
 * <p>Layout, all under one top folder named after the archive file: {@code data.pkl} (the module
 * object, pickle protocol 2), the class source in {@code code/__torch__...py}, one raw
 * little-endian {@code data/<i>} entry per tensor, {@code constants.pkl} (an empty tuple) and
 * {@code version} ({@code 10}). Entries are STORED with fixed timestamps, and each entry's data
 * starts on a 64-byte boundary (padded with an {@code "FB"} extra field, as torch does), so the
 * same spec always gives the same bytes and the tensor data can be memory-mapped.
 *
 * <p>Tensor data is streamed from each {@link TensorData}'s buffer into the zip in 64 KiB chunks:
 * no second full copy of a parameter is made.
 */
public final class TorchScriptWriter {
  /** Archive format version: 10 switches off every operator upgrader (see the design doc). */
  static final String VERSION = "10\n";

  static final byte[] CONSTANTS_PKL = {(byte) 0x80, 0x02, 0x29, 0x2e};

  /** Data alignment torch uses, so storages can be mapped without copying. */
  static final int ALIGNMENT = 64;

  /**
   * Fixed entry time, set as zone-free DOS time so output does not depend on the time zone. Not
   * 1980-01-01 00:00: java.util.zip treats that value as "before 1980" and adds a zone-dependent
   * extended-timestamp field, which also breaks the alignment arithmetic.
   */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

  private static final int CHUNK = 1 << 16;

  private static final String DEFAULT_ARCHIVE_NAME = "archive";

  private TorchScriptWriter() {}

  /**
   * Writes the archive to {@code out} (replacing it); the top folder is the file name without
   * its extension. Writes to a temporary file next to {@code out} first, so a failed write never
   * leaves a truncated archive behind.
   */
  public static void write(ScriptModuleSpec spec, Path out) throws IOException {
    Path absolute = out.toAbsolutePath();
    Path dir = absolute.getParent();
    String fileName = absolute.getFileName().toString();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    // not Files.createTempFile: its files are owner-only (0600), and the archive must be readable
    // like every other file of the export (the umask decides), e.g. by a serving account
    Path tmp = (dir == null ? Path.of("") : dir)
        .resolve("." + fileName + "." + UUID.randomUUID() + ".tmp");
    try {
      try (OutputStream os = new BufferedOutputStream(
          Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), CHUNK)) {
        write(spec, archiveName(fileName), os);
      }
      try {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The archive as bytes, with top folder {@code archive} (what {@code torch.jit.save} uses for streams). */
  public static byte[] toBytes(ScriptModuleSpec spec) {
    return toBytes(spec, DEFAULT_ARCHIVE_NAME);
  }

  /**
   * The archive as bytes, with the top folder {@code archiveName} sanitized; {@code
   * toBytes(spec, "model")} equals the content {@code write(spec, dir.resolve("model.pt"))} writes.
   */
  public static byte[] toBytes(ScriptModuleSpec spec, String archiveName) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      write(spec, sanitize(archiveName), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return bytes.toByteArray();
  }

  /**
   * Streams the archive to {@code out} with top folder {@code archiveName} (sanitized). Does not
   * close {@code out}.
   */
  public static void write(ScriptModuleSpec spec, String archiveName, OutputStream out)
      throws IOException {
    String top = sanitize(archiveName) + "/";
    List<TensorData> storages = new ArrayList<>();
    byte[] dataPkl = dataPkl(spec, storages);

    CountingOutputStream counting = new CountingOutputStream(out);
    ZipOutputStream zip = new ZipOutputStream(counting, StandardCharsets.UTF_8);
    putStored(zip, counting, top + "data.pkl", ByteBuffer.wrap(dataPkl));
    putStored(
        zip,
        counting,
        top + spec.codePath(),
        ByteBuffer.wrap(spec.source().getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < storages.size(); i++) {
      putStored(zip, counting, top + "data/" + i, storages.get(i).littleEndianData());
    }
    putStored(zip, counting, top + "constants.pkl", ByteBuffer.wrap(CONSTANTS_PKL));
    putStored(
        zip, counting, top + "version", ByteBuffer.wrap(VERSION.getBytes(StandardCharsets.US_ASCII)));
    zip.finish();
    zip.flush();
  }

  /** The top folder for an archive file name: the name without extension, as an identifier. */
  static String archiveName(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return sanitize(dot > 0 ? fileName.substring(0, dot) : fileName);
  }

  static String sanitize(String name) {
    String s = name.replaceAll("[^A-Za-z0-9_]", "_");
    return s.isEmpty() ? DEFAULT_ARCHIVE_NAME : s;
  }

  /** The module object; appends each tensor to {@code storages}, whose index is its key. */
  static byte[] dataPkl(ScriptModuleSpec spec, List<TensorData> storages) {
    PickleWriter p = new PickleWriter();
    p.global(spec.pickleModule(), spec.simpleName()).emptyTuple().newObj().emptyDict().mark();
    for (Map.Entry<String, TensorData> e : spec.parameters().entrySet()) {
      p.string(e.getKey());
      tensor(p, e.getValue(), storages, true);
    }
    for (Map.Entry<String, TensorData> e : spec.buffers().entrySet()) {
      p.string(e.getKey());
      tensor(p, e.getValue(), storages, false);
    }
    p.string("training").bool(false);
    p.setItems().build();
    return p.stop();
  }

  /**
   * {@code torch._utils._rebuild_tensor_v2(storage, 0, sizes, strides, requires_grad,
   * OrderedDict())} with a persistent-id storage reference.
   */
  private static void tensor(
      PickleWriter p, TensorData t, List<TensorData> storages, boolean requiresGrad) {
    String key = Integer.toString(storages.size());
    storages.add(t);
    long[] shape = t.shape();
    p.global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark()
        .string("storage")
        .global("torch", t.dtype().storageClassName())
        .string(key)
        .string("cpu")
        .integer(t.numel())
        .tuple()
        .binPersId();
    p.integer(0);
    p.mark();
    for (long d : shape) {
      p.integer(d);
    }
    p.tuple();
    p.mark();
    for (long s : contiguousStrides(shape)) {
      p.integer(s);
    }
    p.tuple();
    p.bool(requiresGrad);
    p.global("collections", "OrderedDict").emptyTuple().reduce();
    p.tuple().reduce();
  }

  /** Row-major strides as torch computes them (a zero-size dimension counts as 1). */
  static long[] contiguousStrides(long[] shape) {
    long[] strides = new long[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= Math.max(shape[i], 1);
    }
    return strides;
  }

  private static void putStored(
      ZipOutputStream zip, CountingOutputStream counting, String name, ByteBuffer data)
      throws IOException {
    CRC32 crc = new CRC32();
    crc.update(data.duplicate());
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(data.remaining());
    entry.setCompressedSize(data.remaining());
    entry.setCrc(crc.getValue());
    entry.setTimeLocal(ENTRY_TIME);
    entry.setExtra(alignmentExtra(counting.getCount(), name));
    zip.putNextEntry(entry);
    if (counting.getCount() % ALIGNMENT != 0) {
      // java.util.zip added a field we did not account for: fail rather than write a
      // misaligned archive.
      throw new IllegalStateException(
          "internal error: data of " + name + " starts at " + counting.getCount()
              + ", not a multiple of " + ALIGNMENT);
    }
    ByteBuffer src = data.duplicate();
    byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, src.remaining()))];
    while (src.hasRemaining()) {
      int n = Math.min(chunk.length, src.remaining());
      src.get(chunk, 0, n);
      zip.write(chunk, 0, n);
    }
    zip.closeEntry();
  }

  /**
   * An {@code "FB"} extra field whose padding puts the entry's data at a multiple of {@link
   * #ALIGNMENT}: the local header is 30 bytes + name + extra (4-byte field header + padding).
   */
  static byte[] alignmentExtra(long headerOffset, String name) {
    long unpadded = headerOffset + 30 + name.getBytes(StandardCharsets.UTF_8).length + 4;
    int pad = (int) ((ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT);
    byte[] extra = new byte[4 + pad];
    extra[0] = 'F';
    extra[1] = 'B';
    extra[2] = (byte) pad;
    extra[3] = (byte) (pad >>> 8);
    java.util.Arrays.fill(extra, 4, extra.length, (byte) 'Z');
    return extra;
  }
}
