package io.recship.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseCheckpointTest {
  @TempDir Path dir;

  /** A tiny in-memory table: row r has id ids[r] and values slotBase + r * dim + c. */
  record Table(String sharedName, int dim, long[] ids, List<String> slotNames) implements TableSnapshot {
    @Override
    public int size() {
      return ids.length;
    }

    @Override
    public void writeIds(TensorSink sink) throws IOException {
      sink.putLongs(ids, 0, ids.length);
    }

    @Override
    public void writeSlot(String slot, TensorSink sink) throws IOException {
      float base = slotNames.indexOf(slot) * 1000f;
      for (int r = 0; r < ids.length; r++) {
        for (int c = 0; c < dim; c++) {
          sink.putFloat(base + r * dim + c);
        }
      }
    }
  }

  private static List<Table> tables() {
    return List.of(
        new Table("user_id", 2, new long[] {5, 9, 1}, List.of("embedding", "sparse_adam_exp_avg", "sparse_adam_exp_avg_sq")),
        new Table("item.cat", 3, new long[] {-4}, List.of("embedding")));
  }

  @Test
  void writesRecisFilesPlusDigestSidecarsOnlyWhenAsked() throws IOException {
    SparseCheckpointWriter.write(dir.resolve("with"), tables(), List.of());
    try (var files = Files.list(dir.resolve("with"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "model-000000-of-000001.safetensors", "model-000000-of-000001.safetensors.sha256",
              "index", "tensorkey.json", "torch_rank_weights_embs_table_multi_shard.json");
    }
    SparseCheckpointWriter.write(dir.resolve("without"), tables(), List.of(), false);
    try (var files = Files.list(dir.resolve("without"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "model-000000-of-000001.safetensors", "index", "tensorkey.json",
              "torch_rank_weights_embs_table_multi_shard.json");
    }
    // the data files are identical: the sidecar is all the digest adds
    assertThat(dir.resolve("with/model-000000-of-000001.safetensors"))
        .hasSameBinaryContentAs(dir.resolve("without/model-000000-of-000001.safetensors"));
  }

  @Test
  void writesRecisFilesWithRecisContent() throws IOException {
    SparseCheckpointWriter.write(dir, tables(), List.of(new TensorSpec("dense_arch.w", SafeDType.F32, new long[] {4, 2})), false);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              "model-000000-of-000001.safetensors", "index", "tensorkey.json",
              "torch_rank_weights_embs_table_multi_shard.json");
    }
    assertThat(Files.readString(dir.resolve("index")))
        .isEqualTo("{\"block_index\":{\"item.cat.embedding/part_0_1\":0,\"item.cat.id/part_0_1\":0,"
            + "\"user_id.embedding/part_0_1\":0,\"user_id.id/part_0_1\":0,"
            + "\"user_id.sparse_adam_exp_avg/part_0_1\":0,\"user_id.sparse_adam_exp_avg_sq/part_0_1\":0},"
            + "\"file_index\":{\"model-000000-of-000001.safetensors\":0}}");
    assertThat(Files.readString(dir.resolve("tensorkey.json")))
        .startsWith("{\n    \"item.cat.embedding/part_0_1\": \"item.cat@embedding^00000@65536@65536\",\n")
        .contains("    \"user_id.id/part_0_1\": \"user_id@id^00000@65536@65536\",\n");
    String manifest = Files.readString(dir.resolve("torch_rank_weights_embs_table_multi_shard.json"));
    assertThat(manifest)
        .isEqualTo(
            "{\n"
                + "    \"dense_arch.w\": {\n"
                + "        \"dense\": true,\n"
                + "        \"dimension\": 0,\n"
                + "        \"dtype\": \"float32\",\n"
                + "        \"is_hashmap\": false,\n"
                + "        \"name\": \"dense_arch.w\",\n"
                + "        \"shape\": [\n            4,\n            2\n        ]\n"
                + "    },\n"
                + "    \"item.cat.embedding/part_0_1\": {\n"
                + "        \"dense\": false,\n"
                + "        \"dimension\": 3,\n"
                + "        \"dtype\": \"float32\",\n"
                + "        \"hashmap_key\": \"item.cat.id/part_0_1\",\n"
                + "        \"hashmap_key_dtype\": \"int64\",\n"
                + "        \"hashmap_value\": \"item.cat.embedding/part_0_1\",\n"
                + "        \"is_hashmap\": true,\n"
                + "        \"name\": \"item.cat.embedding/part_0_1\",\n"
                + "        \"shape\": [\n            1,\n            3\n        ]\n"
                + "    },\n"
                + "    \"user_id.embedding/part_0_1\": {\n"
                + "        \"dense\": false,\n"
                + "        \"dimension\": 2,\n"
                + "        \"dtype\": \"float32\",\n"
                + "        \"hashmap_key\": \"user_id.id/part_0_1\",\n"
                + "        \"hashmap_key_dtype\": \"int64\",\n"
                + "        \"hashmap_value\": \"user_id.embedding/part_0_1\",\n"
                + "        \"is_hashmap\": true,\n"
                + "        \"name\": \"user_id.embedding/part_0_1\",\n"
                + "        \"shape\": [\n            3,\n            2\n        ]\n"
                + "    }\n"
                + "}");
    try (SafetensorsReader r = SafetensorsReader.open(dir.resolve("model-000000-of-000001.safetensors"))) {
      assertThat(r.keys())
          .containsExactly(
              "user_id.id/part_0_1", "user_id.embedding/part_0_1", "user_id.sparse_adam_exp_avg/part_0_1",
              "user_id.sparse_adam_exp_avg_sq/part_0_1", "item.cat.id/part_0_1", "item.cat.embedding/part_0_1");
    }
  }

  @Test
  void aTruncatedIndexIsNamedWithItsPositionAndAPlainReasonWithoutJacksonInternals() throws IOException {
    SparseCheckpointWriter.write(dir, tables(), List.of());
    String index = Files.readString(dir.resolve("index"));
    Files.writeString(dir.resolve("index"), index.substring(0, index.length() / 2));
    assertThatThrownBy(() -> SparseCheckpointReader.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(dir.resolve("index") + "")
        .hasMessageContaining("not valid JSON at line 1, column ")
        .hasMessageContaining(": the file ends ")
        .hasMessageNotContaining("REDACTED")
        .hasMessageNotContaining("StreamReadFeature");
  }

  @Test
  void readerStreamsRowsWithTheirIds() {
    SparseCheckpointWriter.write(dir, tables(), List.of());
    try (SparseCheckpointReader r = SparseCheckpointReader.open(dir)) {
      assertThat(r.tables()).containsExactly("item.cat", "user_id");
      assertThat(r.dim("user_id")).isEqualTo(2);
      assertThat(r.slots("user_id")).containsExactly("embedding", "sparse_adam_exp_avg", "sparse_adam_exp_avg_sq");
      assertThat(r.ids("user_id")).containsExactly(5, 9, 1);
      List<String> rows = new ArrayList<>();
      r.readSlot("user_id", "sparse_adam_exp_avg", (id, row) -> rows.add(id + ":" + row[0] + "," + row[1]));
      assertThat(rows).containsExactly("5:1000.0,1001.0", "9:1002.0,1003.0", "1:1004.0,1005.0");
      assertThat(r.unknownKeys()).isEmpty();
    }
  }

  @Test
  void dealsBlocksRoundRobinOverParallelFilesAndMergesShards() throws Exception {
    // like RecIS, every shard writes every table, one holding no ids too
    List<Table> all = tables();
    Table userIds1 = new Table("user_id", 2, new long[] {7}, all.get(0).slotNames());
    Table itemCats0 = new Table("item.cat", 3, new long[0], all.get(1).slotNames());
    SparseCheckpointWriter.writeShard(dir, List.of(all.get(0), itemCats0), 0, 2, 2);
    SparseCheckpointWriter.writeShard(dir, List.of(userIds1, all.get(1)), 1, 2, 2);
    SparseCheckpointWriter.mergeShards(dir, 2, List.of());
    assertThat(dir.resolve("model-000000-of-000004.safetensors")).exists();
    assertThat(dir.resolve("model-000001-of-000004.safetensors")).exists();
    assertThat(dir.resolve("model-000002-of-000004.safetensors")).exists();
    assertThat(dir.resolve("model-000003-of-000004.safetensors")).exists();
    for (int i = 0; i < 4; i++) {
      // every shard's data file has its own sidecar, so shards never write a shared digest file
      Path data = dir.resolve(RecisLayout.dataFileName(i, 4));
      assertThat(DigestSidecar.readIfCurrent(data).sha256()).isEqualTo(DigestSidecarTest.sha256(data));
    }
    assertThat(dir.resolve("ckpt-0000000.index")).doesNotExist();
    assertThat(Files.readString(dir.resolve("tensorkey.json")))
        .contains("\"user_id.embedding/part_0_2\": \"user_id@embedding^00000@32768@65536\"")
        .contains("\"item.cat.embedding/part_1_2\": \"item.cat@embedding^32768@65536@65536\"");
    try (SparseCheckpointReader r = SparseCheckpointReader.open(dir)) {
      assertThat(r.ids("user_id")).containsExactly(5, 9, 1, 7);
      assertThat(r.ids("item.cat")).containsExactly(-4);
      List<Float> first = new ArrayList<>();
      r.readSlot("item.cat", "embedding", (id, row) -> first.add(row[2]));
      assertThat(first).containsExactly(2f);
    }
  }

  @Test
  void missingIndexOrDataFileIsNamed() throws IOException {
    assertThatThrownBy(() -> SparseCheckpointReader.open(dir.resolve("nope")))
        .hasMessageContaining("checkpoint directory not found");
    assertThatThrownBy(() -> SparseCheckpointReader.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("index")
        .hasMessageContaining("missing");
    SparseCheckpointWriter.write(dir, tables(), List.of());
    Files.delete(dir.resolve("model-000000-of-000001.safetensors"));
    assertThatThrownBy(() -> SparseCheckpointReader.open(dir))
        .isInstanceOfSatisfying(
            CheckpointException.class,
            e -> assertThat(e.file()).isEqualTo(dir.resolve("model-000000-of-000001.safetensors")))
        .hasMessageContaining("is missing");
  }

  @Test
  void reportsKeysOfAnotherFormAsUnknown() throws IOException {
    SafetensorsWriter.write(
        dir.resolve("model-000000-of-000001.safetensors"),
        List.of(
            TensorEntry.ofLongs("t.id/part_0_1", new long[] {1}, new long[] {3}),
            TensorEntry.ofFloats("t.embedding/part_0_1", new long[] {1, 2}, new float[] {1, 2}),
            TensorEntry.ofFloats("sparse_adam_step^ ", new long[] {1}, new float[] {4})));
    Files.writeString(
        dir.resolve("index"),
        "{\"block_index\":{\"t.id/part_0_1\":0,\"t.embedding/part_0_1\":0,\"sparse_adam_step^ \":0},"
            + "\"file_index\":{\"model-000000-of-000001.safetensors\":0}}");
    try (SparseCheckpointReader r = SparseCheckpointReader.open(dir)) {
      assertThat(r.unknownKeys()).containsExactly("sparse_adam_step^ ");
      assertThat(r.tables()).containsExactly("t");
    }
  }

  @Test
  void slotStoredAsAnotherDtypeIsAMismatch() throws IOException {
    SafetensorsWriter.write(
        dir.resolve("model-000000-of-000001.safetensors"),
        List.of(
            TensorEntry.ofLongs("t.id/part_0_1", new long[] {1}, new long[] {3}),
            TensorEntry.of("t.embedding/part_0_1", SafeDType.F64, new long[] {1, 2}, s -> { s.putDouble(1); s.putDouble(2); })));
    Files.writeString(
        dir.resolve("index"),
        "{\"block_index\":{\"t.id/part_0_1\":0,\"t.embedding/part_0_1\":0},"
            + "\"file_index\":{\"model-000000-of-000001.safetensors\":0}}");
    assertThatThrownBy(() -> SparseCheckpointReader.open(dir))
        .isInstanceOfSatisfying(CheckpointException.class, e -> assertThat(e.key()).isEqualTo("t.embedding/part_0_1"))
        .hasMessageContaining("stored as F64 but F32 is expected");
  }

  @Test
  void aTableMissingAPartIsRefusedBeforeItsRowsAreLost() throws Exception {
    SparseCheckpointWriter.writeShard(dir, tables(), 0, 2, 1);
    SparseCheckpointWriter.writeShard(dir, tables(), 1, 2, 1);
    SparseCheckpointWriter.mergeShards(dir, 2, List.of());
    // an index merged without shard 1: its data file is neither listed nor present
    ObjectMapper json = new ObjectMapper();
    ObjectNode index = (ObjectNode) json.readTree(dir.resolve("index").toFile());
    ((ObjectNode) index.get("file_index")).remove("model-000001-of-000002.safetensors");
    ((ObjectNode) index.get("block_index")).properties().removeIf(e -> e.getKey().endsWith("/part_1_2"));
    json.writeValue(dir.resolve("index").toFile(), index);
    Files.delete(dir.resolve("model-000001-of-000002.safetensors"));
    assertThat(Files.readString(dir.resolve("index"))).doesNotContain("part_1_2");

    assertThatThrownBy(() -> SparseCheckpointReader.open(dir))
        .isInstanceOfSatisfying(CheckpointException.class, e -> {
          assertThat(e.file()).isEqualTo(dir.resolve("index"));
          assertThat(e.key()).isEqualTo("item.cat.id/part_1_2");
        })
        .hasMessageContaining("table 'item.cat' has 1 of its 2 parts")
        .hasMessageContaining("rows would be lost")
        .hasMessageContaining("one complete save");
  }

  @Test
  void partsOfSavesWithDifferentShardCountsAreRefused() throws IOException {
    writeRaw(
        TensorEntry.ofLongs("t.id/part_0_1", new long[] {1}, new long[] {3}),
        TensorEntry.ofFloats("t.embedding/part_0_1", new long[] {1, 2}, new float[] {1, 2}),
        TensorEntry.ofLongs("t.id/part_0_2", new long[] {1}, new long[] {4}),
        TensorEntry.ofFloats("t.embedding/part_0_2", new long[] {1, 2}, new float[] {5, 6}));
    assertThatThrownBy(() -> SparseCheckpointReader.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("table 't' has parts of saves with different shard counts")
        .hasMessageContaining("'t.id/part_0_1'")
        .hasMessageContaining("'t.id/part_0_2'");
  }

  @Test
  void aPartNumberedBeyondItsShardCountIsRefused() throws IOException {
    writeRaw(
        TensorEntry.ofLongs("t.id/part_2_2", new long[] {1}, new long[] {3}),
        TensorEntry.ofFloats("t.embedding/part_2_2", new long[] {1, 2}, new float[] {1, 2}));
    assertThatThrownBy(() -> SparseCheckpointReader.open(dir))
        .isInstanceOfSatisfying(CheckpointException.class, e -> assertThat(e.key()).isEqualTo("t.id/part_2_2"))
        .hasMessageContaining("names part 2 of 2");
  }

  @Test
  void partsWithDifferentSlotsAreRefusedAtOpen() throws IOException {
    writeRaw(
        TensorEntry.ofLongs("t.id/part_0_2", new long[] {1}, new long[] {3}),
        TensorEntry.ofFloats("t.embedding/part_0_2", new long[] {1, 2}, new float[] {1, 2}),
        TensorEntry.ofFloats("t.sparse_adam_exp_avg/part_0_2", new long[] {1, 2}, new float[] {0, 0}),
        TensorEntry.ofLongs("t.id/part_1_2", new long[] {1}, new long[] {4}),
        TensorEntry.ofFloats("t.embedding/part_1_2", new long[] {1, 2}, new float[] {5, 6}));
    assertThatThrownBy(() -> SparseCheckpointReader.open(dir))
        .isInstanceOfSatisfying(CheckpointException.class, e -> assertThat(e.key()).isEqualTo("t.id/part_1_2"))
        .hasMessageContaining("table 't' part 1 has slots [embedding] but part 0 has [embedding, sparse_adam_exp_avg]");
  }

  /** One data file holding {@code entries}, and an index listing them all. */
  private void writeRaw(TensorEntry... entries) throws IOException {
    SafetensorsWriter.write(dir.resolve("model-000000-of-000001.safetensors"), List.of(entries));
    StringBuilder blocks = new StringBuilder();
    for (TensorEntry e : entries) {
      blocks.append(blocks.length() == 0 ? "" : ",").append('"').append(e.spec().name()).append("\":0");
    }
    Files.writeString(dir.resolve("index"), "{\"block_index\":{" + blocks
        + "},\"file_index\":{\"model-000000-of-000001.safetensors\":0}}");
  }

  @Test
  void parsesKeysWithDotsInTheSharedName() {
    assertThat(RecisLayout.parseKey("a.b.embedding/part_3_4"))
        .isEqualTo(new RecisLayout.Key("a.b", "embedding", 3, 4));
    assertThat(RecisLayout.parseKey("dense.weight")).isNull();
    assertThat(RecisLayout.sliceInfo(1, 4)).isEqualTo("16384@32768@65536");
    assertThat(RecisLayout.sliceInfo(0, 3)).isEqualTo("00000@21846@65536");
  }
}
