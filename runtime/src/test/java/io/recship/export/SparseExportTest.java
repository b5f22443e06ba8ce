package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recship.checkpoint.CheckpointException;
import io.recship.checkpoint.SafetensorsReader;
import io.recship.checkpoint.SparseCheckpointReader;
import io.recship.checkpoint.SafetensorsWriter;
import io.recship.checkpoint.TensorEntry;
import io.recship.checkpoint.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseExportTest {
  @TempDir Path tmp;

  static void writeTableFile(Path file, String table, long[] ids, int dim, float base) {
    float[] emb = new float[ids.length * dim];
    float[] avg = new float[ids.length * dim];
    for (int i = 0; i < emb.length; i++) {
      emb[i] = base + i * 0.25f;
      avg[i] = -i;
    }
    String part = "/part_0_1";
    SafetensorsWriter.write(
        file,
        List.of(
            TensorEntry.ofLongs(table + ".id" + part, new long[] {ids.length}, ids),
            TensorEntry.ofFloats(table + ".embedding" + part, new long[] {ids.length, dim}, emb),
            TensorEntry.ofFloats(
                table + ".sparse_adamw_exp_avg" + part, new long[] {ids.length, dim}, avg),
            TensorEntry.ofFloats(
                table + ".sparse_adamw_exp_avg_sq" + part, new long[] {ids.length, dim}, avg),
            TensorEntry.ofLongs("sparse_adamw_step", new long[] {1}, new long[] {7})));
  }

  @Test
  void filterKeepsOnlyIdAndEmbeddingSlotsWithTheirBytes() throws IOException {
    Path src = tmp.resolve("model-000000-of-000001.safetensors");
    writeTableFile(src, "user_id_emb", new long[] {11, 42, 7}, 4, 1f);
    Path out = tmp.resolve("filtered.safetensors");
    filter(src, out);
    try (SafetensorsReader r = SafetensorsReader.open(out);
        SafetensorsReader s = SafetensorsReader.open(src)) {
      assertThat(r.keys())
          .containsExactly("user_id_emb.id/part_0_1", "user_id_emb.embedding/part_0_1");
      assertThat(r.readLongs("user_id_emb.id/part_0_1")).containsExactly(11, 42, 7);
      assertThat(r.readFloats("user_id_emb.embedding/part_0_1"))
          .containsExactly(s.readFloats("user_id_emb.embedding/part_0_1"));
      assertThat(r.info("user_id_emb.embedding/part_0_1").shape()).containsExactly(3, 4);
    }
    assertThat(Files.size(out)).isLessThan(Files.size(src));
  }

  @Test
  void filteredFileIsByteForByteWhatTheWriterWritesForTheKeptTensors() throws IOException {
    Path src = tmp.resolve("model-000000-of-000001.safetensors");
    long[] ids = {11, 42, 7};
    writeTableFile(src, "user_id_emb", ids, 4, 1f);
    Path filtered = tmp.resolve("filtered.safetensors");
    filter(src, filtered);
    float[] emb = new float[ids.length * 4];
    for (int i = 0; i < emb.length; i++) {
      emb[i] = 1f + i * 0.25f; // as writeTableFile fills it
    }
    Path direct = tmp.resolve("direct.safetensors");
    SafetensorsWriter.write(
        direct,
        List.of(
            TensorEntry.ofLongs("user_id_emb.id/part_0_1", new long[] {ids.length}, ids),
            TensorEntry.ofFloats("user_id_emb.embedding/part_0_1", new long[] {ids.length, 4}, emb)),
        Map.of(),
        false);
    assertThat(Files.readAllBytes(filtered)).isEqualTo(Files.readAllBytes(direct));
  }

  @Test
  void keepsOnlyIdAndEmbeddingKeys() {
    assertThat(TableFilter.kept("user.id/part_0_2")).isTrue();
    assertThat(TableFilter.kept("a.b.embedding/part_1_2")).isTrue();
    assertThat(TableFilter.kept("user.sparse_adam_exp_avg/part_0_1")).isFalse();
    assertThat(TableFilter.kept("sparse_adamw_step")).isFalse();
  }

  @Test
  void checkpointFilesAreSafetensorsAndJsonSortedAndSplitRoundRobin() throws IOException {
    Path ckpt = Files.createDirectories(tmp.resolve("ckpt"));
    for (String n :
        List.of(
            "model-000001-of-000002.safetensors",
            "model-000000-of-000002.safetensors",
            "tensorkey.json",
            "index",
            "dense.safetensors.tmp",
            "dense.safetensors",
            "torch_rank_weights_embs_table_multi_shard.json")) {
      Files.writeString(ckpt.resolve(n), n);
    }
    List<Path> all = SparseExport.checkpointFiles(ckpt);
    assertThat(all)
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "model-000000-of-000002.safetensors",
            "model-000001-of-000002.safetensors",
            "tensorkey.json",
            "torch_rank_weights_embs_table_multi_shard.json");
    assertThat(SparseExport.ownedBy(all, 1, 2))
        .extracting(p -> p.getFileName().toString())
        .containsExactly("model-000001-of-000002.safetensors", "torch_rank_weights_embs_table_multi_shard.json");
  }

  @Test
  void copyReproducesFilesByteForByte() throws IOException {
    Path ckpt = Files.createDirectories(tmp.resolve("ckpt"));
    Path src = ckpt.resolve("model-000000-of-000001.safetensors");
    writeTableFile(src, "t", new long[] {1, 2}, 3, 0f);
    Path target = Files.createDirectories(tmp.resolve("target"));
    try (FileHashes hashes = new FileHashes()) {
      SparseExport.copy(List.of(src), target, hashes);
    }
    assertThat(target.resolve(src.getFileName())).hasSameBinaryContentAs(src);
  }

  @Test
  void checkpointWithoutSafetensorsIsRefusedNamingTheFolder() throws IOException {
    Path ckpt = Files.createDirectories(tmp.resolve("ckpt"));
    Files.writeString(ckpt.resolve("tensorkey.json"), "{}");
    assertThatThrownBy(() -> SparseExport.checkpointFiles(ckpt))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining(ckpt.toString())
        .hasMessageContaining("no *.safetensors");
  }

  @Test
  void aCheckpointPathThatIsAFileIsNamedAsAFileNotAsMissing() throws IOException {
    Path file = Files.writeString(tmp.resolve("ckpt"), "not a folder");
    assertThatThrownBy(() -> SparseExport.checkpointFiles(file))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("checkpoint folder " + file + " is a file, not a folder");
  }

  /** A table file missing its last 10 bytes, as an interrupted copy leaves it. */
  private Path truncatedTableFile() throws IOException {
    Path src = tmp.resolve("model-000000-of-000001.safetensors");
    writeTableFile(src, "t", new long[] {1, 2, 3}, 8, 0f);
    byte[] all = Files.readAllBytes(src);
    Files.write(src, java.util.Arrays.copyOf(all, all.length - 10));
    return src;
  }

  @Test
  void aTruncatedCheckpointFileIsNamedOnceWithOneFix() throws IOException {
    Path src = truncatedTableFile();
    assertThatThrownBy(() -> SparseExport.validate(List.of(src)))
        .isInstanceOf(ExportException.class)
        .hasMessageStartingWith("prepare: checkpoint file is unreadable: " + src + ": tensor ")
        .hasMessageContaining("file is truncated")
        .satisfies(e -> {
          String m = e.getMessage();
          assertThat(m.indexOf(src.toString())).isEqualTo(m.lastIndexOf(src.toString()));
          assertThat(m).containsOnlyOnce("Fix:").doesNotContain("Save the checkpoint again");
        });
  }

  @Test
  void filterRefusesATruncatedTableFile() throws IOException {
    Path src = truncatedTableFile();
    assertThatThrownBy(() -> filter(src, tmp.resolve("out.safetensors")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void filteredExportHoldsNoOptimizerSlotsAndStaysAReadableCheckpoint() throws IOException {
    Path ckpt = Files.createDirectories(tmp.resolve("ckpt"));
    TestCheckpoints.write(ckpt, TestCheckpoints.table("user", 5, 4), TestCheckpoints.table("item", 3, 2));
    Path out = Files.createDirectories(tmp.resolve("out"));
    List<Path> files = SparseExport.checkpointFiles(ckpt);
    try (FileHashes hashes = new FileHashes()) {
      SparseExport.filter(files, out, hashes);
    }
    SparseExport.writeFilteredManifests(ckpt, out);
    for (String manifest : SparseExport.TABLE_MANIFESTS) {
      assertThat(Files.readString(out.resolve(manifest))).doesNotContain("sparse_adamw");
    }
    try (Stream<Path> s = Files.list(out)) {
      for (Path f : s.filter(p -> p.toString().endsWith("safetensors")).toList()) {
        assertThat(keys(f)).allMatch(k -> k.contains(".id/") || k.contains(".embedding/"));
      }
    }
    try (SparseCheckpointReader r = SparseCheckpointReader.open(out);
        SparseCheckpointReader orig = SparseCheckpointReader.open(ckpt)) {
      assertThat(r.tables()).containsExactly("item", "user");
      assertThat(r.slots("user")).containsExactly("embedding");
      assertThat(r.ids("user")).containsExactly(orig.ids("user"));
      List<float[]> rows = new ArrayList<>();
      r.readSlot("user", "embedding", (id, values) -> rows.add(values.clone()));
      List<float[]> origRows = new ArrayList<>();
      orig.readSlot("user", "embedding", (id, values) -> origRows.add(values.clone()));
      assertThat(rows).usingRecursiveComparison().isEqualTo(origRows);
    }
  }

  static long filter(Path source, Path target) throws IOException {
    try (StagedFile out = StagedFile.create(target)) {
      return TableFilter.filter(source, out);
    }
  }

  static List<String> keys(Path file) {
    return SafetensorsReader.headerOf(file).stream().map(TensorInfo::name).toList();
  }
}
