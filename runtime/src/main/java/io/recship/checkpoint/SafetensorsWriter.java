package io.recship.checkpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes safetensors files by streaming: the header is computed from the specs alone, then each
 * tensor's {@link TensorSource} writes its elements through a 1 MiB buffer straight to the file, so
 * saving a table never needs a second in-memory copy of it.
 *
 * <p>Layout (as RecIS' {@code TableWriter} writes it): 8-byte little-endian header length, a
 * compact JSON header {@code {key: {"dtype", "shape", "data_offsets"}}} in entry order, padded
 * with {@code 8 - len % 8} spaces (RecIS always pads, even a full 8 when already aligned; every
 * safetensors reader accepts it), then the raw bytes. {@code __metadata__} is written only when
 * metadata is given (RecIS writes none).
 *
 * <p>The file appears atomically: it is written as {@code <name>.tmp} and renamed when complete,
 * so a crash never leaves a truncated file under the real name.
 *
 * <p>By default every byte is also hashed while it is written (on a second thread, see {@link
 * ChannelSink}) and the SHA-256 recorded in a {@link DigestSidecar} {@code <name>.sha256} once
 * the file is in place: an export then lists the file in its manifest without reading it again.
 */
public final class SafetensorsWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private SafetensorsWriter() {}

  public static void write(Path file, List<TensorEntry> entries) {
    write(file, entries, Map.of());
  }

  public static void write(Path file, List<TensorEntry> entries, Map<String, String> metadata) {
    write(file, entries, metadata, true);
  }

  /**
   * {@code digestSidecar} false writes the file alone, as RecIS does (no {@code <name>.sha256});
   * an export then hashes it while copying it.
   */
  public static void write(
      Path file, List<TensorEntry> entries, Map<String, String> metadata, boolean digestSidecar) {
    byte[] header = header(entries.stream().map(TensorEntry::spec).toList(), metadata);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    String current = null;
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      // a sidecar of the file being replaced must not outlive it, even if this save fails
      DigestSidecar.delete(file);
      String sha256;
      try (FileChannel ch =
              FileChannel.open(
                  tmp,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.TRUNCATE_EXISTING,
                  StandardOpenOption.WRITE);
          ChannelSink sink =
              new ChannelSink(ch, digestSidecar ? MessageDigest.getInstance("SHA-256") : null)) {
        sink.putLong(header.length);
        sink.putRaw(header);
        for (TensorEntry e : entries) {
          current = e.spec().name();
          long before = sink.written();
          e.data().writeTo(sink);
          long got = sink.written() - before;
          if (got != e.spec().byteSize()) {
            throw new IllegalStateException(
                "tensor '" + current + "' wrote " + got + " bytes but its spec " + e.spec()
                    + " needs " + e.spec().byteSize() + " (the TensorSource does not match the shape)");
          }
        }
        sha256 = sink.finish();
        ch.force(false);
      }
      move(tmp, file);
      if (sha256 != null) {
        writeSidecar(file, sha256);
      }
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new CheckpointException(
          file, current, "cannot write safetensors file: " + e, "check free disk space and permissions.", e);
    } catch (RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  private static void writeSidecar(Path file, String sha256) {
    try {
      DigestSidecar.write(file, sha256);
    } catch (IOException e) {
      throw new CheckpointException(
          DigestSidecar.sidecarOf(file), null, "cannot write the digest sidecar: " + e,
          "check free disk space and permissions (the data file itself is complete).", e);
    }
  }

  private static void move(Path tmp, Path file) throws IOException {
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // the original failure is what the user needs to see
    }
  }

  /**
   * The padded JSON header this writer puts after the 8-byte length for tensors stored back to
   * back in {@code specs} order (layout in the class doc). Public so code that copies tensor bytes
   * itself (the export's optimizer-slot filter) writes exactly the header this writer would.
   *
   * @throws IllegalArgumentException if a name repeats or is {@code __metadata__}
   */
  public static byte[] header(List<TensorSpec> specs, Map<String, String> metadata) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Set<String> seen = new HashSet<>();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (!metadata.isEmpty()) {
        g.writeObjectFieldStart(SafetensorsReader.METADATA_KEY);
        for (Map.Entry<String, String> m : metadata.entrySet()) {
          g.writeStringField(m.getKey(), m.getValue());
        }
        g.writeEndObject();
      }
      long offset = 0;
      for (TensorSpec s : specs) {
        if (s.name().equals(SafetensorsReader.METADATA_KEY) || !seen.add(s.name())) {
          throw new IllegalArgumentException("duplicate or reserved tensor name '" + s.name() + "'");
        }
        g.writeObjectFieldStart(s.name());
        g.writeStringField("dtype", s.dtype().name());
        g.writeArrayFieldStart("shape");
        for (long d : s.shape()) {
          g.writeNumber(d);
        }
        g.writeEndArray();
        long end = offset + s.byteSize();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(offset);
        g.writeNumber(end);
        g.writeEndArray();
        g.writeEndObject();
        offset = end;
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] json = out.toByteArray();
    int pad = 8 - json.length % 8;
    byte[] padded = new byte[json.length + pad];
    System.arraycopy(json, 0, padded, 0, json.length);
    byte space = " ".getBytes(StandardCharsets.US_ASCII)[0];
    for (int i = json.length; i < padded.length; i++) {
      padded[i] = space;
    }
    return padded;
  }
}
