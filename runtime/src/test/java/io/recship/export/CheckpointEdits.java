package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.recship.checkpoint.SafeDType;
import io.recship.checkpoint.SafetensorsReader;
import io.recship.checkpoint.SafetensorsWriter;
import io.recship.checkpoint.TensorEntry;
import io.recship.checkpoint.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Damages checkpoint and export files the way a hand edit or a broken tool would. */
public final class CheckpointEdits {
  private CheckpointEdits() {}

  /** Rewrites {@code file} without the tensors of {@code table} ({@code <table>.<slot>/part_i_n}). */
  public static void dropTable(Path file, String table) throws IOException {
    dropKeys(file, table + ".");
  }

  /** Rewrites {@code file} without the tensors whose key starts with {@code prefix}. */
  public static void dropKeys(Path file, String prefix) throws IOException {
    List<TensorEntry> kept = new ArrayList<>();
    try (SafetensorsReader r = SafetensorsReader.open(file)) {
      for (TensorInfo t : r.tensors()) {
        if (t.name().startsWith(prefix)) {
          continue;
        }
        kept.add(t.dtype() == SafeDType.I64
            ? TensorEntry.ofLongs(t.name(), t.shape(), r.readLongs(t.name()))
            : TensorEntry.ofFloats(t.name(), t.shape(), r.readFloats(t.name())));
      }
    }
    assertThat(kept).as("%s holds tensors other than %s*", file, prefix).isNotEmpty();
    Path tmp = file.resolveSibling(file.getFileName() + ".edit");
    SafetensorsWriter.write(tmp, kept);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Edits the shape of {@code key} in {@code file}'s header, e.g. {@code [3,2]} to {@code [1,6]}:
   * same text length and byte size, so the file stays a valid safetensors file.
   */
  public static void editShape(Path file, String key, String from, String to) throws IOException {
    assertThat(to).hasSameSizeAs(from);
    byte[] b = Files.readAllBytes(file);
    int len = (int) ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(b, 8, len, StandardCharsets.UTF_8);
    int at = header.indexOf("\"" + key + "\"");
    assertThat(at).as("%s in %s", key, header).isNotNegative();
    String shape = "\"shape\":" + from;
    int s = header.indexOf(shape, at);
    assertThat(s).as("%s of %s in %s", shape, key, header).isNotNegative();
    String edited = header.substring(0, s) + "\"shape\":" + to + header.substring(s + shape.length());
    byte[] e = edited.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(e, 0, b, 8, e.length);
    Files.write(file, b);
  }

  /** Rewrites the manifest of {@code exportDir} for its files as they are now (a hand-made export). */
  public static void remanifest(Path exportDir) throws IOException {
    ExportManifest m = ExportManifest.read(exportDir);
    List<ExportedFile> files = new ArrayList<>();
    for (ExportedFile f : m.files()) {
      Path p = exportDir.resolve(f.path());
      files.add(new ExportedFile(f.path(), Files.size(p), ExportManifest.sha256(p)));
    }
    Files.writeString(exportDir.resolve(ExportManifest.FILE_NAME),
        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(new ExportManifest(
            m.format(), m.formatVersion(), m.modelName(), m.createdAt(), m.shardCount(), files)));
    ExportManifest.verify(exportDir);
  }
}
